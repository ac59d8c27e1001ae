import pytest

from employers import demo
from employers.models import AuthStatus, UnitMember
from employers.selectors import current_archive_info
from signing_platform.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_demo_employers_load_twice_and_sign_in(client):
    demo.load()
    lines = demo.load()
    assert any(demo.AUTHENTICATED_MOBILE in line for line in lines)
    authenticated = UnitMember.objects.get(user__mobile=demo.AUTHENTICATED_MOBILE).unit
    assert authenticated.auth_status == AuthStatus.AUTHENTICATED and authenticated.contacts.filter(is_active=True).exists()
    assert current_archive_info(authenticated) is not None
    assert UnitMember.objects.get(user__mobile=demo.UNAUTHENTICATED_MOBILE).unit.auth_status == AuthStatus.UNAUTHENTICATED
    assert client.login(username=demo.AUTHENTICATED_MOBILE, password=DEMO_PASSWORD)
    assert "已认证" in client.get("/employer/").text
