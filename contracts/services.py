"""Every change of state of a contract (SPEC §3) and of the favorites list.

Each transition runs in one transaction that locks the student's roster row and then the contract row (always in
that order, so two transitions never deadlock), checks the acting user's right and the current state under the lock,
writes the new state, appends a ContractEvent, and queues its notifications, which are sent on commit.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from employers.models import Contact, UnitMember
from schools.models import Graduate, Reviewer
from signing_platform.accounts import audit
from signing_platform.accounts.models import Role
from signing_platform.sms.services import notify
from signing_platform.uploads import validate_upload
from students.services import destination_clear_agreement, destination_record_agreement

from .models import (
    ACTIVE_STATES,
    REINVITABLE_STATES,
    AgreementSequence,
    Contract,
    ContractEvent,
    ContractStatus,
    Favorite,
    JobCategory,
    Side,
    TerminationRequest,
    TerminationStage,
    TerminationStatus,
)

NOT_FOUND = "记录不存在或无权操作"
MIN_VALID_DAYS, MAX_VALID_DAYS, DEFAULT_VALID_DAYS = 1, 30, 7
VERIFICATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

Action = ContractEvent.Action
S = ContractStatus
T = TerminationStatus


class ContractError(Exception):
    """A transition that was refused; `message` says why, in Chinese, and nothing was changed."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---------------------------------------------------------------------------------------------- who is acting


def _member_unit_id(actor) -> int | None:
    if actor is None or actor.role != Role.EMPLOYER or not actor.is_active:
        return None
    return UnitMember.objects.filter(user=actor, is_active=True).values_list("unit_id", flat=True).first()


def _active_reviewer(actor) -> Reviewer | None:
    if actor is None or actor.role not in (Role.COLLEGE_REVIEWER, Role.SCHOOL_REVIEWER) or not actor.is_active:
        return None
    return Reviewer.objects.filter(user=actor, is_active=True).first()


def _require_employer_of(actor, contract: Contract) -> None:
    if _member_unit_id(actor) != contract.unit_id:
        raise ContractError(NOT_FOUND)


def _require_student_of(actor, contract: Contract) -> None:
    if actor is None or actor.role != Role.STUDENT or contract.graduate.user_id != actor.pk:
        raise ContractError(NOT_FOUND)


# ---------------------------------------------------------------------------------------------- mechanics


def _lock(contract_id: int) -> Contract:
    """Lock the contract's graduate, then the contract, and return the contract as it is now."""
    graduate_id = Contract.objects.filter(pk=contract_id).values_list("graduate_id", flat=True).first()
    if graduate_id is None:
        raise ContractError(NOT_FOUND)
    graduate = Graduate.objects.select_for_update(no_key=True).get(pk=graduate_id)
    contract = Contract.objects.select_for_update(no_key=True, of=("self",)).select_related("unit", "school").get(
        pk=contract_id
    )
    contract.graduate = graduate
    return contract


def _move(contract: Contract, *, to: str, actor, action: str, at, note: str = "", **fields) -> None:
    """Write the new state of a locked contract and append its event."""
    from_status = contract.status
    contract.status = to
    contract.last_event_at = at
    for name, value in fields.items():
        setattr(contract, name, value)
    contract.save(update_fields=["status", "last_event_at", *fields])
    ContractEvent.objects.create(
        contract=contract, actor=actor, action=action, from_status=from_status, to_status=to, note=note, created_at=at
    )


def _student_mobile(graduate: Graduate) -> str:
    if graduate.user_id and graduate.user.mobile:
        return graduate.user.mobile
    return graduate.mobile or ""


def _tell_student(contract: Contract, text: str) -> None:
    mobile = _student_mobile(contract.graduate)
    if mobile:
        notify(mobile=mobile, text=f"【网签平台】{text}")


def _tell_employer(contract: Contract, text: str) -> None:
    notify(mobile=contract.contact_mobile, text=f"【网签平台】{text}")


