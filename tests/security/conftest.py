"""The attack suite works on the signing cast (two units, a two-level school, a signed-up graduate, reviewers)."""

import pytest

from tests.contracts.conftest import cast, invite, sign, sign_until_school  # noqa: F401
from tests.employers.conftest import unit_form_data  # noqa: F401


@pytest.fixture
def signed(cast, invite, sign):  # noqa: F811
    """An agreement in force between the cast's unit and graduate: either of them may ask to terminate it."""
    return sign(invite())
