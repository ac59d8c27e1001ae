"""毕业去向 on PostgreSQL: races with real concurrent connections (exactly one outcome each time, the graduate's row
in step with the records), and events that the database keeps append-only."""

import pytest
from django.db import DatabaseError, connection, transaction

from contracts import services as contract_services
from contracts.models import ACTIVE_STATES, Contract
from students import rules, services
from students.models import Destination, DestinationEvent, DestinationRecord, RecordStatus
from tests import concurrency

R = RecordStatus
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def at_once(*calls):
    return concurrency.at_once(*calls, refusals=(services.DestinationError, contract_services.ContractError))


def assert_in_step(graduate):
    """The summary row says what the records say."""
    destination = Destination.objects.select_related("request").get(graduate=graduate)
    confirmed = DestinationRecord.objects.filter(graduate=graduate, status=R.CONFIRMED).first()
    assert destination.record_id == (confirmed.pk if confirmed else None)
    assert destination.state == rules.state_of(destination)
    assert DestinationRecord.objects.filter(graduate=graduate, status__in=[R.PENDING_COLLEGE, R.PENDING_SCHOOL]).count() <= 1


@pytest.mark.parametrize("attempt", range(3))
def test_the_graduate_withdraws_while_the_school_approves(cast, register, attempt):
    record = register("801")
    services.approve(actor=cast.college_reviewer, record=record)
    kinds = at_once(
        lambda: services.withdraw(actor=cast.student, record=record),
        lambda: services.approve(actor=cast.school_reviewer, record=record),
    )
    assert sorted(kinds) == ["ok", "refused"]
    record.refresh_from_db()
    assert record.status == (R.WITHDRAWN if kinds[0] == "ok" else R.CONFIRMED)
    assert DestinationEvent.objects.filter(record=record, action__in=["withdraw", "school_approve"]).count() == 1
    assert_in_step(cast.graduate)


@pytest.mark.parametrize("attempt", range(3))
def test_the_graduate_changes_the_destination_while_the_school_approves_the_old_request(cast, register, attempt):
    """An edit is 撤回 + a new registration: the school's approval is of the record it saw, or of nothing."""
    record = register("801")
    services.approve(actor=cast.college_reviewer, record=record)

    def edit():
        services.withdraw(actor=cast.student, record=record)
        register("802")

    kinds = at_once(edit, lambda: services.approve(actor=cast.school_reviewer, record=record))
    record.refresh_from_db()
    if kinds[1] == "ok":
        # The school approved the request it saw; the edit then found nothing to withdraw.
        assert record.status == R.CONFIRMED and kinds[0] == "refused"
        assert not DestinationRecord.objects.filter(code_id="802").exists()
    else:
        assert kinds == ["ok", "refused"] and record.status == R.WITHDRAWN
        assert DestinationRecord.objects.get(code_id="802").status == R.PENDING_COLLEGE
    assert_in_step(cast.graduate)


@pytest.mark.parametrize("attempt", range(3))
def test_two_school_reviewers_approving(cast, register, attempt):
    record = register("11")
    services.approve(actor=cast.college_reviewer, record=record)
    kinds = at_once(
        lambda: services.approve(actor=cast.school_reviewer, record=record),
        lambda: services.approve(actor=cast.second_school_reviewer, record=record),
    )
    assert sorted(kinds) == ["ok", "refused"]
    record.refresh_from_db()
    assert record.status == R.CONFIRMED and record.verification_no
    assert DestinationEvent.objects.filter(record=record, action="school_approve").count() == 1
    assert_in_step(cast.graduate)


@pytest.mark.parametrize("attempt", range(3))
def test_approve_against_return_at_the_college(cast, register, attempt):
    record = register("11")
    kinds = at_once(
        lambda: services.approve(actor=cast.college_reviewer, record=record),
        lambda: services.return_for_correction(actor=cast.second_college_reviewer, record=record, reason="材料不全"),
    )
    assert sorted(kinds) == ["ok", "refused"]
    record.refresh_from_db()
    assert record.status in (R.PENDING_SCHOOL, R.RETURNED)
    assert DestinationEvent.objects.filter(record=record, action__in=["college_approve", "return"]).count() == 1
    assert_in_step(cast.graduate)


@pytest.mark.parametrize("attempt", range(3))
def test_accepting_an_invitation_against_registering_a_destination(cast, invite, register, attempt):
    """Both lock the graduate's row first: either the graduate accepted (and may not register meanwhile) or
    registered (and may not accept meanwhile), never both."""
    contract = invite()
    kinds = at_once(
        lambda: contract_services.accept(actor=cast.student, contract=contract),
        lambda: register("11"),
    )
    assert sorted(kinds) == ["ok", "refused"]
    accepted = Contract.objects.filter(graduate=cast.graduate, status__in=ACTIVE_STATES).exists()
    registered = DestinationRecord.objects.filter(graduate=cast.graduate).exists()
    assert accepted != registered
    assert accepted == (kinds[0] == "ok")


@pytest.mark.parametrize("attempt", range(3))
def test_two_registrations_at_once(cast, register, attempt):
    kinds = at_once(lambda: register("11"), lambda: register("801"))
    assert sorted(kinds) == ["ok", "refused"]
    assert DestinationRecord.objects.filter(graduate=cast.graduate).count() == 1
    assert_in_step(cast.graduate)


def test_signing_against_registering(cast, invite, sign_until_school, register):
    contract = sign_until_school(invite())
    kinds = at_once(
        lambda: contract_services.approve(actor=cast.school_reviewer, contract=contract),
        lambda: register("70", proof=None),
    )
    # Registration is refused while the agreement is under review, and still after it is signed.
    assert kinds == ["ok", "refused"]
    assert not DestinationRecord.objects.filter(graduate=cast.graduate, contract__isnull=True).exists()
    assert_in_step(cast.graduate)


def test_events_are_append_only(cast, register):
    record = register("11")
    for attempt in (lambda: DestinationEvent.objects.filter(record=record).update(note="改写"),
                    lambda: DestinationEvent.objects.filter(record=record).delete()):
        with pytest.raises(DatabaseError), transaction.atomic():
            attempt()
    assert DestinationEvent.objects.get(record=record).note.startswith("11 ")
