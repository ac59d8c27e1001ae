from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, reverse

from signing_platform.accounts.models import Role

# The menu of each role: (label, url name). Labels are the seed's.
MENUS = {
    Role.EMPLOYER: [
        ("工作台", "employers:home"),
        ("签约解约", "contracts:employer_list"),
        ("档案信息管理", "employers:archive"),
        ("账号管理", "employers:account"),
    ],
    Role.STUDENT: [
        ("我的邀请", "contracts:student_invitations"),
        ("我的签约", "students:home"),
        ("毕业去向", "destinations:student"),
        ("个人信息", "students:profile"),
    ],
    Role.COLLEGE_REVIEWER: [
        ("待审核", "contracts:review_queue"),
        ("已审核", "contracts:review_history"),
        ("毕业去向审核", "destinations:review_queue"),
        ("生源信息", "schools:roster"),
        ("落实率统计", "schools:statistics"),
        ("信息更正申请", "schools:corrections"),
    ],
    Role.SCHOOL_REVIEWER: [
        ("待审核", "contracts:review_queue"),
        ("已审核", "contracts:review_history"),
        ("解约审核", "contracts:termination_queue"),
        ("毕业去向审核", "destinations:review_queue"),
        ("生源信息", "schools:roster"),
        ("落实率统计", "schools:statistics"),
        ("信息更正申请", "schools:corrections"),
        ("审核员管理", "schools:reviewers"),
        ("生源导入", "schools:roster_import"),
    ],
}


def site_info() -> dict:
    """主办单位, 服务热线 and 备案号 of this deployment (settings SITE_*); with DEBUG an unset 备案号 shows its slot."""
    return {
        "organizer": settings.SITE_ORGANIZER,
        "hotline": settings.SITE_HOTLINE,
        "icp_number": settings.SITE_ICP_NUMBER,
        "placeholders": settings.DEBUG,
    }


@lru_cache(maxsize=32)
def _menu(role, script_prefix: str) -> tuple:
    """The role's menu as (label, url name, url), reversed once per process."""
    return tuple((label, name, reverse(name)) for label, name in MENUS.get(role, []))


def platform(request):
    user = getattr(request, "user", None)
    role = user.role if user is not None and user.is_authenticated else None
    return {"menu": _menu(role, get_script_prefix()), "show_outbox": settings.DEBUG, "site": site_info()}
