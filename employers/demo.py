"""Demo employers: one of an 已认证 unit (with a contact and archive information) and one of a unit not yet authenticated."""

from django.utils import timezone

from signing_platform.accounts.models import Role, User
from signing_platform.demo import DEMO_PASSWORD
from signing_platform.validators import credit_code_check_char

from .models import ArchiveInfo, AuthStatus, Contact, Industry, Region, Unit, UnitMember, UnitNature

AUTHENTICATED_MOBILE = "13900000001"
UNAUTHENTICATED_MOBILE = "13900000002"


def _credit_code(first17: str) -> str:
    return first17 + credit_code_check_char(first17)


def _employer(mobile: str, name: str) -> User:
    user = User.objects.filter(mobile=mobile).first()
    if user is None:
        user = User.objects.create_user(role=Role.EMPLOYER, mobile=mobile, password=DEMO_PASSWORD, name=name)
    return user


def _unit(*, user: User, credit_code: str, **fields) -> Unit:
    unit, _ = Unit.objects.get_or_create(credit_code=credit_code, defaults=fields)
    UnitMember.objects.get_or_create(user=user, defaults={"unit": unit, "is_admin": True})
    return unit


def load() -> list[str]:
    beijing = Region.objects.filter(code="110000").first()
    authenticated = _unit(
        user=_employer(AUTHENTICATED_MOBILE, "李人事"), credit_code=_credit_code("91110108MA01DEMX0"),
        name="北京示例科技有限公司", nature=UnitNature.objects.filter(name="其他企业").first(),
        industry=Industry.objects.filter(code="I").first(), province=beijing,
        city=Region.objects.filter(code="110100").first(), address="北京市海淀区中关村大街27号",
        contact_name="李人事", contact_phone="010-62512345", auth_status=AuthStatus.AUTHENTICATED,
        authenticated_at=timezone.now(),
    )
    if not authenticated.contacts.exists():
        Contact.objects.create(unit=authenticated, name="李人事", mobile="13900000011", email="hr@example.com")
    if not authenticated.archive_history.exists():
        ArchiveInfo.objects.create(
            unit=authenticated, has_archive_authority=True, receiver_name="北京示例科技有限公司人力资源部",
            address="北京市海淀区中关村大街27号", postcode="100080", contact_name="李人事", contact_phone="010-62512345",
        )
    _unit(
        user=_employer(UNAUTHENTICATED_MOBILE, "王经理"), credit_code=_credit_code("91310115MA1KDEMX0"),
        name="上海待认证贸易有限公司",
    )
    return [
        f"用人单位（已认证，{authenticated.name}）：手机号 {AUTHENTICATED_MOBILE}，密码 {DEMO_PASSWORD}",
        f"用人单位（未认证，可演示身份认证）：手机号 {UNAUTHENTICATED_MOBILE}，密码 {DEMO_PASSWORD}",
    ]
