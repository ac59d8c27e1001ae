"""Changes of state for accounts: registration, password changes. Each writes an audit event."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from signing_platform import ratelimits
from signing_platform.access import is_operator
from signing_platform.errors import NotFound
from signing_platform.sms.models import Purpose
from signing_platform.sms.services import check_code, notify
from signing_platform.validators import mask_mobile

from . import audit
from .models import Role, User

MOBILE_TAKEN = "该手机号已注册，请直接登录"
MOBILE_IN_USE = "该手机号已被其他账号使用"


def employer_register(*, mobile: str, code: str, password: str, name: str = "") -> User:
    """Create an employer user (with the person's name) for a mobile nobody uses yet, authorised by a register code."""
    try:
        with transaction.atomic():
            result = check_code(mobile=mobile, purpose=Purpose.REGISTER, code=code)
            if result.ok:
                user = User.objects.create_user(role=Role.EMPLOYER, mobile=mobile, password=password, name=name.strip())
                audit.record(actor=user, action="user.register", target=user, role=Role.EMPLOYER)
    except IntegrityError:
        # Another request registered the same mobile between the form's check and this insert.
        raise ValidationError({"mobile": MOBILE_TAKEN}) from None
    if not result.ok:
        raise ValidationError({"code": result.message})
    return user


def password_set_with_code(
    *, mobile: str, code: str, password: str, purpose: str, account: Callable[[str], User | None], action: str,
    no_account: str,
) -> User:
    """Set the password of the account `account(mobile)` finds, authorised by a `purpose` code sent to `mobile`.

    `account` is the caller's rule of who may: it runs after the code was accepted, inside the transaction, and
    returns the user row locked, or None (then `no_account` is the answer and only the used code is kept).
    """
    user = None
    with transaction.atomic():
        result = check_code(mobile=mobile, purpose=purpose, code=code)
        if result.ok:
            user = account(mobile)
            if user is not None:
                user.set_password(password)
                user.save(update_fields=["password"])
                audit.record(actor=user, action=action, target=user)
    if not result.ok:
        raise ValidationError({"code": result.message})
    if user is None:
        raise ValidationError({"mobile": no_account})
    return user


def password_reset(*, mobile: str, code: str, password: str) -> User:
    """忘记密码: set a new password for the active account of `mobile`, authorised by a reset code sent to it."""
    return password_set_with_code(
        mobile=mobile, code=code, password=password, purpose=Purpose.RESET_PASSWORD,
        account=lambda m: User.objects.select_for_update().filter(mobile=m, is_active=True).first(),
        action="user.password_reset",
        # A code is only delivered to an active account, so this is one disabled since then.
        no_account="该账号不可用，请联系平台管理员",
    )


def password_change(*, user: User, new_password: str) -> None:
    """Set a new password for a signed-in user who has confirmed the old one."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit.record(actor=user, action="user.password_change", target=user)


def mobile_change(*, user: User, new_mobile: str, code: str) -> User:
    """Move an account to a new mobile, authorised by a CHANGE_MOBILE code sent to it; the old number is told."""
    old_mobile = user.mobile
    if new_mobile == old_mobile:
        raise ValidationError({"mobile": "新手机号不能与当前手机号相同"})
    try:
        with transaction.atomic():
            result = check_code(mobile=new_mobile, purpose=Purpose.CHANGE_MOBILE, code=code)
            if result.ok:
                User.objects.filter(pk=user.pk).update(mobile=new_mobile)
                audit.record(
                    actor=user, action="user.mobile_change", target=user,
                    old=mask_mobile(old_mobile or ""), new=mask_mobile(new_mobile),
                )
                if old_mobile:
                    notify(
                        mobile=old_mobile,
                        text=f"【网签平台】您的账号手机号已更换为{mask_mobile(new_mobile)}。如非本人操作，请立即联系平台。",
                    )
    except IntegrityError:
        raise ValidationError({"mobile": MOBILE_IN_USE}) from None
    if not result.ok:
        raise ValidationError({"code": result.message})
    user.mobile = new_mobile
    return user


def rate_limits_unlock(*, actor: User, reason: str, user: User | None = None, mobile: str = "", ip: str = "") -> None:
    """An operator lifts the sign-in failure and SMS limits of an account (its mobile and username), of a mobile number
    (normalised) and/or of a client address, giving a reason; audited. The event's target is the account (the one
    holding `mobile`, if any); lifting an address's or an unregistered number's limits is recorded on the operator,
    the detail saying which."""
    if not is_operator(actor, "accounts.change_user"):
        raise NotFound
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写解除原因"})
    if user is None and mobile:
        user = User.objects.filter(mobile=mobile).first()
    if user is not None:
        mobile = user.mobile or ""
    if not (user or mobile or ip):
        raise ValidationError("请填写要解除限制的手机号或IP地址")
    try:
        ratelimits.unlock(mobile=mobile, username=(user.username or "") if user else "", ip=ip)
    except ratelimits.RateLimitUnavailable:
        raise ValidationError("系统繁忙，请稍后再试") from None
    audit.record(
        actor=actor, action="ratelimit.unlock", target=user or actor, mobile=mask_mobile(mobile), ip=ip, reason=reason
    )