def _clean_text(value: str, *, label: str, max_length: int, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        raise ContractError(f"请填写{label}")
    if len(value) > max_length:
        raise ContractError(f"{label}不能超过{max_length}个字")
    return value


# ---------------------------------------------------------------------------------------------- favorites


def favorite_add(*, actor, graduate: Graduate) -> tuple[Favorite, bool]:
    """Keep a roster entry the unit found in its favorites; adding it twice keeps the first. Returns (favorite, new)."""
    unit_id = _member_unit_id(actor)
    if unit_id is None:
        raise ContractError(NOT_FOUND)
    _require_authenticated_unit(unit_id)
    with transaction.atomic():
        favorite, created = Favorite.objects.get_or_create(unit_id=unit_id, graduate=graduate, defaults={"added_by": actor})
        if created:
            audit.record(actor=actor, action="favorite.add", target=favorite, graduate=graduate.pk)
    return favorite, created


def favorite_remove(*, actor, favorite: Favorite) -> None:
    """Drop a favorite, unless this unit has an invitation or agreement with that student still open."""
    if _member_unit_id(actor) != favorite.unit_id:
        raise ContractError(NOT_FOUND)
    with transaction.atomic():
        Graduate.objects.select_for_update(no_key=True).get(pk=favorite.graduate_id)
        open_states = [S.INVITED, *ACTIVE_STATES]
        if Contract.objects.filter(unit_id=favorite.unit_id, graduate_id=favorite.graduate_id, status__in=open_states).exists():
            raise ContractError("该学生有进行中的签约邀请或协议，不能移出收藏夹")
        audit.record(actor=actor, action="favorite.remove", target=favorite, graduate=favorite.graduate_id)
        Favorite.objects.filter(pk=favorite.pk).delete()


def _require_authenticated_unit(unit_id: int) -> None:
    from employers.models import Unit

    if not Unit.objects.filter(pk=unit_id).first().is_authenticated:
        raise ContractError("单位尚未通过身份认证，暂不能使用网上签约")


# ---------------------------------------------------------------------------------------------- the employer


def invite(
    *,
    actor,
    favorite: Favorite,
    job_category: JobCategory,
    post_name: str,
    valid_days: int,
    contact: Contact,
    work_location: str = "",
    salary: str = "",
    remarks: str = "",
    previous: Contract | None = None,
) -> Contract:
    """Send a signing invitation to a student in the unit's favorites: one open invitation per unit and student."""
    unit_id = _member_unit_id(actor)
    if unit_id is None or favorite.unit_id != unit_id:
        raise ContractError(NOT_FOUND)
    _require_authenticated_unit(unit_id)
    post_name = _clean_text(post_name, label="拟录用岗位名称", max_length=50, required=True)
    work_location = _clean_text(work_location, label="工作地点", max_length=100, required=False)
    salary = _clean_text(salary, label="薪酬", max_length=50, required=False)
    remarks = _clean_text(remarks, label="备注", max_length=500, required=False)
    if not isinstance(valid_days, int) or not MIN_VALID_DAYS <= valid_days <= MAX_VALID_DAYS:
        raise ContractError("应约有效期应为1至30天")
    if not job_category.is_active:
        raise ContractError("请选择有效的拟录用职位类别")
    if contact.unit_id != unit_id or not contact.is_active:
        raise ContractError("请选择本单位有效的签约联系人")
    if previous is not None and (
        previous.unit_id != unit_id or previous.graduate_id != favorite.graduate_id or previous.status not in REINVITABLE_STATES
    ):
        raise ContractError("原邀请不能再次发起签约")

    now = timezone.now()
    with transaction.atomic():
        graduate = Graduate.objects.select_for_update(no_key=True, of=("self",)).select_related("user").get(
            pk=favorite.graduate_id
        )
        if not Favorite.objects.filter(pk=favorite.pk).exists():
            raise ContractError("该学生已移出收藏夹")
        # A lapsed invitation to the same student must not block a new one, whether or not the job has run.
        _expire(Contract.objects.filter(unit_id=unit_id, graduate=graduate), now=now)
        if Contract.objects.filter(graduate=graduate, status__in=ACTIVE_STATES).exists():
            raise ContractError("该学生已有正在审核或已生效的签约，暂不能发起邀请")
        if Contract.objects.filter(unit_id=unit_id, graduate=graduate, status=S.INVITED).exists():
            raise ContractError("已向该学生发出邀请函，请等待学生应约或撤回后再发起")
        try:
            with transaction.atomic():
                contract = Contract.objects.create(
                    unit_id=unit_id,
                    graduate=graduate,
                    school_id=graduate.school_id,
                    college_id=graduate.college_id,
                    graduation_year=graduate.graduation_year,
                    job_category=job_category,
                    post_name=post_name,
                    valid_days=valid_days,
                    deadline=now + timedelta(days=valid_days),
                    contact=contact,
                    contact_name=contact.name,
                    contact_mobile=contact.mobile,
                    work_location=work_location,
                    salary=salary,
                    remarks=remarks,
                    created_by=actor,
                    previous=previous,
                    created_at=now,
                    last_event_at=now,
                )
        except IntegrityError:
            raise ContractError("已向该学生发出邀请函，请勿重复发送") from None
        ContractEvent.objects.create(
            contract=contract, actor=actor, action=Action.INVITE, to_status=S.INVITED, created_at=now,
            note="再次发起签约" if previous else "",
        )
        unit_name = contract.unit.name
        deadline = timezone.localtime(contract.deadline).strftime("%Y-%m-%d %H:%M")
        _tell_student(contract, f"{unit_name}向你发出签约邀请函（{post_name}），请在{deadline}前登录平台应约或拒绝。")
    return contract


def withdraw(*, actor, contract: Contract) -> Contract:
    """The unit takes back an invitation the student has not answered yet."""
    now = timezone.now()
    with transaction.atomic():
        contract = _lock(contract.pk)
        _require_employer_of(actor, contract)
        if contract.status != S.INVITED or contract.is_overdue(now):
            raise ContractError(f"当前状态为“{contract.shown_status}”，不能撤回")
        _move(contract, to=S.WITHDRAWN, actor=actor, action=Action.WITHDRAW, at=now, closed_at=now)
        _tell_student(contract, f"{contract.unit.name}已撤回发给你的签约邀请函。")
    return contract


# ---------------------------------------------------------------------------------------------- the student


def accept(*, actor, contract: Contract, note: str = "") -> Contract:
    """The student binds themself to this invitation (before its deadline, with no other active contract)."""
    note = _clean_text(note, label="说明", max_length=200, required=False)
    now = timezone.now()
    with transaction.atomic():
        contract = _lock(contract.pk)
        _require_student_of(actor, contract)
        if contract.status != S.INVITED:
            raise ContractError(f"该邀请函当前状态为“{contract.shown_status}”，不能应约")
        if contract.is_overdue(now):
            raise ContractError("该邀请函已超过应约有效期，不能应约")
        if Contract.objects.filter(graduate_id=contract.graduate_id, status__in=ACTIVE_STATES).exists():
            raise ContractError("你已有正在审核或已生效的签约，不能再应约其他邀请函")
        _move(contract, to=S.ACCEPTED, actor=actor, action=Action.ACCEPT, at=now, note=note,
              accepted_at=now, two_level_review=contract.school.has_college_review, student_note=note)
        _tell_employer(contract, f"{contract.graduate.name}已应约你单位的签约邀请函（{contract.post_name}），等待学校审核。")
    return contract


def refuse(*, actor, contract: Contract, reason: str = "") -> Contract:
    """The student declines an invitation; the unit may invite again later."""
    reason = _clean_text(reason, label="拒绝原因", max_length=200, required=False)
    now = timezone.now()
    with transaction.atomic():
        contract = _lock(contract.pk)
        _require_student_of(actor, contract)
        if contract.status != S.INVITED:
            raise ContractError(f"该邀请函当前状态为“{contract.shown_status}”，不能拒绝")
        if contract.is_overdue(now):
            raise ContractError("该邀请函已超过应约有效期，无需处理")
        _move(contract, to=S.REFUSED, actor=actor, action=Action.REFUSE, at=now, note=reason,
              closed_at=now, student_note=reason)
        _tell_employer(contract, f"{contract.graduate.name}拒绝了你单位的签约邀请函（{contract.post_name}）。")
    return contract


# ---------------------------------------------------------------------------------------------- reviewers


def review_step_for(*, reviewer: Reviewer, contract: Contract) -> str | None:
    """Which review this reviewer may make on this contract now: "college", "school" or None."""
    if not reviewer.is_active:
        return None
    if reviewer.college_id is not None:
        if contract.status == S.ACCEPTED and contract.two_level_review and reviewer.college_id == contract.college_id:
            return "college"
        return None
    if reviewer.school_id != contract.school_id:
        return None
    if contract.status == S.COLLEGE_APPROVED or (contract.status == S.ACCEPTED and not contract.two_level_review):
        return "school"
    return None


def _reviewing(actor, contract_id: int) -> tuple[Contract, str]:
    reviewer = _active_reviewer(actor)
    contract = _lock(contract_id)
    if reviewer is None or not _reviewer_covers(reviewer, contract):
        raise ContractError(NOT_FOUND)
    step = review_step_for(reviewer=reviewer, contract=contract)
    if step is None:
        raise ContractError(f"当前状态为“{contract.shown_status}”，不在你的审核环节")
    return contract, step


def _reviewer_covers(reviewer: Reviewer, contract: Contract) -> bool:
    if reviewer.college_id is not None:
        return reviewer.college_id == contract.college_id
    return reviewer.school_id == contract.school_id


def approve(*, actor, contract: Contract) -> Contract:
    """A reviewer approves at their level: the college passes it to the school; the school's approval signs it."""
    now = timezone.now()
    with transaction.atomic():
        contract, step = _reviewing(actor, contract.pk)
        if step == "college":
            _move(contract, to=S.COLLEGE_APPROVED, actor=actor, action=Action.COLLEGE_APPROVE, at=now,
                  college_approved_at=now)
            _tell_employer(contract, f"{contract.graduate.name}的签约申请已通过学院审核，等待学校审核。")
        else:
            _sign(contract, actor=actor, at=now)
    return contract


def reject(*, actor, contract: Contract, reason: str) -> Contract:
    """A reviewer turns the agreement down at their level, with a reason both parties see."""
    reason = _clean_text(reason, label="不通过原因", max_length=200, required=True)
    now = timezone.now()
    with transaction.atomic():
        contract, _step = _reviewing(actor, contract.pk)
        _move(contract, to=S.REJECTED, actor=actor, action=Action.REJECT, at=now, note=reason,
              closed_at=now, review_note=reason)
        _tell_employer(contract, f"{contract.graduate.name}的签约申请审核不通过：{reason}")
        _tell_student(contract, f"你与{contract.unit.name}的签约申请审核不通过：{reason}")
    return contract


def batch_approve(*, actor, contract_ids: list[int]) -> tuple[int, list[str]]:
    """Approve each selected contract in its own transaction; returns how many passed and why the others did not."""
    approved, problems = 0, []
    for contract_id in dict.fromkeys(contract_ids):
        try:
            approve(actor=actor, contract=Contract(pk=contract_id))
        except ContractError as exc:
            problems.append(exc.message)
        else:
            approved += 1
    return approved, problems


def _sign(contract: Contract, *, actor, at) -> None:
    """The school's approval: the agreement takes effect; the student's other invitations lapse."""
    from employers.selectors import current_archive_info

    archive = current_archive_info(contract.unit)
    _move(
        contract, to=S.SIGNED, actor=actor, action=Action.SCHOOL_APPROVE, at=at,
        signed_at=at,
        agreement_no=_next_agreement_no(contract),
        verification_code="".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(8)),
        archive_has_authority=archive.has_archive_authority if archive else None,
        archive_receiver_name=archive.receiver_name if archive else "",
        archive_address=archive.address if archive else "",
        archive_postcode=archive.postcode if archive else "",
        archive_contact_name=archive.contact_name if archive else "",
        archive_contact_phone=archive.contact_phone if archive else "",
    )
    destination_record_agreement(contract=contract, at=at)
    others = Contract.objects.select_for_update(no_key=True, of=("self",)).select_related("unit").filter(
        graduate_id=contract.graduate_id, status=S.INVITED
    )
    for other in others:
        other.graduate = contract.graduate
        _move(other, to=S.VOIDED, actor=None, action=Action.VOID, at=at, note="学生已与其他单位签约", closed_at=at)
        _tell_employer(other, f"你单位发给{contract.graduate.name}的签约邀请函已失效（学生已与其他单位签约）。")
    _tell_employer(contract, f"{contract.graduate.name}与你单位的就业协议已签约完成，协议书编号{contract.agreement_no}。")
    _tell_student(contract, f"你与{contract.unit.name}的就业协议已签约完成，协议书编号{contract.agreement_no}。")


