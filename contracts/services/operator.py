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


def operator_void(*, actor, contract: Contract, reason: str) -> Contract:
    """An operator voids a contract not yet in force (see rules.can_operator_void); both parties see the reason."""
    _require_operator(actor)
    reason = clean_text(reason, label="作废原因", max_length=200, required=True)
    now = timezone.now()
    with transaction.atomic():
        contract = lock(contract.pk)
        if not rules.can_operator_void(contract):
            raise ContractError(f"当前状态为“{contract.shown_status}”，不能作废")
        move(contract, to=S.VOIDED, actor=actor, action=Action.OPERATOR_VOID, at=now, note=reason, closed_at=now)
        tell_both(
            contract,
            employer=f"你单位与{contract.graduate.name}的签约记录（{contract.post_name}）已被平台作废：{reason}",
            student=f"你与{contract.unit.name}的签约记录（{contract.post_name}）已被平台作废：{reason}",
        )
    return contract


def operator_expire(*, actor, contract: Contract, reason: str) -> Contract:
    """An operator ends an unanswered invitation now, before (or, if the job has not run, after) its deadline."""
    _require_operator(actor)
    reason = clean_text(reason, label="失效原因", max_length=200, required=True)
    now = timezone.now()
    with transaction.atomic():
        contract = lock(contract.pk)
        if not rules.can_operator_expire(contract):
            raise ContractError(f"当前状态为“{contract.shown_status}”，不是等待应约的邀请函")
        move(contract, to=S.EXPIRED, actor=actor, action=Action.OPERATOR_EXPIRE, at=now, note=reason, closed_at=now)
        tell_both(
            contract,
            employer=f"你单位发给{contract.graduate.name}的签约邀请函（{contract.post_name}）已由平台设为失效：{reason}",
            student=f"{contract.unit.name}发给你的签约邀请函（{contract.post_name}）已由平台设为失效：{reason}",
        )
    return contract
