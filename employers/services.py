"""Changes of state for employer units: 身份认证 and its review, archive information, contacts, sub-accounts, mobile.

Each service checks its own rules (never trusting the view), runs in one transaction, writes an audit event and
sends SMS notices only on commit (sms.services.notify).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from signing_platform.access import is_operator
from signing_platform.accounts import audit
from signing_platform.accounts import services as account_services
from signing_platform.accounts.models import Role, User
from signing_platform.errors import NotFound
from signing_platform.sms.models import Purpose
from signing_platform.sms.services import notify
from signing_platform.validators import mask_mobile, normalize_mobile

from . import selectors
from .models import (
    ArchiveInfo,
    AuthenticationRequest,
    AuthStatus,
    Contact,
    Industry,
    Region,
    RequestStatus,
    Unit,
    UnitMember,
    UnitNature,
)

CODE_TAKEN = "该统一社会信用代码的单位已在平台注册，请联系本单位管理员在“账号管理 → 子账号”中为您添加子账号"
ALREADY_PENDING = "本单位的身份认证正在审核中，请等待审核结果"
ADMIN_ONLY = "只有单位管理员可以进行此操作"
REVIEW_DONE = "该申请已审核，不能重复审核"
LAST_CONTACT = "至少需要保留一位启用的签约联系人"


@dataclass(frozen=True)
class UnitData:
    """What a 身份认证 form submits, besides the licence file."""

    name: str
    credit_code: str
    nature: UnitNature
    industry: Industry
    province: Region
    city: Region
    address: str
    contact_name: str
    contact_phone: str


def _unit_fields(data) -> dict:
    return {
        "name": data.name, "credit_code": data.credit_code, "nature": data.nature, "industry": data.industry,
        "province": data.province, "city": data.city, "address": data.address, "contact_name": data.contact_name,
        "contact_phone": data.contact_phone,
    }


def _check_region(data: UnitData) -> None:
    if data.province.parent_id is not None or data.city.parent_id != data.province.pk:
        raise ValidationError({"city": "所选城市不属于所选省份"})


def authentication_submit(*, user: User, data: UnitData, licence, licence_kind) -> AuthenticationRequest:
    """Submit 身份认证: a new credit code creates the unit with `user` as its admin; a unit's admin may resubmit.

    A code already held by another unit is refused (join it as a sub-account instead). While a re-authentication of
    an 已认证 unit is reviewed, the approved data stays in force.
    """
    if user.role != Role.EMPLOYER or not user.is_active:
        raise ValidationError(ADMIN_ONLY)
    _check_region(data)
    try:
        with transaction.atomic():
            member = UnitMember.objects.select_related("unit").filter(user=user).first()
            if member is None:
                if Unit.objects.filter(credit_code=data.credit_code).exists():
                    raise ValidationError({"credit_code": CODE_TAKEN})
                unit = Unit.objects.create(auth_status=AuthStatus.PENDING, **_unit_fields(data))
                UnitMember.objects.create(user=user, unit=unit, is_admin=True)
                audit.record(actor=user, action="unit.create", target=unit, credit_code=unit.credit_code)
            else:
                if not (member.is_admin and member.is_active):
                    raise ValidationError(ADMIN_ONLY)
                # Lock the unit: submissions and decisions on one unit happen one at a time.
                unit = Unit.objects.select_for_update().get(pk=member.unit_id)
                if Unit.objects.filter(credit_code=data.credit_code).exclude(pk=unit.pk).exists():
                    raise ValidationError({"credit_code": CODE_TAKEN})
                if unit.authentication_requests.filter(status=RequestStatus.PENDING).exists():
                    raise ValidationError(ALREADY_PENDING)
                if not unit.is_authenticated:
                    # Nothing approved is in force yet: the unit shows (and holds the code of) what is under review.
                    for field, value in _unit_fields(data).items():
                        setattr(unit, field, value)
                    unit.auth_status = AuthStatus.PENDING
                    unit.save()
            licence.name = f"licence.{licence_kind.extension}"
            request = AuthenticationRequest.objects.create(
                unit=unit, submitted_by=user, licence=licence, licence_content_type=licence_kind.content_type,
                **_unit_fields(data),
            )
            audit.record(actor=user, action="unit.authentication_submit", target=request, unit=unit.pk)
    except IntegrityError:
        # Another user registered this code, or another submission for the unit, between the checks and the insert.
        raise ValidationError({"credit_code": CODE_TAKEN}) from None
    return request


def authentication_approve(*, request_id: int, reviewer: User) -> AuthenticationRequest:
    """Approve a pending request: its data becomes the unit's, the unit is 已认证, the applicant is told by SMS."""
    with transaction.atomic():
        request = AuthenticationRequest.objects.select_related("unit", "submitted_by").get(pk=request_id)
        unit = Unit.objects.select_for_update().get(pk=request.unit_id)
        now = timezone.now()
        if Unit.objects.filter(credit_code=request.credit_code).exclude(pk=unit.pk).exists():
            raise ValidationError("该统一社会信用代码已属于另一家单位，请驳回此申请")
        updated = AuthenticationRequest.objects.filter(pk=request.pk, status=RequestStatus.PENDING).update(
            status=RequestStatus.APPROVED, reviewed_by=reviewer, reviewed_at=now, reason=""
        )
        if updated != 1:
            raise ValidationError(REVIEW_DONE)
        for field, value in _unit_fields(request).items():
            setattr(unit, field, value)
        unit.auth_status = AuthStatus.AUTHENTICATED
        unit.authenticated_at = now
        unit.save()
        audit.record(actor=reviewer, action="unit.authentication_approve", target=request, unit=unit.pk)
        _contact_from_authentication(unit=unit, request=request, reviewer=reviewer)
        _tell_applicant(request, f"【网签平台】您单位“{unit.name}”的身份认证已审核通过，现在可以使用网上签约。")
    request.refresh_from_db()
    return request


