"""The attack suite works on the signing cast (two units, a two-level school, a signed-up graduate, reviewers), with
one more identity of each kind an attacker can be (tests/security/access.py lists them)."""

from types import SimpleNamespace

import pytest
from django.test import Client

from signing_platform.accounts.models import Role
from tests.contracts.conftest import cast, invite, sign, sign_until_school  # noqa: F401
from tests.employers.conftest import unit_form_data  # noqa: F401
from tests.employers.factories import UnitMemberFactory
from tests.factories import UserFactory

from .access import ANONYMOUS, IDENTITIES


@pytest.fixture
def signed(cast, invite, sign):  # noqa: F811
    """An agreement in force between the cast's unit and graduate: either of them may ask to terminate it."""
    return sign(invite())


@pytest.fixture
def world(cast, invite, sign):  # noqa: F811
    """The cast, a sub-account of each unit, a 平台管理员 without staff rights and a staff user without permissions."""
    return SimpleNamespace(
        **vars(cast), invite=invite, sign=sign,
        sub_account=UnitMemberFactory(unit=cast.unit).user,
        other_sub_account=UnitMemberFactory(unit=cast.other_unit).user,
        operator=UserFactory(role=Role.ADMIN, name="平台管理员"),
        staff=UserFactory(role=Role.ADMIN, name="运营", is_staff=True),
    )


@pytest.fixture
def clients(world):
    """A signed-in test client per identity of the world (anonymous: none)."""
    made = {}
    for name in IDENTITIES:
        made[name] = Client()
        if name != ANONYMOUS:
            made[name].force_login(getattr(world, name))
    return made
