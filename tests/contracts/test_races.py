"""Races on PostgreSQL with real concurrent connections: exactly one outcome each time, invariants intact."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from contracts import services
from contracts.models import ACTIVE_STATES, Contract, ContractEvent, ContractStatus
from tests import concurrency

S = ContractStatus
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def at_once(*calls):
    return concurrency.at_once(*calls, refusals=(services.ContractError,))


def transitions(contract, action):
    return ContractEvent.objects.filter(contract=contract, action=action).count()


@pytest.mark.parametrize("attempt", range(3))
def test_two_accepts_of_one_invitation(cast, invite, attempt):
    contract = invite()
    kinds = at_once(*[lambda: services.accept(actor=cast.student, contract=contract)] * 2)
    assert sorted(kinds) == ["ok", "refused"]
    contract.refresh_from_db()
    assert contract.status == S.ACCEPTED and transitions(contract, "accept") == 1


@pytest.mark.parametrize("attempt", range(3))
def test_a_student_accepting_two_employers_at_once(cast, invite, attempt):
    first, second = invite(), invite(unit_user=cast.other_employer)
    kinds = at_once(
        lambda: services.accept(actor=cast.student, contract=first),
        lambda: services.accept(actor=cast.student, contract=second),
    )
    assert sorted(kinds) == ["ok", "refused"]
    assert Contract.objects.filter(graduate=cast.graduate, status__in=ACTIVE_STATES).count() == 1
    assert ContractEvent.objects.filter(action="accept").count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_accept_against_the_expiry_job(cast, invite, attempt):
    contract = invite()
    deadline = timezone.now() + timedelta(milliseconds=300)
    Contract.objects.filter(pk=contract.pk).update(deadline=deadline)
    kinds = at_once(
        lambda: services.accept(actor=cast.student, contract=contract),
        lambda: services.expire_overdue(now=deadline + timedelta(seconds=1)),
    )
    contract.refresh_from_db()
    moved = ContractEvent.objects.filter(contract=contract).exclude(action="invite")
    assert moved.count() == 1
    if contract.status == S.ACCEPTED:
        assert kinds[0] == "ok" and moved.get().action == "accept"
    else:
        assert contract.status == S.EXPIRED and kinds[0] == "refused" and moved.get().action == "expire"


@pytest.mark.parametrize("attempt", range(3))
def test_approve_against_reject(cast, invite, attempt):
    contract = invite()
    services.accept(actor=cast.student, contract=contract)
    kinds = at_once(
        lambda: services.approve(actor=cast.college_reviewer, contract=contract),
        lambda: services.reject(actor=cast.second_college_reviewer, contract=contract, reason="材料不全"),
    )
    assert sorted(kinds) == ["ok", "refused"]
    contract.refresh_from_db()
    assert contract.status in (S.COLLEGE_APPROVED, S.REJECTED)
    assert ContractEvent.objects.filter(contract=contract, action__in=["college_approve", "reject"]).count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_two_school_reviewers_approving(cast, invite, attempt):
    contract = invite()
    services.accept(actor=cast.student, contract=contract)
    services.approve(actor=cast.college_reviewer, contract=contract)
    kinds = at_once(
        lambda: services.approve(actor=cast.school_reviewer, contract=contract),
        lambda: services.approve(actor=cast.second_school_reviewer, contract=contract),
    )
    assert sorted(kinds) == ["ok", "refused"]
    contract.refresh_from_db()
    assert contract.status == S.SIGNED and contract.agreement_no
    assert transitions(contract, "school_approve") == 1


def test_two_expiry_jobs_at_once_expire_each_invitation_once(cast, invite, second_graduate):
    contracts = [invite(), invite(favorite=second_graduate.favorite), invite(unit_user=cast.other_employer)]
    Contract.objects.update(deadline=timezone.now() - timedelta(seconds=1))
    at_once(lambda: services.expire_overdue(batch_size=1), lambda: services.expire_overdue(batch_size=1))
    assert Contract.objects.filter(status=S.EXPIRED).count() == len(contracts)
    assert ContractEvent.objects.filter(action="expire").count() == len(contracts)


@pytest.mark.parametrize("attempt", range(3))
def test_two_invitations_to_one_student_from_one_unit(cast, invite, attempt):
    kinds = at_once(invite, invite)
    assert sorted(kinds) == ["ok", "refused"]
    assert Contract.objects.filter(status=S.INVITED).count() == 1


def test_signing_against_a_new_invitation_leaves_no_open_invitation(cast, invite, sign_until_school):
    contract = sign_until_school(invite())
    kinds = at_once(
        lambda: services.approve(actor=cast.school_reviewer, contract=contract),
        lambda: invite(unit_user=cast.other_employer),
    )
    assert kinds[0] == "ok"
    assert not Contract.objects.filter(graduate=cast.graduate, status=S.INVITED).exists()