def _contact_from_authentication(*, unit: Unit, request: AuthenticationRequest, reviewer: User) -> Contact | None:
    """The 联系人 given at 身份认证 becomes a 签约联系人, so a newly authenticated unit can send invitations at once.

    Only for a mobile 联系电话 (contacts are told by SMS; a landline cannot be one) that no active contact of the unit
    already has. Runs in the approval's transaction, under its lock of the unit.
    """
    try:
        mobile = normalize_mobile(request.contact_phone)
    except ValidationError:
        return None
    if Contact.objects.filter(unit=unit, mobile=mobile, is_active=True).exists():
        return None
    contact = Contact.objects.create(unit=unit, name=request.contact_name, mobile=mobile)
    audit.record(actor=reviewer, action="unit.contact_add", target=contact, unit=unit.pk, source="authentication")
    return contact


def authentication_reject(*, request_id: int, reviewer: User, reason: str) -> AuthenticationRequest:
    """Reject a pending request with a reason; a unit never approved becomes 未通过, an 已认证 one keeps its data."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写未通过原因"})
    with transaction.atomic():
        request = AuthenticationRequest.objects.select_related("submitted_by").get(pk=request_id)
        unit = Unit.objects.select_for_update().get(pk=request.unit_id)
        updated = AuthenticationRequest.objects.filter(pk=request.pk, status=RequestStatus.PENDING).update(
            status=RequestStatus.REJECTED, reviewed_by=reviewer, reviewed_at=timezone.now(), reason=reason
        )
        if updated != 1:
            raise ValidationError(REVIEW_DONE)
        if not unit.is_authenticated:
            unit.auth_status = AuthStatus.REJECTED
            unit.save(update_fields=["auth_status"])
        audit.record(actor=reviewer, action="unit.authentication_reject", target=request, unit=unit.pk, reason=reason)
        _tell_applicant(request, f"【网签平台】您单位“{request.name}”的身份认证未通过，原因：{reason}。请修改后重新提交。")
    request.refresh_from_db()
    return request


def _tell_applicant(request: AuthenticationRequest, text: str) -> None:
    applicant = request.submitted_by
    if applicant is not None and applicant.mobile:
        notify(mobile=applicant.mobile, text=text)


def _active_member(*, user: User, unit: Unit, admin: bool = False) -> UnitMember:
    member = UnitMember.objects.filter(user=user, unit=unit, is_active=True, user__is_active=True).first()
    if member is None or (admin and not member.is_admin):
        raise ValidationError(ADMIN_ONLY)
    return member


def archive_info_update(*, unit: Unit, actor: User, **fields) -> ArchiveInfo:
    """Record the unit's archive-receiving information as a new row of its history (the latest row is in force)."""
    _active_member(user=actor, unit=unit)
    with transaction.atomic():
        info = ArchiveInfo(unit=unit, created_by=actor, **fields)
        info.full_clean()
        info.save()
        audit.record(actor=actor, action="unit.archive_update", target=info, unit=unit.pk)
    return info


def contact_save(*, unit: Unit, actor: User, contact: Contact | None = None, name: str, mobile: str, email: str = "") -> Contact:
    """Add a 签约联系人 to the unit, or change one of its contacts."""
    _active_member(user=actor, unit=unit)
    with transaction.atomic():
        if contact is None:
            contact = Contact.objects.create(unit=unit, name=name, mobile=mobile, email=email)
            audit.record(actor=actor, action="unit.contact_add", target=contact, unit=unit.pk)
        else:
            if contact.unit_id != unit.pk:
                raise ValidationError("联系人不存在")
            contact.name, contact.mobile, contact.email = name, mobile, email
            contact.save(update_fields=["name", "mobile", "email"])
            audit.record(actor=actor, action="unit.contact_edit", target=contact, unit=unit.pk)
    return contact


