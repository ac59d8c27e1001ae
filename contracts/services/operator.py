"""Operators' transitions, made in Django admin: 作废 a contract not yet in force, 立即失效 an invitation.

Each is one contract in one transaction, through the same lock and move as every other transition: the rule
(contracts/rules.py) is checked under the lock, the ContractEvent records the operator and the reason they gave, and
both parties are told on commit.
"""

from django.db import transaction
from django.utils import timezone

from signing_platform.access import is_operator
from signing_platform.errors import NotFound

from .. import rules
from ..models import Contract, ContractEvent, ContractStatus
from .mechanics import ContractError, clean_text, lock, move, tell_both

S = ContractStatus
Action = ContractEvent.Action

# The admin's forms for contracts are read-only, so the change permission means "may act on contracts as operator".
OPERATE_PERMISSION = "contracts.change_contract"


def _require_operator(actor) -> None:
    if not is_operator(actor, OPERATE_PERMISSION):
        raise NotFound


def _end_by_operator(*, actor, contract: Contract, reason: str, reason_label: str, allowed, refusal: str, to: str,
                     action: str, tell) -> Contract:
    """One operator transition: check the operator, the reason, then under the lock the rule `allowed`; write the new
    state (closed now) with its event, and `tell(contract, reason)` the parties on commit."""
    _require_operator(actor)
    reason = clean_text(reason, label=reason_label, max_length=200, required=True)
    now = timezone.now()
    with transaction.atomic():
        contract = lock(contract.pk)
        if not allowed(contract):
            raise ContractError(f"当前状态为“{contract.shown_status}”，{refusal}")
        move(contract, to=to, actor=actor, action=action, at=now, note=reason, closed_at=now)
        tell(contract, reason)
    return contract


def operator_void(*, actor, contract: Contract, reason: str) -> Contract:
    """An operator voids a contract not yet in force (see rules.can_operator_void); both parties see the reason."""
    return _end_by_operator(
        actor=actor, contract=contract, reason=reason, reason_label="作废原因", allowed=rules.can_operator_void,
        refusal="不能作废", to=S.VOIDED, action=Action.OPERATOR_VOID,
        tell=lambda contract, reason: tell_both(
            contract,
            employer=f"你单位与{contract.graduate.name}的签约记录（{contract.post_name}）已被平台作废：{reason}",
            student=f"你与{contract.unit.name}的签约记录（{contract.post_name}）已被平台作废：{reason}",
        ),
    )


def operator_expire(*, actor, contract: Contract, reason: str) -> Contract:
    """An operator ends an unanswered invitation now, before (or, if the job has not run, after) its deadline."""
    return _end_by_operator(
        actor=actor, contract=contract, reason=reason, reason_label="失效原因", allowed=rules.can_operator_expire,
        refusal="不是等待应约的邀请函", to=S.EXPIRED, action=Action.OPERATOR_EXPIRE,
        tell=lambda contract, reason: tell_both(
            contract,
            employer=f"你单位发给{contract.graduate.name}的签约邀请函（{contract.post_name}）已由平台设为失效：{reason}",
            student=f"{contract.unit.name}发给你的签约邀请函（{contract.post_name}）已由平台设为失效：{reason}",
        ),
    )
