"""Closing a year against invitations and answers at the same moment (PostgreSQL, real concurrent connections): no
invitation of a closed year is left open, whichever commits first."""

import time

import pytest
from django.db import connection

from contracts import services
from contracts.models import Contract, ContractStatus
from schools.services import graduation_year_close
from signing_platform.accounts.models import User
from tests import concurrency
from tests.factories import PASSWORD

S = ContractStatus
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory and row locks need PostgreSQL"),
]


def at_once(*calls):
    return concurrency.at_once(*calls, refusals=(services.ContractError,))


@pytest.fixture
def close(cast):
    operator = User.objects.create_superuser("operator", password=PASSWORD)
    return lambda school: graduation_year_close(actor=operator, school=school, year=2026, reason="本届结束")


@pytest.fixture
def slow_transitions(monkeypatch):
    """Invitations and acceptances hold their transaction open a while after their checks (at their notice), and
    the closing starts a moment later: without the year's lock the closing would pass over them uncommitted."""
    from contracts.services import invitations

    for name in ("tell_student", "tell_employer"):
        original = getattr(invitations, name)

        def slow(*args, original=original, **kwargs):
            time.sleep(0.3)
            return original(*args, **kwargs)

        monkeypatch.setattr(invitations, name, slow)


def later(call):
    def run():
        time.sleep(0.05)
        return call()

    return run


@pytest.mark.parametrize("attempt", range(3))
@pytest.mark.parametrize("for_all", [False, True], ids=["school", "all"])
@pytest.mark.parametrize("closing_first", [False, True], ids=["invitation-first", "closing-first"])
def test_an_invitation_sent_while_the_year_closes(cast, invite, close, slow_transitions, attempt, for_all,
                                                  closing_first):
    closing = lambda: close(None if for_all else cast.school)  # noqa: E731
    kinds = at_once(later(invite) if closing_first else invite, closing if closing_first else later(closing))
    assert kinds[1] == "ok"
    statuses = list(Contract.objects.values_list("status", flat=True))
    # Sent first and voided by the closing, or refused after it: never left waiting for an answer.
    assert statuses == ([S.VOIDED] if kinds[0] == "ok" else [])


@pytest.mark.parametrize("attempt", range(3))
def test_an_acceptance_while_the_year_closes(cast, invite, close, slow_transitions, attempt):
    contract = invite()
    kinds = at_once(lambda: services.accept(actor=cast.student, contract=contract), later(lambda: close(cast.school)))
    contract.refresh_from_db()
    assert contract.status == (S.ACCEPTED if kinds[0] == "ok" else S.VOIDED)
