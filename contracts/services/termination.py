"""解约: either party asks, the other agrees or disagrees before the deadline, the school reviews."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from signing_platform.accounts.models import Role
from signing_platform.errors import NotFound
from signing_platform.uploads import validate_upload
from students.services import destination_clear_agreement

from .. import rules
from ..models import (
    Contract,
    ContractEvent,
    ContractStatus,
    Side,
    TerminationRequest,
    TerminationStage,
    TerminationStatus,
)
from .mechanics import ContractError, active_reviewer, clean_text, lock, member_unit_id, move, tell_both

S = ContractStatus
T = TerminationStatus
Action = ContractEvent.Action


def _side_of(actor, contract: Contract) -> str:
    """Which party of the contract the actor speaks for; refused for anyone else."""
    if actor is not None and actor.role == Role.STUDENT and contract.graduate.user_id == actor.pk:
        return Side.STUDENT
    if member_unit_id(actor) == contract.unit_id:
        return Side.EMPLOYER
    raise NotFound


def _open_request(contract: Contract) -> TerminationRequest | None:
    """The open request of a locked contract (the contract's lock serialises every change of its requests)."""
    return TerminationRequest.objects.filter(contract=contract, status__in=[T.PENDING, T.AGREED]).first()


def _fail_termination(contract: Contract, request: TerminationRequest, *, status: str, actor, action: str, at,
                      why: str, **request_fields) -> None:
    """A termination that did not happen: the request closes, the agreement stays in force and shows 解约失败."""
    TerminationRequest.objects.filter(pk=request.pk).update(status=status, **request_fields)
    move(contract, to=S.SIGNED, actor=actor, action=action, at=at, note=request_fields.get("answer_note")
         or request_fields.get("review_note", ""), termination_stage=TerminationStage.FAILED, termination_note=why)
    tell_both(
        contract,
        employer=f"{contract.graduate.name}与你单位的解约申请未成功（{why}），原协议继续有效。",
        student=f"你与{contract.unit.name}的解约申请未成功（{why}），原协议继续有效。",
    )


def request_termination(*, actor, contract: Contract, reason: str, attachment=None) -> TerminationRequest:
    """Either party of a signed agreement asks to end it; the other party has TERMINATION_RESPONSE_DAYS to answer."""
    reason = clean_text(reason, label="解约原因", max_length=200, required=True)
    attachment_type = ""
    if attachment:
        try:
            attachment_type = validate_upload(attachment).content_type
        except ValidationError as exc:
            raise ContractError(exc.messages[0]) from None
    now = timezone.now()
    with transaction.atomic():
        contract = lock(contract.pk)
        side = _side_of(actor, contract)
        if not rules.can_request_termination(contract):
            raise ContractError(f"当前状态为“{contract.shown_status}”，不能申请解约")
        request = TerminationRequest.objects.create(
            contract=contract, school_id=contract.school_id, requested_by=actor, requester_side=side, reason=reason,
            attachment=attachment or "", attachment_type=attachment_type, created_at=now,
            counterpart_deadline=now + timedelta(days=settings.TERMINATION_RESPONSE_DAYS),
        )
        move(contract, to=S.TERMINATING, actor=actor, action=Action.TERMINATION_REQUEST, at=now, note=reason,
             termination_stage=TerminationStage.COUNTERPART, termination_note="")
        deadline = timezone.localtime(request.counterpart_deadline).strftime("%Y-%m-%d %H:%M")
        if side == Side.EMPLOYER:
            tell_both(
                contract,
                employer=f"你单位已申请与{contract.graduate.name}解约，等待学生在{deadline}前确认。",
                student=f"{contract.unit.name}申请与你解约（{reason}），请在{deadline}前登录平台同意或不同意。",
            )
        else:
            tell_both(
                contract,
                employer=f"{contract.graduate.name}申请与你单位解约（{reason}），请在{deadline}前登录平台同意或不同意。",
                student=f"你已申请与{contract.unit.name}解约，等待单位在{deadline}前确认。",
            )
    return request


def answer_termination(*, actor, contract: Contract, agree: bool, note: str = "") -> TerminationRequest:
    """The counterpart agrees (the school reviews next) or disagrees with a reason (the agreement stays), before the deadline."""
    note = clean_text(note, label="不同意原因" if not agree else "意见", max_length=200, required=not agree)
    now = timezone.now()
    with transaction.atomic():
        contract = lock(contract.pk)
        side = _side_of(actor, contract)
        request = _open_request(contract)
        if request is None or request.status != T.PENDING:
            raise ContractError(f"当前状态为“{contract.shown_status}”，没有等待你确认的解约申请")
        if request.counterpart_side != side:
            raise ContractError("解约申请由你方提出，须由对方确认")
        if not rules.can_answer_termination(contract, request, side, now):
            raise ContractError("已超过解约确认期限，不能再确认")
        answered = {"answered_by": actor, "answered_at": now, "answer_note": note}
        if agree:
            TerminationRequest.objects.filter(pk=request.pk).update(status=T.AGREED, **answered)
            move(contract, to=S.TERMINATING, actor=actor, action=Action.TERMINATION_AGREE, at=now, note=note,
                 termination_stage=TerminationStage.SCHOOL)
            tell_both(
                contract,
                employer=f"{contract.graduate.name}与你单位的解约申请对方已同意，等待学校审核。",
                student=f"你与{contract.unit.name}的解约申请对方已同意，等待学校审核。",
            )
        else:
            _fail_termination(contract, request, status=T.DISAGREED, actor=actor, action=Action.TERMINATION_DISAGREE,
                              at=now, why=f"对方不同意解约：{note}", **answered)
    request.refresh_from_db()
    request.contract = contract
    return request


def review_termination(*, actor, contract: Contract, approve: bool, note: str = "") -> TerminationRequest:
    """The school approves an agreed termination (TERMINATED: the student is free) or rejects it with a reason."""
    note = clean_text(note, label="不通过原因" if not approve else "审核意见", max_length=200, required=not approve)
    now = timezone.now()
    with transaction.atomic():
        reviewer = active_reviewer(actor)
        contract = lock(contract.pk)
        if reviewer is None or not rules.covers(reviewer, contract):
            raise NotFound
        if not rules.reviews_terminations(reviewer):
            raise ContractError("解约申请由学校审核")
        request = _open_request(contract)
        if request is None or request.status != T.AGREED or not rules.can_review_termination(reviewer, contract):
            raise ContractError(f"当前状态为“{contract.shown_status}”，没有待学校审核的解约申请")
        reviewed = {"reviewed_by": actor, "reviewed_at": now, "review_note": note}
        if approve:
            TerminationRequest.objects.filter(pk=request.pk).update(status=T.APPROVED, **reviewed)
            move(contract, to=S.TERMINATED, actor=actor, action=Action.TERMINATION_APPROVE, at=now, note=note,
                 closed_at=now, termination_stage=TerminationStage.NONE)
            destination_clear_agreement(contract=contract, at=now)
            tell_both(
                contract,
                employer=f"{contract.graduate.name}与你单位的解约申请已通过学校审核，解约完成。",
                student=f"你与{contract.unit.name}的解约申请已通过学校审核，解约完成。",
            )
        else:
            _fail_termination(contract, request, status=T.REJECTED, actor=actor, action=Action.TERMINATION_REJECT,
                              at=now, why=f"学校审核不通过：{note}", **reviewed)
    request.refresh_from_db()
    request.contract = contract
    return request
