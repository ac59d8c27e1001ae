import pytest

from employers.models import Industry, Region, UnitNature
from tests.employers.factories import ContactFactory, EmployerFactory, UnitMemberFactory
from tests.factories import PASSWORD, ReviewerUserFactory, StudentUserFactory


@pytest.fixture
def employer(db):
    """The admin user of an 已认证 unit with one contact."""
    member = EmployerFactory()
    ContactFactory(unit=member.unit)
    return member.user


@pytest.fixture
def other_employer(db):
    """The admin of another 已认证 unit: an outsider to `employer`'s unit."""
    member = EmployerFactory()
    ContactFactory(unit=member.unit)
    return member.user


@pytest.fixture
def sub_account(employer):
    return UnitMemberFactory(unit=employer.unit_member.unit, is_admin=False).user


@pytest.fixture
def student(db):
    return StudentUserFactory()


@pytest.fixture
def reviewer(db):
    return ReviewerUserFactory()


@pytest.fixture
def signed_in(client):
    def sign_in(user):
        assert client.login(username=user.mobile or user.username, password=PASSWORD)
        return client

    return sign_in


@pytest.fixture
def unit_form_data(db):
    """A valid 身份认证 form, without the licence."""
    return {
        "name": "深圳新创科技有限公司", "credit_code": "91440300708461136t",
        "nature": UnitNature.objects.get(name="其他企业").pk, "industry": Industry.objects.get(code="I").pk,
        "province": Region.objects.get(code="440000").pk, "city": Region.objects.get(code="440300").pk,
        "address": "深圳市南山区科技园科技中一路1号", "contact_name": "赵经理", "contact_phone": "0755-86001234",
    }
