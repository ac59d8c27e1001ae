"""Termination races on PostgreSQL with real concurrent connections: one outcome each time, invariants intact."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from contracts import services
from contracts.models import ACTIVE_STATES, Contract, ContractEvent, ContractStatus, TerminationRequest
from tests.contracts.test_races import at_once

S = ContractStatus
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.fixture
def signed(cast, invite, sign):
    return sign(invite())


def consistent(contract):
    """The contract's stage and its requests agree, whatever happened."""
    contract.refresh_from_db()
    open_requests = TerminationRequest.objects.filter(contract=contract, status__in=["pending", "agreed"])
    if contract.status == S.TERMINATING:
        assert open_requests.count() == 1
    else:
        assert not open_requests.exists()
    return contract


@pytest.mark.parametrize("attempt", range(3))
def test_counterpart_agrees_while_the_expiry_job_runs(cast, signed, attempt):
    request = services.request_termination(actor=cast.employer, contract=signed, reason="岗位取消")
    deadline = timezone.now() + timedelta(milliseconds=300)
    TerminationRequest.objects.filter(pk=request.pk).update(counterpart_deadline=deadline)
    kinds = at_once(
        lambda: services.answer_termination(actor=cast.student, contract=signed, agree=True),
        lambda: services.expire_termination_requests(now=deadline + timedelta(seconds=1)),
    )
    contract = consistent(signed)
    moved = ContractEvent.objects.filter(contract=contract, action__in=["termination_agree", "termination_expire"])
    assert moved.count() == 1
    request.refresh_from_db()
    if moved.get().action == "termination_agree":
        assert kinds[0] == "ok" and request.status == "agreed" and contract.termination_stage == "school"
    else:
        assert kinds[0] == "refused" and request.status == "expired" and contract.status == S.SIGNED


@pytest.mark.parametrize("attempt", range(3))
def test_both_parties_request_at_once(cast, signed, attempt):
    kinds = at_once(
        lambda: services.request_termination(actor=cast.employer, contract=signed, reason="单位"),
        lambda: services.request_termination(actor=cast.student, contract=signed, reason="学生"),
    )
    assert sorted(kinds) == ["ok", "refused"]
    consistent(signed)
    assert TerminationRequest.objects.count() == 1
    assert ContractEvent.objects.filter(contract=signed, action="termination_request").count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_two_school_reviewers_approve_and_reject_at_once(cast, signed, attempt):
    services.request_termination(actor=cast.employer, contract=signed, reason="岗位取消")
    services.answer_termination(actor=cast.student, contract=signed, agree=True)
    kinds = at_once(
        lambda: services.review_termination(actor=cast.school_reviewer, contract=signed, approve=True),
        lambda: services.review_termination(actor=cast.second_school_reviewer, contract=signed, approve=False, note="不同意"),
    )
    assert sorted(kinds) == ["ok", "refused"]
    contract = consistent(signed)
    assert contract.status in (S.TERMINATED, S.SIGNED)
    decided = ContractEvent.objects.filter(contract=contract, action__in=["termination_approve", "termination_reject"])
    assert decided.count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_another_unit_invites_while_the_school_approves(cast, signed, invite, attempt):
    services.request_termination(actor=cast.student, contract=signed, reason="换单位")
    services.answer_termination(actor=cast.employer, contract=signed, agree=True)
    kinds = at_once(
        lambda: services.review_termination(actor=cast.school_reviewer, contract=signed, approve=True),
        lambda: invite(unit_user=cast.other_employer),
    )
    assert kinds[0] == "ok" and consistent(signed).status == S.TERMINATED
    # The invitation either waited for the approval and went out, or came first and was refused: never in between.
    assert Contract.objects.filter(unit=cast.other_unit, status=S.INVITED).exists() == (kinds[1] == "ok")
    if kinds[1] == "ok":
        other = Contract.objects.get(unit=cast.other_unit, status=S.INVITED)
        services.accept(actor=cast.student, contract=other)
    assert Contract.objects.filter(graduate=cast.graduate, status__in=ACTIVE_STATES).count() <= 1


def test_two_expiry_jobs_fail_each_request_once(cast, signed, invite, sign, second_graduate):
    second = sign(invite(favorite=second_graduate.favorite), student=second_graduate.student)
    for contract in (signed, second):
        services.request_termination(actor=cast.employer, contract=contract, reason="岗位取消")
    TerminationRequest.objects.update(counterpart_deadline=timezone.now() - timedelta(seconds=1))
    at_once(lambda: services.expire_termination_requests(batch_size=1),
            lambda: services.expire_termination_requests(batch_size=1))
    assert TerminationRequest.objects.filter(status="expired").count() == 2
    assert ContractEvent.objects.filter(action="termination_expire").count() == 2
    assert Contract.objects.filter(status=S.SIGNED, termination_stage="failed").count() == 2