def _next_agreement_no(contract: Contract) -> str:
    """毕业年份 + 学校代码 + 学历代码 + serial, the serial counted per (year, school, level) under a row lock."""
    key = {
        "graduation_year": contract.graduation_year,
        "school_code": contract.school.code,
        "level_code": contract.graduate.education_national_code,
    }
    try:
        with transaction.atomic():
            AgreementSequence.objects.get_or_create(**key)
    except IntegrityError:
        pass  # created by a concurrent signing; the update below waits for its lock
    AgreementSequence.objects.filter(**key).update(last_serial=F("last_serial") + 1)
    serial = AgreementSequence.objects.get(**key).last_serial
    return f"{key['graduation_year']}{key['school_code']}{key['level_code']}{serial:06d}"


# ---------------------------------------------------------------------------------------------- termination (解约)


def _side_of(actor, contract: Contract) -> str:
    """Which party of the contract the actor speaks for; refused for anyone else."""
    if actor is not None and actor.role == Role.STUDENT and contract.graduate.user_id == actor.pk:
        return Side.STUDENT
    if _member_unit_id(actor) == contract.unit_id:
        return Side.EMPLOYER
    raise ContractError(NOT_FOUND)


def _tell_both(contract: Contract, *, employer: str, student: str) -> None:
    _tell_employer(contract, employer)
    _tell_student(contract, student)


