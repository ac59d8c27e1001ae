"""毕业去向: a graduate registers (or changes) a destination with its proof; the college, then the school, approve it or
return it; signing an agreement registers code 10 and its termination revokes it; operators revoke or correct.

Every transition runs in one transaction that locks the graduate's roster row first and then the record (the order
contracts use too, so a registration and an 应约 of the same graduate are serialised and never deadlock), checks the
actor's right and the state under the lock, writes the new state with one DestinationEvent per record changed, keeps
the graduate's Destination row in step, and queues its notices, which are sent on commit.
"""

import secrets
from dataclasses import dataclass, fields

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.utils import timezone

from contracts.models import Contract, JobCategory
from contracts.rules import active_q
from employers.models import Industry, Region, UnitNature
from schools.models import Graduate
from schools.rules import closed_year_message, year_closed
from schools.selectors import graduate_for_student, reviewer_for_user
from signing_platform.accounts import audit
from signing_platform.batches import act_on_each
from signing_platform.errors import NotFound
from signing_platform.sms.services import notify
from signing_platform.uploads import validate_upload
from signing_platform.validators import normalize_credit_code

from .. import rules
from ..models import (
    AGREEMENT_CODE,
    AGREEMENT_CODE_DEFAULTS,
    PENDING_STATES,
    Destination,
    DestinationCode,
    DestinationEvent,
    DestinationRecord,
    FieldGroup,
    RecordStatus,
)

R = RecordStatus
Action = DestinationEvent.Action

# 核验编号: 12 characters of an alphabet without look-alikes (no 0/O, 1/I): 60 bits from the OS's CSPRNG.
VERIFICATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
VERIFICATION_LENGTH = 12

ACTIVE_CONTRACT = (
    "你有正在审核或已生效的网上签约协议，毕业去向由签约自动登记为“签就业协议形式就业”（10），暂不能登记其他毕业去向；"
    "如需变更，请先办理解约"
)
ALREADY_PENDING = "你已有待审核的毕业去向登记，请等待审核结果，或先撤回该登记再重新登记"


class DestinationError(Exception):
    """A transition that was refused; `message` says why, in Chinese, and nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Registration:
    """What a registration declares; which fields count depends on the code's field group."""

    code: DestinationCode
    unit_name: str = ""
    credit_code: str = ""
    unit_nature: UnitNature | None = None
    industry: Industry | None = None
    region: Region | None = None
    job_category: JobCategory | None = None
    work_kind: str = ""
    school_name: str = ""
    major: str = ""
    country: str = ""
    note: str = ""


# The fields each group asks for: (name, label, required). Labels are those of the form; the service says the same.
GROUP_FIELDS: dict[str, tuple[tuple[str, str, bool], ...]] = {
    FieldGroup.UNIT: (
        ("unit_name", "单位名称", True), ("credit_code", "统一社会信用代码", True), ("unit_nature", "单位性质", True),
        ("industry", "单位行业", True), ("region", "单位所在地", True), ("job_category", "工作职位类别", True),
    ),
    FieldGroup.BUSINESS: (("unit_name", "企业名称", True), ("credit_code", "统一社会信用代码", True)),
    FieldGroup.FREELANCE: (("work_kind", "从事工作", True),),
    FieldGroup.STUDY: (("school_name", "录取院校", True), ("major", "录取专业", True)),
    FieldGroup.ABROAD: (("country", "国家(地区)", True), ("school_name", "院校", True)),
    FieldGroup.NONE: (("note", "备注", False),),
}
TEXT_LIMITS = {"unit_name": 100, "work_kind": 50, "school_name": 100, "major": 100, "country": 50, "note": 200}
DESCRIPTIVE_FIELDS = tuple(field.name for field in fields(Registration) if field.name != "code")


def field_required(code: DestinationCode, name: str, required: bool) -> bool:
    """The credit code may be left out where the code's units may have none (部队, 基层项目 …)."""
    return required and not (name == "credit_code" and not code.credit_code_required)