def contact_set_active(*, unit: Unit, actor: User, contact: Contact, active: bool) -> Contact:
    """Enable or disable a contact; the unit always keeps at least one active contact."""
    _active_member(user=actor, unit=unit)
    with transaction.atomic():
        # The unit's row lock serialises concurrent disables, so two of them cannot leave none active.
        Unit.objects.select_for_update().get(pk=unit.pk)
        if not active and not Contact.objects.filter(unit=unit, is_active=True).exclude(pk=contact.pk).exists():
            raise ValidationError(LAST_CONTACT)
        if Contact.objects.filter(pk=contact.pk, unit=unit, is_active=not active).update(is_active=active) == 1:
            action = "unit.contact_enable" if active else "unit.contact_disable"
            audit.record(actor=actor, action=action, target=contact, unit=unit.pk)
    contact.refresh_from_db()
    return contact


def sub_account_add(*, unit: Unit, actor: User, mobile: str, name: str) -> UnitMember:
    """The unit's admin adds an employer user by mobile; a new person gets an SMS to set their password."""
    _active_member(user=actor, unit=unit, admin=True)
    try:
        with transaction.atomic():
            user = User.objects.select_for_update().filter(mobile=mobile).first()
            if user is None:
                user = User.objects.create_user(role=Role.EMPLOYER, mobile=mobile, password=None, name=name)
                text = (
                    f"【网签平台】{unit.name}为您开通了单位子账号。请打开平台的“子账号设置密码”页面"
                    f"（{reverse('employers:sub_account_password')}），用本手机号获取验证码并设置密码后登录。"
                )
            elif user.role != Role.EMPLOYER or UnitMember.objects.filter(user=user).exists():
                raise ValidationError({"mobile": "该手机号已被其他账号使用，不能添加为本单位子账号"})
            else:
                text = f"【网签平台】{unit.name}已将您的账号添加为单位子账号，登录后即可使用。"
            member = UnitMember.objects.create(user=user, unit=unit, is_admin=False)
            audit.record(actor=actor, action="unit.sub_account_add", target=member, unit=unit.pk, mobile=mask_mobile(mobile))
            notify(mobile=mobile, text=text)
    except IntegrityError:
        raise ValidationError({"mobile": "该手机号已被其他账号使用，不能添加为本单位子账号"}) from None
    return member


def sub_account_set_active(*, unit: Unit, actor: User, member: UnitMember, active: bool) -> UnitMember:
    """The unit's admin disables (or enables again) a sub-account: a disabled one cannot sign in."""
    _active_member(user=actor, unit=unit, admin=True)
    if member.unit_id != unit.pk or member.is_admin:
        raise ValidationError("不能修改该账号")
    with transaction.atomic():
        changed = UnitMember.objects.filter(pk=member.pk, unit=unit, is_admin=False, is_active=not active).update(
            is_active=active
        )
        if changed == 1:
            User.objects.filter(pk=member.user_id).update(is_active=active)
            action = "unit.sub_account_enable" if active else "unit.sub_account_disable"
            audit.record(actor=actor, action=action, target=member, unit=unit.pk)
    member.refresh_from_db()
    return member


def sub_account_set_password(*, mobile: str, code: str, password: str) -> User:
    """A sub-account sets its first password, authorised by a SUB_ACCOUNT code sent to its mobile."""
    return account_services.password_set_with_code(
        mobile=mobile, code=code, password=password, purpose=Purpose.SUB_ACCOUNT,
        account=lambda m: selectors.sub_account_awaiting_password(m, lock=True),
        action="user.sub_account_password", no_account="该手机号没有待设置密码的子账号",
    )


def unit_admin_transfer(*, actor: User, member: UnitMember, reason: str) -> UnitMember:
    """An operator hands a unit's admin role to another active user of the unit, giving a reason; the previous admin
    stays on as a sub-account. A unit has one admin at a time (the partial unique index `unit_one_admin` holds it)."""
    if not is_operator(actor, "employers.change_unitmember"):
        raise NotFound
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写变更原因"})
    with transaction.atomic():
        # The unit's lock serialises transfers on one unit; the member's lock, a disable of that sub-account racing
        # this (sub_account_set_active updates the row only while it is not the admin's).
        unit = Unit.objects.select_for_update().get(pk=member.unit_id)
        member = UnitMember.objects.select_for_update(no_key=True, of=("self",)).select_related("user").get(
            pk=member.pk, unit=unit
        )
        if member.is_admin:
            raise ValidationError("该用户已是本单位管理员")
        if not (member.is_active and member.user.is_active):
            raise ValidationError("该账号已停用，不能设为单位管理员")
        previous = UnitMember.objects.select_related("user").filter(unit=unit, is_admin=True).first()
        if previous is not None:
            UnitMember.objects.filter(pk=previous.pk).update(is_admin=False)
        UnitMember.objects.filter(pk=member.pk).update(is_admin=True)
        audit.record(
            actor=actor, action="unit.admin_transfer", target=member, unit=unit.pk,
            previous=previous.pk if previous else None, reason=reason,
        )
        notify(mobile=member.user.mobile, text=f"【网签平台】平台已将您设为“{unit.name}”的单位管理员。")
        if previous is not None:
            notify(
                mobile=previous.user.mobile,
                text=f"【网签平台】“{unit.name}”的单位管理员已由平台改为{member.user.display_name}，您的账号现为子账号。",
            )
    member.refresh_from_db()
    return member
