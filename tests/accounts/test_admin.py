"""解除频率限制 in Django admin: an operator clears the sign-in failure and SMS counters of an account, a mobile number
or a client address, giving a reason; audited; nothing is cleared when refused."""

import pytest
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse

from signing_platform import ratelimits
from signing_platform.accounts import services
from signing_platform.accounts.models import AuditEvent, Role, User
from signing_platform.errors import NotFound
from tests.factories import PASSWORD, EmployerUserFactory, ReviewerUserFactory, UserFactory

pytestmark = pytest.mark.django_db

USERS = reverse("admin:accounts_user_changelist")
UNLOCK = reverse("admin:accounts_user_unlock")
LOGIN = reverse("accounts:login")
REQUEST = RequestFactory().post("/")

# What `unlock` clears, and a key of each kind of counter.
MOBILE_COUNTERS = [("login:account", "LOGIN_FAILURES_PER_ACCOUNT"), ("sms:mobile-day", "SMS_RATE_PER_MOBILE_DAY")]
IP_COUNTERS = [("login:ip", "LOGIN_FAILURES_PER_IP"), ("sms:ip", "SMS_RATE_PER_IP")]


@pytest.fixture
def operator(client, db):
    user = User.objects.create_superuser("operator", password=PASSWORD)
    client.force_login(user)
    return user


def exhaust(group, setting, key):
    rate = getattr(settings, setting)
    while not ratelimits.hit(REQUEST, group=group, key=key, rate=rate):
        pass
    assert ratelimits.exceeded(REQUEST, group=group, key=key, rate=rate)


def is_limited(group, setting, key):
    return ratelimits.exceeded(REQUEST, group=group, key=key, rate=getattr(settings, setting))


def test_unlock_clears_each_counter_of_a_mobile_a_username_and_an_address_only():
    for group, setting in MOBILE_COUNTERS:
        exhaust(group, setting, "13800138000")
        exhaust(group, setting, "13900139000")
    exhaust("login:account", "LOGIN_FAILURES_PER_ACCOUNT", "reviewer_a")
    for group, setting in IP_COUNTERS:
        exhaust(group, setting, "10.0.0.1")
        exhaust(group, setting, "10.0.0.2")
    ratelimits.unlock(mobile="13800138000", username="Reviewer_A", ip="10.0.0.1")
    assert not any(is_limited(group, setting, "13800138000") for group, setting in MOBILE_COUNTERS)
    assert not is_limited("login:account", "LOGIN_FAILURES_PER_ACCOUNT", "reviewer_a")
    assert not any(is_limited(group, setting, "10.0.0.1") for group, setting in IP_COUNTERS)
    assert all(is_limited(group, setting, "13900139000") for group, setting in MOBILE_COUNTERS)
    assert all(is_limited(group, setting, "10.0.0.2") for group, setting in IP_COUNTERS)


def fail_sign_in(client, login, times, ip="10.5.5.5"):
    for _ in range(times):
        client.post(LOGIN, {"login": login, "password": "wrong-password"}, REMOTE_ADDR=ip)


def test_unlock_a_locked_account_from_the_user_list(client, operator):
    locked = EmployerUserFactory(mobile="13800138000")
    reviewer = ReviewerUserFactory(username="reviewer_b")
    fail_sign_in(client, "13800138000", 5)
    fail_sign_in(client, "reviewer_b", 5)
    client.force_login(operator)
    page = client.post(USERS, {"action": "unlock_selected", ACTION_CHECKBOX_NAME: [locked.pk, reviewer.pk]})
    assert page.status_code == 200 and "解除原因" in page.text
    done = client.post(USERS, {"action": "unlock_selected", ACTION_CHECKBOX_NAME: [locked.pk, reviewer.pk],
                               "apply": "1", "reason": "本人来电核实"}, follow=True)
    assert "已解除 2 个账号的登录与短信频率限制" in done.text
    client.logout()
    for user in (locked, reviewer):
        response = client.post(LOGIN, {"login": user.mobile or user.username, "password": PASSWORD}, REMOTE_ADDR="10.6.6.6")
        assert response.status_code == 302, response.content.decode()
        client.logout()
    events = AuditEvent.objects.filter(action="ratelimit.unlock", actor=operator)
    assert sorted(events.values_list("target_id", flat=True)) == sorted([str(locked.pk), str(reviewer.pk)])
    assert events.get(target_id=str(locked.pk)).detail == {"mobile": "138****8000", "ip": "", "reason": "本人来电核实"}


def test_unlock_an_unregistered_number_or_an_address(client, operator):
    exhaust("sms:mobile-day", "SMS_RATE_PER_MOBILE_DAY", "13700137000")
    exhaust("login:ip", "LOGIN_FAILURES_PER_IP", "10.7.7.7")
    page = client.get(UNLOCK)
    assert page.status_code == 200 and "手机号" in page.text and "IP地址" in page.text
    assert "解除频率限制" in client.get(USERS).text
    response = client.post(UNLOCK, {"mobile": "+86 137 0013 7000", "ip": "10.7.7.7", "reason": "学校统一出口"})
    assert response.status_code == 302
    assert not is_limited("sms:mobile-day", "SMS_RATE_PER_MOBILE_DAY", "13700137000")
    assert not is_limited("login:ip", "LOGIN_FAILURES_PER_IP", "10.7.7.7")
    event = AuditEvent.objects.get(action="ratelimit.unlock")
    assert event.target_id == str(operator.pk) and event.detail["ip"] == "10.7.7.7"


def test_refused_unlocks_clear_nothing(client, operator):
    exhaust("login:ip", "LOGIN_FAILURES_PER_IP", "10.8.8.8")
    for data, message in (
        ({"mobile": "", "ip": "", "reason": "x"}, "请填写要解除限制的手机号或IP地址"),
        ({"ip": "10.8.8.8", "reason": ""}, "请填写解除原因"),
        ({"ip": "10.8.8.999", "reason": "x"}, "请输入正确的IP地址"),
        ({"mobile": "12345", "reason": "x"}, "手机号"),
    ):
        response = client.post(UNLOCK, data)
        assert response.status_code == 200 and message in response.text
    assert is_limited("login:ip", "LOGIN_FAILURES_PER_IP", "10.8.8.8")
    assert not AuditEvent.objects.exists()


def test_only_operators_who_may_change_users_unlock(client):
    exhaust("login:ip", "LOGIN_FAILURES_PER_IP", "10.9.9.9")
    viewer = UserFactory(role=Role.ADMIN, mobile=None, username="viewer", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_user"))
    client.force_login(viewer)
    assert client.post(UNLOCK, {"ip": "10.9.9.9", "reason": "x"}).status_code == 403
    with pytest.raises(NotFound):
        services.rate_limits_unlock(actor=EmployerUserFactory(), ip="10.9.9.9", reason="x")
    assert is_limited("login:ip", "LOGIN_FAILURES_PER_IP", "10.9.9.9")
    assert not AuditEvent.objects.exists()