def _checked(registration: Registration) -> dict:
    """The record's fields from a registration: the code's own fields, cleaned; ValidationError naming the field."""
    code = registration.code
    if not isinstance(code, DestinationCode) or not rules.can_register_code(code):
        raise ValidationError({"code": "请选择有效的毕业去向"})
    values, errors = {}, {}
    for name, label, required in GROUP_FIELDS[code.field_group]:
        value = getattr(registration, name)
        if isinstance(value, str):
            value = value.strip()
            if len(value) > TEXT_LIMITS.get(name, 18):
                errors[name] = f"{label}不能超过{TEXT_LIMITS.get(name, 18)}个字"
                continue
        if not value:
            if field_required(code, name, required):
                errors[name] = f"请填写{label}" if name in TEXT_LIMITS or name == "credit_code" else f"请选择{label}"
            values[name] = None if name in ("unit_nature", "industry", "region", "job_category") else ""
            continue
        if name == "credit_code":
            try:
                value = normalize_credit_code(value)
            except ValidationError as exc:
                errors[name] = exc.messages[0]
                continue
        elif name == "region" and value.parent_id is None:
            errors[name] = "请选择单位所在的城市"
            continue
        elif name in ("unit_nature", "industry", "job_category") and not value.is_active:
            errors[name] = f"请选择{label}"
            continue
        values[name] = value
    if errors:
        raise ValidationError(errors)
    return values


# ---------------------------------------------------------------------------------------------- lock and write


def _lock_graduate(graduate_id: int) -> Graduate:
    graduate = (
        Graduate.objects.select_for_update(no_key=True, of=("self",))
        .select_related("school", "user")
        .filter(pk=graduate_id)
        .first()
    )
    if graduate is None:
        raise NotFound
    return graduate


def _lock(record_id: int) -> DestinationRecord:
    """Lock the record's graduate, then the record, and return the record as it is now."""
    graduate_id = Subquery(DestinationRecord.objects.filter(pk=record_id).values("graduate_id")[:1])
    graduate = (
        Graduate.objects.select_for_update(no_key=True, of=("self",)).select_related("school", "user")
        .filter(pk=graduate_id).first()
    )
    if graduate is None:
        raise NotFound
    record = DestinationRecord.objects.select_for_update(no_key=True, of=("self",)).select_related("code").get(
        pk=record_id
    )
    record.graduate = graduate
    return record


def _move(record: DestinationRecord, *, to: str, actor, action: str, at, note: str = "", from_status=None,
          **changes) -> None:
    """Write the new state of a locked record and append its one event."""
    from_status = record.status if from_status is None else from_status
    record.status = to
    record.last_event_at = at
    for name, value in changes.items():
        setattr(record, name, value)
    record.save(update_fields=["status", "last_event_at", *changes])
    DestinationEvent.objects.create(
        record=record, graduate_id=record.graduate_id, actor=actor, action=action, from_status=from_status,
        to_status=to, note=note, created_at=at,
    )


def _summary(graduate: Graduate) -> Destination:
    """The graduate's Destination row (made on first use; the graduate's lock is held, so never twice)."""
    destination, _ = Destination.objects.select_related("request").get_or_create(graduate=graduate)
    return destination


def _save_summary(destination: Destination, *, at, **changes) -> None:
    for name, value in changes.items():
        setattr(destination, name, value)
    destination.state = rules.state_of(destination)
    destination.updated_at = at
    destination.save(update_fields=["record", "code", "request", "state", "updated_at"])


def _new_verification_no() -> str:
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(VERIFICATION_LENGTH))


def _with_new_number(write):
    """`write(number)` with a fresh 核验编号, in a savepoint; the number is unique by constraint, so on the
    (astronomically rare) collision with an existing one, draw again."""
    for _attempt in range(5):
        number = _new_verification_no()
        try:
            with transaction.atomic():
                return write(number)
        except IntegrityError:
            if not DestinationRecord.objects.filter(verification_no=number).exists():
                raise
    raise DestinationError("生成核验编号失败，请重试")


def _supersede_in_force(graduate_id: int, *, by: DestinationCode, actor, at) -> None:
    """The record in force before a new one: superseded (its 核验编号 then answers 已变更)."""
    previous = (
        DestinationRecord.objects.select_for_update(no_key=True, of=("self",))
        .filter(graduate_id=graduate_id, status=R.CONFIRMED).first()
    )
    if previous is not None:
        _move(previous, to=R.SUPERSEDED, actor=actor, action=Action.SUPERSEDE, at=at, ended_at=at,
              note=f"变更为{by.code} {by.name}", end_note="已变更为新的毕业去向")