def _open_request(contract: Contract) -> TerminationRequest | None:
    """The open request of a locked contract (the contract's lock serialises every change of its requests)."""
    return TerminationRequest.objects.filter(contract=contract, status__in=[T.PENDING, T.AGREED]).first()


def _fail_termination(contract: Contract, request: TerminationRequest, *, status: str, actor, action: str, at,
                      why: str, **request_fields) -> None:
    """A termination that did not happen: the request closes, the agreement stays in force and shows 解约失败."""
    TerminationRequest.objects.filter(pk=request.pk).update(status=status, **request_fields)
    _move(contract, to=S.SIGNED, actor=actor, action=action, at=at, note=request_fields.get("answer_note")
          or request_fields.get("review_note", ""), termination_stage=TerminationStage.FAILED, termination_note=why)
    _tell_both(
        contract,
        employer=f"{contract.graduate.name}与你单位的解约申请未成功（{why}），原协议继续有效。",
        student=f"你与{contract.unit.name}的解约申请未成功（{why}），原协议继续有效。",
    )


def request_termination(*, actor, contract: Contract, reason: str, attachment=None) -> TerminationRequest:
    """Either party of a signed agreement asks to end it; the other party has TERMINATION_RESPONSE_DAYS to answer."""
    reason = _clean_text(reason, label="解约原因", max_length=200, required=True)
    attachment_type = ""
    if attachment:
        try:
            attachment_type = validate_upload(attachment).content_type
        except ValidationError as exc:
            raise ContractError(exc.messages[0]) from None
    now = timezone.now()
    with transaction.atomic():
        contract = _lock(contract.pk)
        side = _side_of(actor, contract)
        if contract.status != S.SIGNED:
            raise ContractError(f"当前状态为“{contract.shown_status}”，不能申请解约")
        request = TerminationRequest.objects.create(
            contract=contract, requested_by=actor, requester_side=side, reason=reason,
            attachment=attachment or "", attachment_type=attachment_type, created_at=now,
            counterpart_deadline=now + timedelta(days=settings.TERMINATION_RESPONSE_DAYS),
        )
        _move(contract, to=S.TERMINATING, actor=actor, action=Action.TERMINATION_REQUEST, at=now, note=reason,
              termination_stage=TerminationStage.COUNTERPART, termination_note="")
        deadline = timezone.localtime(request.counterpart_deadline).strftime("%Y-%m-%d %H:%M")
        if side == Side.EMPLOYER:
            _tell_both(
                contract,
                employer=f"你单位已申请与{contract.graduate.name}解约，等待学生在{deadline}前确认。",
                student=f"{contract.unit.name}申请与你解约（{reason}），请在{deadline}前登录平台同意或不同意。",
            )
        else:
            _tell_both(
                contract,
                employer=f"{contract.graduate.name}申请与你单位解约（{reason}），请在{deadline}前登录平台同意或不同意。",
                student=f"你已申请与{contract.unit.name}解约，等待单位在{deadline}前确认。",
            )
    return request


