"""Changes of state for student accounts: activation against the roster, confirmation."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from schools.models import Graduate, School
from schools.rules import closed_year_message, year_closed
from schools.selectors import graduate_exact_match
from signing_platform.accounts import audit
from signing_platform.accounts.models import Role, User
from signing_platform.accounts.services import MOBILE_TAKEN
from signing_platform.sms.models import Purpose
from signing_platform.sms.services import check_code

# One message whichever of name, ID number or school is wrong: the page must not reveal who is on a roster.
NO_MATCH = "请核对姓名、身份证号与毕业院校"
ALREADY_ACTIVATED = "该生源信息已开通账号，请使用开通时的手机号直接登录；忘记密码可通过“忘记密码”找回"


class _Refused(Exception):
    def __init__(self, errors):
        self.errors = errors


def student_activate(*, name: str, id_number: str, school: School, mobile: str, code: str, password: str) -> User:
    """Create the one student account of the roster entry matching name + ID number + school exactly.

    The code is checked (and used up) before the roster is looked at, so every probe of the roster costs an SMS
    code; a failed match therefore commits only the used code.
    """
    with transaction.atomic():
        result = check_code(mobile=mobile, purpose=Purpose.ACTIVATE_STUDENT, code=code)
        if result.ok:
            graduate = graduate_exact_match(name=name, id_number=id_number, school=school, for_update=True)
            outcome = _link_new_account(graduate=graduate, mobile=mobile, password=password)
    if not result.ok:
        raise ValidationError({"code": result.message})
    if isinstance(outcome, dict):
        raise ValidationError(outcome)
    return outcome


def _link_new_account(*, graduate: Graduate | None, mobile: str, password: str) -> User | dict:
    """The new account, or the errors refusing it; the used code commits either way, nothing else does."""
    if graduate is None:
        return {"__all__": NO_MATCH}
    if graduate.user_id is not None:
        return {"__all__": ALREADY_ACTIVATED}
    if year_closed(school_id=graduate.school_id, year=graduate.graduation_year, hold=True):
        return {"__all__": closed_year_message(graduate.graduation_year, "激活账号，如有疑问请联系学校就业部门")}
    try:
        with transaction.atomic():
            user = User.objects.create_user(role=Role.STUDENT, mobile=mobile, password=password, name=graduate.name)
            if not Graduate.objects.filter(pk=graduate.pk, user__isnull=True).update(user=user):
                raise _Refused({"__all__": ALREADY_ACTIVATED})
            audit.record(actor=user, action="student.activate", target=graduate, user_id=user.pk)
    except IntegrityError:
        return {"mobile": MOBILE_TAKEN}
    except _Refused as refused:
        return refused.errors
    return user


def graduate_confirm(*, graduate: Graduate) -> bool:
    """The graduate confirms their roster data (信息确认); False if they already had."""
    with transaction.atomic():
        confirmed = Graduate.objects.filter(pk=graduate.pk, confirmed_at__isnull=True).update(confirmed_at=timezone.now())
        if confirmed:
            audit.record(actor=graduate.user, action="graduate.confirm", target=graduate)
    return bool(confirmed)