def _confirm(record: DestinationRecord, *, actor, at) -> None:
    """The school's approval puts a locked record in force with its own 核验编号; the graduate's row points at it."""
    _supersede_in_force(record.graduate_id, by=record.code, actor=actor, at=at)
    from_status = record.status
    _with_new_number(lambda number: _move(
        record, to=R.CONFIRMED, actor=actor, action=Action.SCHOOL_APPROVE, at=at, from_status=from_status,
        decided_at=at, verification_no=number,
    ))
    destination = _summary(record.graduate)
    request = None if destination.request_id in (None, record.pk) else destination.request
    _save_summary(destination, at=at, record=record, code=record.code, request=request)


# ---------------------------------------------------------------------------------------------- notices


def _tell(graduate: Graduate, text: str) -> None:
    mobile = graduate.user.mobile if graduate.user_id and graduate.user.mobile else graduate.mobile
    if mobile:
        notify(mobile=mobile, text=f"【网签平台】{text}")


# ---------------------------------------------------------------------------------------------- the graduate


def _holds_active_contract(graduate: Graduate) -> bool:
    return Contract.objects.filter(active_q(), graduate=graduate).exists()


def register(*, actor, registration: Registration, proof=None, keep_previous_proof: bool = False) -> DestinationRecord:
    """A graduate registers a destination (or a change of the one in force) with its proof; it waits for the college
    (or the school, for a school that reviews in one level). Code 10 registered this way is 线下签约."""
    graduate = graduate_for_student(actor) if actor is not None and actor.is_active else None
    if graduate is None:
        raise NotFound
    code = registration.code
    values = _checked(registration)
    proof_kind = None
    if code.needs_proof and proof:
        try:
            proof_kind = validate_upload(proof)
        except ValidationError as exc:
            raise ValidationError({"proof": exc.messages}) from None
    now = timezone.now()
    with transaction.atomic():
        graduate = _lock_graduate(graduate.pk)
        if year_closed(school_id=graduate.school_id, year=graduate.graduation_year, hold=True):
            raise DestinationError(closed_year_message(graduate.graduation_year, "登记毕业去向"))
        destination = _summary(graduate)
        if _holds_active_contract(graduate):
            raise DestinationError(ACTIVE_CONTRACT)
        pending = DestinationRecord.objects.filter(graduate=graduate, status__in=PENDING_STATES).first()
        if not rules.can_register(holds_active_contract=False, pending=pending):
            raise DestinationError(ALREADY_PENDING)
        proof_fields = {}
        if code.needs_proof:
            if proof_kind is not None:
                proof.name = f"proof.{proof_kind.extension}"
                proof_fields = {"proof": proof, "proof_content_type": proof_kind.content_type}
            else:
                previous = reusable_proof(destination, code) if keep_previous_proof else None
                if previous is None:
                    raise ValidationError({"proof": f"请上传{code.proof_label}"})
                proof_fields = {"proof": previous.proof.name, "proof_content_type": previous.proof_content_type}
        two_level = graduate.school.has_college_review
        record = DestinationRecord.objects.create(
            graduate=graduate, school_id=graduate.school_id, college_id=graduate.college_id,
            graduation_year=graduate.graduation_year, code=code, offline=code.is_agreement,
            status=R.PENDING_COLLEGE if two_level else R.PENDING_SCHOOL, two_level_review=two_level,
            submitted_by=actor, submitted_at=now, last_event_at=now, **values, **proof_fields,
        )
        DestinationEvent.objects.create(
            record=record, graduate=graduate, actor=actor, action=Action.SUBMIT, to_status=record.status,
            note=f"{code.code} {code.name}" + ("（线下签约）" if record.offline else ""), created_at=now,
        )
        _save_summary(destination, at=now, request=record)
    return record


def reusable_proof(destination: Destination, code: DestinationCode) -> DestinationRecord | None:
    """The proof a resubmission may keep: that of the request returned for correction, for the same code."""
    request = destination.request
    if request is not None and request.status == R.RETURNED and request.code_id == code.code and request.proof:
        return request
    return None