def answer_termination(*, actor, contract: Contract, agree: bool, note: str = "") -> TerminationRequest:
    """The counterpart agrees (the school reviews next) or disagrees with a reason (the agreement stays), before the deadline."""
    note = _clean_text(note, label="不同意原因" if not agree else "意见", max_length=200, required=not agree)
    now = timezone.now()
    with transaction.atomic():
        contract = _lock(contract.pk)
        side = _side_of(actor, contract)
        request = _open_request(contract)
        if request is None or request.status != T.PENDING:
            raise ContractError(f"当前状态为“{contract.shown_status}”，没有等待你确认的解约申请")
        if request.counterpart_side != side:
            raise ContractError("解约申请由你方提出，须由对方确认")
        if request.is_overdue(now):
            raise ContractError("已超过解约确认期限，不能再确认")
        answered = {"answered_by": actor, "answered_at": now, "answer_note": note}
        if agree:
            TerminationRequest.objects.filter(pk=request.pk).update(status=T.AGREED, **answered)
            _move(contract, to=S.TERMINATING, actor=actor, action=Action.TERMINATION_AGREE, at=now, note=note,
                  termination_stage=TerminationStage.SCHOOL)
            _tell_both(
                contract,
                employer=f"{contract.graduate.name}与你单位的解约申请对方已同意，等待学校审核。",
                student=f"你与{contract.unit.name}的解约申请对方已同意，等待学校审核。",
            )
        else:
            _fail_termination(contract, request, status=T.DISAGREED, actor=actor, action=Action.TERMINATION_DISAGREE,
                              at=now, why=f"对方不同意解约：{note}", **answered)
    request.refresh_from_db()
    return request


