"""The periodic jobs: expiring invitations and termination requests past their deadlines, 24-hour reminders."""

from collections import Counter
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .. import counters, rules
from ..models import Contract, ContractEvent, ContractStatus, TerminationRequest, TerminationStage, TerminationStatus
from .mechanics import expire_lapsed, tell_both, tell_student

S = ContractStatus
T = TerminationStatus
Action = ContractEvent.Action


def expire_overdue(*, now=None, batch_size: int = 500) -> int:
    """Mark every overdue invitation EXPIRED; idempotent and safe to run twice at once. Returns how many."""
    return expire_lapsed(Contract.objects.all(), now=now or timezone.now(), batch_size=batch_size)


def expire_termination_requests(*, now=None, batch_size: int = 500) -> int:
    """Fail every request the counterpart left unanswered past its deadline; idempotent, concurrent runs skip each
    other's rows (and rows a transition holds: it decides them). Returns how many."""
    now = now or timezone.now()
    why = "对方逾期未确认"
    total = 0
    while True:
        with transaction.atomic():
            overdue = TerminationRequest.objects.filter(rules.termination_expired_q(now)).values("contract_id")
            contracts = list(
                Contract.objects.filter(
                    status=S.TERMINATING, termination_stage=TerminationStage.COUNTERPART, pk__in=overdue
                )
                .select_for_update(skip_locked=True, no_key=True, of=("self",))
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
                ContractEvent(contract_id=contract.pk, unit_id=contract.unit_id, actor=None,
                              action=Action.TERMINATION_EXPIRE, from_status=S.TERMINATING, to_status=S.SIGNED,
                              created_at=now)
                for contract in contracts
            )
            changes = Counter()
            for contract in contracts:
                counters.moved(unit_id=contract.unit_id, contract_id=contract.pk,
                               before=(S.TERMINATING, TerminationStage.COUNTERPART),
                               after=(S.SIGNED, TerminationStage.FAILED), changes=changes)
            counters.add(changes)
            for contract in contracts:
                tell_both(
                    contract,
                    employer=f"{contract.graduate.name}与你单位的解约申请因{why}未成功，原协议继续有效。",
                    student=f"你与{contract.unit.name}的解约申请因{why}未成功，原协议继续有效。",
                )
        total += len(ids)


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
            tell_student(contract, f"{contract.unit.name}的签约邀请函将于{deadline}到期，请及时登录平台应约或拒绝。")
            told += 1
    return told
