"""Demo of the signing flow, idempotent:
- an invitation from the authenticated demo unit waiting for the demo student of 示例理工大学 (two-level review), to
  accept and have reviewed by a college and then the school reviewer;
- a graduate of 示例职业技术学院 (one-level review) signed with the same unit, who then asked to terminate — the unit
  can 同意/不同意解约, then reviewer_school_10003 reviews it in 解约审核."""

from django.utils import timezone

from employers.demo import AUTHENTICATED_MOBILE
from employers.models import UnitMember
from schools.models import Graduate
from signing_platform.accounts.models import Role, User
from signing_platform.demo import DEMO_PASSWORD

from . import services
from .models import Contract, JobCategory

STUDENT_MOBILE = "13700000002"
INVITED_STUDENT_MOBILE = "13700000001"
SCHOOL_CODE = "10003"


def load() -> list[str]:
    member = UnitMember.objects.select_related("unit", "user").filter(user__mobile=AUTHENTICATED_MOBILE).first()
    graduate = Graduate.objects.filter(user__mobile=STUDENT_MOBILE).first()
    if member is None:
        return []
    if graduate is None:
        graduate = Graduate.objects.filter(school__code=SCHOOL_CODE, user__isnull=True).order_by("id").first()
        student = User.objects.create_user(role=Role.STUDENT, mobile=STUDENT_MOBILE, password=DEMO_PASSWORD, name=graduate.name)
        Graduate.objects.filter(pk=graduate.pk).update(user=student, confirmed_at=timezone.now())
        graduate.refresh_from_db()
    invited = Graduate.objects.filter(user__mobile=INVITED_STUDENT_MOBILE).first()
    if invited is not None and not Contract.objects.filter(graduate=invited).exists():
        _invite(member, invited, post_name="后端开发工程师")
    if not Contract.objects.filter(graduate=graduate).exists():
        contract = _invite(member, graduate, post_name="运维工程师")
        services.accept(actor=graduate.user, contract=contract)
        reviewer = User.objects.get(username=f"reviewer_school_{SCHOOL_CODE}")
        services.approve(actor=reviewer, contract=contract)
        services.request_termination(actor=graduate.user, contract=contract, reason="考取研究生，申请解约")
    return [
        f"毕业生 {INVITED_STUDENT_MOBILE} 已收到单位 {AUTHENTICATED_MOBILE} 的签约邀请函，可在“我的邀请”中应约，"
        f"再由学院、学校审核员审核",
        f"毕业生（已签约并申请解约，待单位 {AUTHENTICATED_MOBILE} 确认）：手机号 {STUDENT_MOBILE}，密码 {DEMO_PASSWORD}"
        f"（{graduate.name}）；单位同意后由 reviewer_school_{SCHOOL_CODE} 在“解约审核”中审核",
    ]


def _invite(member, graduate, *, post_name):
    favorite, _ = services.favorite_add(actor=member.user, graduate=graduate)
    return services.invite(
        actor=member.user, favorite=favorite, job_category=JobCategory.objects.filter(is_active=True).first(),
        post_name=post_name, valid_days=7, contact=member.unit.contacts.filter(is_active=True).first(),
    )