def withdraw(*, actor, record: DestinationRecord) -> DestinationRecord:
    """The graduate takes back a request under review or returned to them; the record in force stays."""
    now = timezone.now()
    with transaction.atomic():
        record = _lock(record.pk)
        if actor is None or record.graduate.user_id != actor.pk:
            raise NotFound
        if not rules.can_withdraw(record):
            raise DestinationError(f"该登记当前状态为“{record.get_status_display()}”，不能撤回")
        _move(record, to=R.WITHDRAWN, actor=actor, action=Action.WITHDRAW, at=now, ended_at=now)
        destination = _summary(record.graduate)
        if destination.request_id == record.pk:
            _save_summary(destination, at=now, request=None)
    return record


# ---------------------------------------------------------------------------------------------- reviewers


def _reviewing(actor, record_id: int) -> tuple[DestinationRecord, rules.ReviewStep]:
    reviewer = reviewer_for_user(actor)
    record = _lock(record_id)
    if reviewer is None or not rules.covers(reviewer, record):
        raise NotFound
    step = rules.review_step(reviewer, record)
    if step is None:
        raise DestinationError(f"该登记当前状态为“{record.get_status_display()}”，不在你的审核环节")
    return record, step


def approve(*, actor, record: DestinationRecord) -> DestinationRecord:
    """A reviewer approves at their level: the college passes it to the school; the school's approval puts it in
    force with a 核验编号 (superseding the destination in force before)."""
    now = timezone.now()
    with transaction.atomic():
        record, step = _reviewing(actor, record.pk)
        if step == rules.ReviewStep.COLLEGE:
            _move(record, to=R.PENDING_SCHOOL, actor=actor, action=Action.COLLEGE_APPROVE, at=now,
                  college_approved_at=now)
            _save_summary(_summary(record.graduate), at=now)
            _tell(record.graduate, f"你登记的毕业去向“{record.code.name}”已通过学院审核，等待学校审核。")
        else:
            _confirm(record, actor=actor, at=now)
            _tell(record.graduate, f"你登记的毕业去向“{record.code.name}”已通过学校审核（已落实），"
                                   f"核验编号{record.verification_no_display}。")
    return record


def return_for_correction(*, actor, record: DestinationRecord, reason: str) -> DestinationRecord:
    """A reviewer returns a registration to the graduate with the reason to correct; the record in force stays."""
    reason = _reason(reason, label="退回原因")
    now = timezone.now()
    with transaction.atomic():
        record, _step = _reviewing(actor, record.pk)
        _move(record, to=R.RETURNED, actor=actor, action=Action.RETURN, at=now, note=reason, return_reason=reason,
              decided_at=now)
        _save_summary(_summary(record.graduate), at=now)
        _tell(record.graduate, f"你登记的毕业去向“{record.code.name}”被退回修改：{reason}。请登录平台修改后重新提交。")
    return record


def batch_approve(*, actor, record_ids: list[int]) -> tuple[int, list[str]]:
    """Approve each selected record in its own transaction; returns how many passed and why the others did not."""
    return act_on_each(record_ids, lambda pk: approve(actor=actor, record=DestinationRecord(pk=pk)),
                       refused=(DestinationError, NotFound))


# ---------------------------------------------------------------------------------------------- signing


def destination_record_agreement(*, contract, at) -> DestinationRecord:
    """毕业去向 10 (签就业协议形式就业) for the graduate of a contract that was just signed, in force at once and not
    reviewed again; in the caller's transaction, which holds the graduate's lock. A request still under review is
    withdrawn: the signed agreement decides the destination."""
    unit = contract.unit
    graduate = Graduate.objects.select_related("user").get(pk=contract.graduate_id)
    destination = _summary(graduate)
    pending = DestinationRecord.objects.select_for_update(no_key=True, of=("self",)).filter(
        graduate=graduate, status__in=PENDING_STATES
    ).first()
    if pending is not None:
        _move(pending, to=R.WITHDRAWN, actor=None, action=Action.WITHDRAW, at=at, ended_at=at,
              note="签约完成，登记申请自动撤回")
    # The one code the platform itself sets: seeded by migration, and made again here should it ever be missing, so
    # that signing an agreement never fails for want of a code-list row.
    code, _ = DestinationCode.objects.get_or_create(code=AGREEMENT_CODE, defaults=AGREEMENT_CODE_DEFAULTS)
    _supersede_in_force(graduate.pk, by=code, actor=None, at=at)
    record = _with_new_number(lambda number: DestinationRecord.objects.create(
        graduate=graduate, school_id=contract.school_id, college_id=contract.college_id,
        graduation_year=contract.graduation_year, code=code, status=R.CONFIRMED, contract=contract,
        two_level_review=contract.two_level_review, unit_name=unit.name, credit_code=unit.credit_code,
        unit_nature_id=unit.nature_id, industry_id=unit.industry_id, region_id=unit.city_id,
        job_category_id=contract.job_category_id, submitted_at=at, decided_at=at, last_event_at=at,
        verification_no=number,
    ))
    DestinationEvent.objects.create(
        record=record, graduate=graduate, action=Action.AGREEMENT, to_status=R.CONFIRMED,
        note=f"协议书编号{contract.agreement_no}", created_at=at,
    )
    _save_summary(destination, at=at, record=record, code=code, request=None)
    return record


