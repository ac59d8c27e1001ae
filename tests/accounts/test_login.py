import pytest
from django.urls import reverse

from signing_platform.accounts.models import Role
from tests.factories import PASSWORD, EmployerUserFactory, ReviewerUserFactory, StudentUserFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:login")


def login(client, login, password=PASSWORD, ip="10.1.1.1", **extra):
    return client.post(URL, {"login": login, "password": password, **extra}, REMOTE_ADDR=ip)


@pytest.mark.parametrize("written", ["13800138000", "+86 138 0013 8000", "138-0013-8000"])
def test_employer_signs_in_with_any_written_form_of_the_mobile(client, written):
    EmployerUserFactory(mobile="13800138000")
    response = login(client, written)
    assert response.status_code == 302 and response["Location"] == reverse("employers:home")


@pytest.mark.parametrize(
    ("factory", "landing"),
    [(StudentUserFactory, "students:home"), (ReviewerUserFactory, "contracts:review_queue")],
)
def test_each_role_lands_on_its_own_page(client, factory, landing):
    user = factory()
    response = login(client, user.mobile or user.username)
    assert response["Location"] == reverse(landing)


def test_admin_lands_on_django_admin(client):
    UserFactory(role=Role.ADMIN, mobile=None, username="ops", is_staff=True, is_superuser=True)
    assert login(client, "ops")["Location"] == reverse("admin:index")


def test_wrong_password_gives_one_message_for_both_fields(client):
    EmployerUserFactory(mobile="13800138000")
    wrong = login(client, "13800138000", "not-the-password")
    unknown = login(client, "13900139000")
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "账号或密码错误" in response.content.decode()
        assert "_auth_user_id" not in client.session


def test_disabled_account_cannot_sign_in(client):
    EmployerUserFactory(mobile="13800138000", is_active=False)
    assert "账号或密码错误" in login(client, "13800138000").content.decode()


def test_failures_per_account_lock_it_even_from_other_addresses(client):
    EmployerUserFactory(mobile="13800138000")
    for i in range(5):
        login(client, "13800138000", "wrong-password", ip=f"10.2.0.{i}")
    response = login(client, "+86 13800138000", ip="10.2.0.99")
    assert "登录失败次数过多，请15分钟后再试" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_per_address_lock_it_for_every_account(client, settings):
    settings.LOGIN_FAILURES_PER_IP = "3/h"
    EmployerUserFactory(mobile="13800138000")
    for i in range(3):
        login(client, f"1390013{i:04d}", "wrong-password", ip="10.3.3.3")
    response = login(client, "13800138000", ip="10.3.3.3")
    assert "登录失败次数过多" in response.content.decode()
    assert login(client, "13800138000", ip="10.3.3.4").status_code == 302


def test_next_is_followed_only_on_this_site(client):
    EmployerUserFactory(mobile="13800138000")
    assert login(client, "13800138000", next="/accounts/password/")["Location"] == "/accounts/password/"
    client.logout()
    assert login(client, "13800138000", next="https://evil.example/")["Location"] == reverse("employers:home")


def test_logout_needs_post(client):
    user = EmployerUserFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and "_auth_user_id" not in client.session


def test_pages_of_another_role_are_404_and_anonymous_users_go_to_login(client):
    client.force_login(StudentUserFactory())
    assert client.get(reverse("employers:system_choice")).status_code == 404
    client.logout()
    response = client.get(reverse("employers:system_choice"))
    assert response.status_code == 302 and response["Location"].startswith(URL)


def test_passwords_are_kept_out_of_error_reports(client):
    response = login(client, "13800138000", "secret-password")
    assert "password" in response.wsgi_request.sensitive_post_parameters