def termination_reviewer_may_review(*, reviewer: Reviewer | None, contract: Contract) -> bool:
    """Termination is reviewed at the school level only, by an active reviewer of the contract's school."""
    return (
        reviewer is not None and reviewer.is_active and reviewer.college_id is None
        and reviewer.school_id == contract.school_id
    )


def review_termination(*, actor, contract: Contract, approve: bool, note: str = "") -> TerminationRequest:
    """The school approves an agreed termination (TERMINATED: the student is free) or rejects it with a reason."""
    note = _clean_text(note, label="不通过原因" if not approve else "审核意见", max_length=200, required=not approve)
    now = timezone.now()
    with transaction.atomic():
        reviewer = _active_reviewer(actor)
        contract = _lock(contract.pk)
        if reviewer is None or not _reviewer_covers(reviewer, contract):
            raise ContractError(NOT_FOUND)
        if not termination_reviewer_may_review(reviewer=reviewer, contract=contract):
            raise ContractError("解约申请由学校审核")
        request = _open_request(contract)
        if request is None or request.status != T.AGREED:
            raise ContractError(f"当前状态为“{contract.shown_status}”，没有待学校审核的解约申请")
        reviewed = {"reviewed_by": actor, "reviewed_at": now, "review_note": note}
        if approve:
            TerminationRequest.objects.filter(pk=request.pk).update(status=T.APPROVED, **reviewed)
            _move(contract, to=S.TERMINATED, actor=actor, action=Action.TERMINATION_APPROVE, at=now, note=note,
                  closed_at=now, termination_stage=TerminationStage.NONE)
            destination_clear_agreement(contract=contract, at=now)
            _tell_both(
                contract,
                employer=f"{contract.graduate.name}与你单位的解约申请已通过学校审核，解约完成。",
                student=f"你与{contract.unit.name}的解约申请已通过学校审核，解约完成。",
            )
        else:
            _fail_termination(contract, request, status=T.REJECTED, actor=actor, action=Action.TERMINATION_REJECT,
                              at=now, why=f"学校审核不通过：{note}", **reviewed)
    request.refresh_from_db()
    return request


