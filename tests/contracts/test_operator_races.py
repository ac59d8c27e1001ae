"""An operator's 作废 racing the parties' own transitions, on PostgreSQL with real concurrent connections."""

import pytest
from django.db import connection

from contracts import services
from contracts.models import Contract, ContractEvent, ContractStatus
from signing_platform.accounts.models import User
from tests import concurrency

S = ContractStatus
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.mark.parametrize("attempt", range(3))
def test_void_against_the_schools_approval(cast, invite, sign_until_school, attempt):
    contract = sign_until_school(invite())
    operator = User.objects.create_superuser(f"operator{attempt}", password="x")
    outcomes = concurrency.at_once(
        lambda: services.operator_void(actor=operator, contract=contract, reason="误发"),
        lambda: services.approve(actor=cast.school_reviewer, contract=contract),
        refusals=(services.ContractError,),
    )
    assert sorted(outcomes) == ["ok", "refused"]
    contract.refresh_from_db()
    won = {S.VOIDED: "operator_void", S.SIGNED: "school_approve"}[contract.status]
    assert ContractEvent.objects.filter(contract=contract, action__in=["operator_void", "school_approve"]).get().action == won
    assert (contract.agreement_no is None) == (contract.status == S.VOIDED)


@pytest.mark.parametrize("attempt", range(3))
def test_expire_now_against_the_students_answer(cast, invite, attempt):
    contract = invite()
    operator = User.objects.create_superuser(f"operator{attempt}", password="x")
    outcomes = concurrency.at_once(
        lambda: services.operator_expire(actor=operator, contract=contract, reason="误发"),
        lambda: services.accept(actor=cast.student, contract=contract),
        refusals=(services.ContractError,),
    )
    assert sorted(outcomes) == ["ok", "refused"]
    contract.refresh_from_db()
    assert contract.status in (S.EXPIRED, S.ACCEPTED)
    assert ContractEvent.objects.filter(contract=contract).exclude(action="invite").count() == 1
    assert Contract.objects.filter(pk=contract.pk, status__in=[S.EXPIRED, S.ACCEPTED]).exists()
