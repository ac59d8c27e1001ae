"""Every way to sign in (our form, Django admin, any authenticate() call) shares one failure limit."""

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth import aauthenticate, authenticate
from django.urls import reverse

from signing_platform.accounts.models import Role
from tests.factories import PASSWORD, EmployerUserFactory, UserFactory

pytestmark = pytest.mark.django_db

LOCKED = "登录失败次数过多，请15分钟后再试"


@pytest.fixture
def operator():
    return UserFactory(role=Role.ADMIN, mobile=None, username="ops", is_staff=True, is_superuser=True)


def our_form(client, login, password, ip="10.1.1.1"):
    return client.post(reverse("accounts:login"), {"login": login, "password": password}, REMOTE_ADDR=ip)


def admin_form(client, username, password, ip="10.1.1.1"):
    data = {"username": username, "password": password, "next": reverse("admin:index")}
    return client.post(reverse("admin:login"), data, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_an_account_locked_on_our_form_cannot_sign_in_through_admin(client, operator):
    for i in range(5):
        our_form(client, "ops", "wrong-password", ip=f"10.2.0.{i}")
    response = admin_form(client, "ops", PASSWORD, ip="10.2.0.99")
    assert response.status_code == 200 and not signed_in(client)


def test_an_account_locked_through_admin_is_locked_on_our_form(client, operator):
    for i in range(5):
        admin_form(client, "ops", "wrong-password", ip=f"10.2.0.{i}")
    response = our_form(client, "OPS", PASSWORD, ip="10.2.0.99")
    assert LOCKED in response.content.decode() and not signed_in(client)


def test_admin_failures_count_towards_the_limit_of_a_mobile_account(client):
    EmployerUserFactory(mobile="13800138000")
    for _ in range(5):
        admin_form(client, "+86 138 0013 8000", "wrong-password")
    assert LOCKED in our_form(client, "13800138000", PASSWORD).content.decode()


def test_failures_through_admin_lock_the_address_on_our_form(client, settings, operator):
    settings.LOGIN_FAILURES_PER_IP = "3/h"
    EmployerUserFactory(mobile="13800138000")
    for i in range(3):
        admin_form(client, f"nobody{i}", "wrong-password", ip="10.3.3.3")
    assert LOCKED in our_form(client, "13800138000", PASSWORD, ip="10.3.3.3").content.decode()
    admin_form(client, "ops", PASSWORD, ip="10.3.3.3")
    assert not signed_in(client)
    assert our_form(client, "13800138000", PASSWORD, ip="10.3.3.4").status_code == 302


def test_failures_on_our_form_lock_the_address_on_admin(client, settings, operator):
    settings.LOGIN_FAILURES_PER_IP = "3/h"
    for i in range(3):
        our_form(client, f"1390013{i:04d}", "wrong-password", ip="10.3.3.3")
    admin_form(client, "ops", PASSWORD, ip="10.3.3.3")
    assert not signed_in(client)
    response = admin_form(client, "ops", PASSWORD, ip="10.3.3.4")
    assert response.status_code == 302 and signed_in(client)


def test_any_authenticate_call_respects_the_account_lock(rf, operator):
    for _ in range(5):
        assert authenticate(rf.post("/", REMOTE_ADDR="10.4.0.1"), username="ops", password="wrong-password") is None
    assert authenticate(rf.post("/", REMOTE_ADDR="10.4.0.2"), username="ops", password=PASSWORD) is None
    assert authenticate(None, username="ops", password=PASSWORD) is None
    assert async_to_sync(aauthenticate)(rf.post("/"), username="ops", password=PASSWORD) is None


def test_a_correct_password_below_the_limit_still_signs_in_everywhere(client, operator):
    for _ in range(4):
        admin_form(client, "ops", "wrong-password")
    response = admin_form(client, "ops", PASSWORD)
    assert response.status_code == 302 and signed_in(client)


def test_no_counter_store_means_no_sign_in_anywhere(client, monkeypatch, operator):
    from signing_platform import ratelimits

    def unavailable(*args, **kwargs):
        raise ratelimits.RateLimitUnavailable

    monkeypatch.setattr(ratelimits, "_usage", unavailable)
    assert "系统繁忙，请稍后再试" in our_form(client, "ops", PASSWORD).content.decode()
    admin_form(client, "ops", PASSWORD)
    assert not signed_in(client)
