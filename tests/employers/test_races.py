"""Races on PostgreSQL with real concurrent connections: the unit's invariants hold whoever wins."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from employers import services
from employers.models import AuthenticationRequest, Contact, RequestStatus, Unit
from signing_platform.accounts.models import User
from signing_platform.uploads import PNG
from tests import concurrency
from tests.employers.factories import (
    AuthenticationRequestFactory,
    ContactFactory,
    EmployerFactory,
    licence_file,
    seed_code_lists,
    unit_data,
)
from tests.factories import EmployerUserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


@pytest.fixture(autouse=True)
def _code_lists(transactional_db):
    seed_code_lists()


def at_once(*calls):
    return sorted(concurrency.at_once(*calls, refusals=(ValidationError,)))


@pytest.mark.parametrize("attempt", range(3))
def test_disabling_the_two_last_contacts_at_once_leaves_one(attempt):
    member = EmployerFactory()
    first, second = ContactFactory(unit=member.unit), ContactFactory(unit=member.unit)
    outcomes = at_once(
        lambda: services.contact_set_active(unit=member.unit, actor=member.user, contact=first, active=False),
        lambda: services.contact_set_active(unit=member.unit, actor=member.user, contact=second, active=False),
    )
    assert outcomes == ["ok", "refused"]
    assert Contact.objects.filter(unit=member.unit, is_active=True).count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_two_new_users_claiming_one_credit_code(attempt):
    users = [EmployerUserFactory(), EmployerUserFactory()]
    outcomes = at_once(*[
        (lambda user=user: services.authentication_submit(
            user=user, data=unit_data(), licence=licence_file(), licence_kind=PNG
        )) for user in users
    ])
    assert outcomes == ["ok", "refused"]
    assert Unit.objects.count() == 1 and AuthenticationRequest.objects.count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_approve_and_reject_at_once_decide_once(attempt):
    request = AuthenticationRequestFactory()
    operator = User.objects.create_superuser(f"operator{attempt}", password="x")
    outcomes = at_once(
        lambda: services.authentication_approve(request_id=request.pk, reviewer=operator),
        lambda: services.authentication_reject(request_id=request.pk, reviewer=operator, reason="不符"),
    )
    assert outcomes == ["ok", "refused"]
    request.refresh_from_db()
    unit = Unit.objects.get(pk=request.unit_id)
    assert (request.status, unit.auth_status) in {(RequestStatus.APPROVED, "authenticated"), (RequestStatus.REJECTED, "rejected")}


@pytest.mark.parametrize("attempt", range(3))
def test_two_transfers_of_the_admin_role_at_once_leave_one_admin(attempt):
    from employers.models import UnitMember
    from tests.employers.factories import UnitMemberFactory

    admin = EmployerFactory()
    first, second = (UnitMemberFactory(unit=admin.unit, is_admin=False) for _ in range(2))
    operator = User.objects.create_superuser(f"operator{attempt}", password="x")
    outcomes = at_once(*[
        (lambda member=member: services.unit_admin_transfer(actor=operator, member=member, reason="交接"))
        for member in (first, second)
    ])
    assert outcomes == ["ok", "ok"]
    admins = list(UnitMember.objects.filter(unit=admin.unit, is_admin=True))
    assert len(admins) == 1 and admins[0] in (first, second)


@pytest.mark.parametrize("attempt", range(3))
def test_a_transfer_and_a_disable_of_its_member_at_once(attempt):
    from employers.models import UnitMember
    from tests.employers.factories import UnitMemberFactory

    admin = EmployerFactory()
    member = UnitMemberFactory(unit=admin.unit, is_admin=False)
    operator = User.objects.create_superuser(f"operator{attempt}", password="x")
    at_once(
        lambda: services.unit_admin_transfer(actor=operator, member=member, reason="交接"),
        lambda: services.sub_account_set_active(unit=admin.unit, actor=admin.user, member=member, active=False),
    )
    member = UnitMember.objects.select_related("user").get(pk=member.pk)
    # Never a disabled admin: either the transfer came first (and the admin cannot be disabled), or it was refused.
    assert (member.is_admin, member.is_active) in {(True, True), (False, False)}
    assert UnitMember.objects.filter(unit=admin.unit, is_admin=True).count() == 1