def expire_termination_requests(*, now=None, batch_size: int = 500) -> int:
    """Fail every request the counterpart left unanswered past its deadline; idempotent, concurrent runs skip each
    other's rows (and rows a transition holds: it decides them). Returns how many."""
    now = now or timezone.now()
    why = "对方逾期未确认"
    total = 0
    while True:
        with transaction.atomic():
            contracts = list(
                Contract.objects.filter(
                    status=S.TERMINATING, termination_stage=TerminationStage.COUNTERPART,
                    termination_requests__status=T.PENDING, termination_requests__counterpart_deadline__lte=now,
                )
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("unit", "graduate__user")
                .order_by("pk")[:batch_size]
            )
            if not contracts:
                return total
            ids = [contract.pk for contract in contracts]
            TerminationRequest.objects.filter(contract_id__in=ids, status=T.PENDING).update(status=T.EXPIRED)
            Contract.objects.filter(pk__in=ids, status=S.TERMINATING).update(
                status=S.SIGNED, termination_stage=TerminationStage.FAILED, termination_note=why, last_event_at=now
            )
            ContractEvent.objects.bulk_create(
                ContractEvent(contract_id=pk, actor=None, action=Action.TERMINATION_EXPIRE, from_status=S.TERMINATING,
                              to_status=S.SIGNED, created_at=now)
                for pk in ids
            )
            for contract in contracts:
                _tell_both(
                    contract,
                    employer=f"{contract.graduate.name}与你单位的解约申请因{why}未成功，原协议继续有效。",
                    student=f"你与{contract.unit.name}的解约申请因{why}未成功，原协议继续有效。",
                )
        total += len(ids)


# ---------------------------------------------------------------------------------------------- background jobs


def _expire(queryset, *, now, batch_size: int = 500) -> int:
    """Mark the INVITED contracts of `queryset` past their deadline EXPIRED, in batches; rows another
    transaction holds are skipped (that transaction decides them)."""
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                queryset.filter(status=S.INVITED, deadline__lte=now)
                .select_for_update(skip_locked=True)
                .order_by("deadline", "pk")
                .values_list("pk", flat=True)[:batch_size]
            )
            if not ids:
                return total
            Contract.objects.filter(pk__in=ids, status=S.INVITED).update(status=S.EXPIRED, closed_at=now, last_event_at=now)
            ContractEvent.objects.bulk_create(
                ContractEvent(contract_id=pk, actor=None, action=Action.EXPIRE, from_status=S.INVITED,
                              to_status=S.EXPIRED, created_at=now)
                for pk in ids
            )
        total += len(ids)


def expire_overdue(*, now=None, batch_size: int = 500) -> int:
    """Mark every overdue invitation EXPIRED; idempotent and safe to run twice at once. Returns how many."""
    return _expire(Contract.objects.all(), now=now or timezone.now(), batch_size=batch_size)


def remind_expiring(*, now=None, within=timedelta(hours=24)) -> int:
    """Tell each student once when an invitation has less than a day left. Returns how many were told."""
    now = now or timezone.now()
    told = 0
    due = Contract.objects.filter(
        status=S.INVITED, deadline__gt=now, deadline__lte=now + within, reminder_sent_at__isnull=True
    ).values_list("pk", flat=True)
    for contract_id in list(due[:1000]):
        with transaction.atomic():
            if not Contract.objects.filter(pk=contract_id, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
                continue
            contract = Contract.objects.select_related("unit", "graduate__user").get(pk=contract_id)
            deadline = timezone.localtime(contract.deadline).strftime("%Y-%m-%d %H:%M")
            _tell_student(contract, f"{contract.unit.name}的签约邀请函将于{deadline}到期，请及时登录平台应约或拒绝。")
            told += 1
    return told
