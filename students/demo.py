"""Demo of 毕业去向, idempotent: graduates of 示例理工大学 计算机学院 (two-level review) with destinations in several codes
and states — 待学院审核, 待学校审核, 已落实, 退回修改 — made through the services, so that the 毕业去向审核 queue
and the public checks can be tried from `make run`; and the printout of one valid 姓名 + 核验编号 and one
协议书编号 + 验证码."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from contracts.models import Contract, JobCategory
from contracts.pdf import FONT_FILE
from contracts.rules import AGREEMENT_STATES
from employers.models import Industry, Region, UnitNature
from schools.models import Graduate
from signing_platform.accounts.models import Role, User
from signing_platform.demo import DEMO_PASSWORD
from signing_platform.validators import credit_code_check_char

from . import services
from .models import DestinationCode, DestinationRecord, RecordStatus

SCHOOL_CODE = "10001"
COLLEGE = "计算机学院"
COLLEGE_REVIEWER = "reviewer_college_10001_1"
SCHOOL_REVIEWER = "reviewer_school_10001"
# mobile → (code, what becomes of the registration)
GRADUATES = {
    "13700000003": ("801", "pending_college"),
    "13700000004": ("11", "pending_school"),
    "13700000005": ("75", "confirmed"),
    "13700000006": ("76", "returned"),
    "13700000007": ("85", "confirmed"),
    "13700000008": ("70", "confirmed"),
}
RETURN_REASON = "证明材料不清晰，请上传本人签字的承诺书原件扫描件"


def _proof(title: str) -> SimpleUploadedFile:
    """A made-up scan: a page with its title, in the font the project ships."""
    image = Image.new("RGB", (640, 420), (250, 248, 240))
    draw = ImageDraw.Draw(image)
    draw.rectangle((16, 16, 623, 403), outline=(180, 40, 40), width=4)
    font = ImageFont.truetype(str(FONT_FILE), 40, index=0)
    small = ImageFont.truetype(str(FONT_FILE), 22, index=0)
    draw.text((60, 140), title, fill=(30, 30, 30), font=font)
    draw.text((60, 220), "演示数据 · 虚构内容，仅供体验审核流程", fill=(120, 120, 120), font=small)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile("proof.png", buffer.getvalue(), content_type="image/png")


def _fields(code: DestinationCode) -> dict:
    credit = "91110108MA01DEMY0"
    credit += credit_code_check_char(credit)
    return {
        "11": {"unit_name": "北京示例数据有限公司", "credit_code": credit,
               "unit_nature": UnitNature.objects.filter(name="其他企业").first(),
               "industry": Industry.objects.filter(code="I").first(), "region": Region.objects.filter(code="110100").first(),
               "job_category": JobCategory.objects.filter(name="工程技术人员").first()},
        "75": {"unit_name": "北京拾光软件工作室", "credit_code": credit},
        "76": {"work_kind": "自由撰稿与插画"},
        "801": {"school_name": "示例科技大学", "major": "计算机科学与技术"},
        "85": {"country": "英国", "school_name": "University of Example"},
        "70": {"note": "正在求职"},
    }[code.code]


def _graduate(mobile: str, taken: set[int]) -> Graduate:
    """The graduate of `mobile`, or a new account for a roster entry no demo uses (the last ones of the college, so
    the first unactivated one stays free for the 毕业生激活 walk-through)."""
    graduate = Graduate.objects.filter(user__mobile=mobile).first()
    if graduate is not None:
        return graduate
    graduate = (
        Graduate.objects.filter(school__code=SCHOOL_CODE, college__name=COLLEGE, graduation_year=2026, user__isnull=True)
        .exclude(pk__in=taken).order_by("-id").first()
    )
    user = User.objects.create_user(role=Role.STUDENT, mobile=mobile, password=DEMO_PASSWORD, name=graduate.name)
    Graduate.objects.filter(pk=graduate.pk).update(user=user, confirmed_at=timezone.now())
    graduate.refresh_from_db()
    return graduate


def _registered(graduate: Graduate, code_value: str, outcome: str) -> None:
    if DestinationRecord.objects.filter(graduate=graduate).exists():
        return
    code = DestinationCode.objects.get(code=code_value)
    proof = _proof(code.proof_label) if code.needs_proof else None
    record = services.register(
        actor=graduate.user, registration=services.Registration(code=code, **_fields(code)), proof=proof
    )
    college, school = User.objects.get(username=COLLEGE_REVIEWER), User.objects.get(username=SCHOOL_REVIEWER)
    if outcome == "returned":
        services.return_for_correction(actor=college, record=record, reason=RETURN_REASON)
        return
    if outcome in ("pending_school", "confirmed"):
        services.approve(actor=college, record=record)
    if outcome == "confirmed":
        services.approve(actor=school, record=record)


def load() -> list[str]:
    if not Graduate.objects.filter(school__code=SCHOOL_CODE).exists() or not User.objects.filter(
        username=COLLEGE_REVIEWER
    ).exists():
        return []
    taken: set[int] = set()
    names = {}
    for mobile, (code, outcome) in GRADUATES.items():
        graduate = _graduate(mobile, taken)
        taken.add(graduate.pk)
        names[mobile] = graduate.name
        _registered(graduate, code, outcome)
    confirmed = (
        DestinationRecord.objects.filter(graduate__user__mobile="13700000005", status=RecordStatus.CONFIRMED)
        .select_related("graduate").first()
    )
    agreement = Contract.objects.filter(status__in=AGREEMENT_STATES).order_by("pk").first()
    lines = [
        f"毕业去向（{COLLEGE}，两级审核）：待学院审核 13700000003（{names['13700000003']}，801），"
        f"待学校审核 13700000004（11），已落实 13700000005（75）、13700000007（85）、13700000008（70），"
        f"退回修改 13700000006（{names['13700000006']}，76，可修改后重新提交），密码 {DEMO_PASSWORD}；"
        f"由 {COLLEGE_REVIEWER}、{SCHOOL_REVIEWER} 在“毕业去向审核”中审核",
    ]
    if confirmed is not None:
        lines.append(f"毕业去向核验（/verify/destination/）：姓名 {confirmed.graduate.name}，"
                     f"核验编号 {confirmed.verification_no_display}")
    if agreement is not None:
        lines.append(f"协议书核验（/verify/agreement/）：协议书编号 {agreement.agreement_no}，"
                     f"验证码 {agreement.verification_code}")
    return lines