def destination_clear_agreement(*, contract, at) -> None:
    """Back to 未落实 when the agreement that set code 10 is terminated: its record is revoked (its 核验编号 then
    answers 已撤销). Any other destination stays as it is."""
    record = (
        DestinationRecord.objects.select_for_update(no_key=True, of=("self",))
        .filter(contract=contract, status=R.CONFIRMED).select_related("code").first()
    )
    if record is None:
        return
    _move(record, to=R.REVOKED, actor=None, action=Action.REVOKE, at=at, ended_at=at,
          note=f"协议书编号{contract.agreement_no}已解约", end_note="就业协议已解约")
    destination = _summary(Graduate.objects.get(pk=contract.graduate_id))
    if destination.record_id == record.pk:
        _save_summary(destination, at=at, record=None, code=None)


# ---------------------------------------------------------------------------------------------- operators


def operator_revoke(*, actor, record: DestinationRecord, reason: str) -> DestinationRecord:
    """An operator revokes a confirmed registration (found untrue, say), with the reason; the graduate is 未落实 again
    and is told. Audited."""
    reason = _operator_reason(actor, reason)
    now = timezone.now()
    with transaction.atomic():
        record = _lock(record.pk)
        if not rules.can_operator_revoke(record):
            raise DestinationError(f"该登记当前状态为“{record.get_status_display()}”，不能撤销")
        _move(record, to=R.REVOKED, actor=actor, action=Action.OPERATOR_REVOKE, at=now, note=reason, ended_at=now,
              end_note=reason)
        destination = _summary(record.graduate)
        if destination.record_id == record.pk:
            _save_summary(destination, at=now, record=None, code=None)
        audit.record(actor=actor, action="destination.operator_revoke", target=record, reason=reason)
        _tell(record.graduate, f"你登记的毕业去向“{record.code.name}”已被平台撤销：{reason}。")
    return record


def operator_correct(*, actor, record: DestinationRecord, changes: dict, reason: str) -> DestinationRecord:
    """An operator corrects what a registration declares (not its code or state), with the reason; the event and the
    audit keep the old and new values."""
    reason = _operator_reason(actor, reason)
    now = timezone.now()
    with transaction.atomic():
        record = _lock(record.pk)
        if not rules.can_operator_correct(record):
            raise DestinationError(f"该登记当前状态为“{record.get_status_display()}”，不能更正")
        current = {name: getattr(record, name) for name in DESCRIPTIVE_FIELDS}
        values = _checked(Registration(code=record.code, **{**current, **changes}))
        changed = {name: value for name, value in values.items() if value != current[name]}
        if not changed:
            raise DestinationError("没有需要更正的内容")
        summary = "；".join(f"{DestinationRecord._meta.get_field(name).verbose_name}：{current[name] or '—'} → "
                           f"{value or '—'}" for name, value in changed.items())
        _move(record, to=record.status, actor=actor, action=Action.OPERATOR_CORRECT, at=now,
              note=f"{reason}（{summary}）"[:500], **changed)
        audit.record(actor=actor, action="destination.operator_correct", target=record, reason=reason,
                     changes={name: [str(current[name] or ""), str(value or "")] for name, value in changed.items()})
    return record


def _operator_reason(actor, reason: str) -> str:
    if actor is None or not actor.is_active or not actor.is_staff:
        raise NotFound
    return _reason(reason, label="原因")


def _reason(reason: str, *, label: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DestinationError(f"请填写{label}")
    if len(reason) > 200:
        raise DestinationError(f"{label}不能超过200个字")
    return reason
