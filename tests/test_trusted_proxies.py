"""The client's address and scheme come from proxy headers only when the peer is a configured proxy (TRUSTED_PROXIES)."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import EmployerUserFactory

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
PROXY = "10.0.0.5"
SMS_LIMITED = "当前网络请求验证码过于频繁，请稍后再试"
LOGIN_LOCKED = "登录失败次数过多，请15分钟后再试"


def seen_by_the_app(**meta):
    """REMOTE_ADDR and scheme as every view and middleware after TrustedProxyMiddleware sees them."""
    from signing_platform.middleware import TrustedProxyMiddleware

    seen = {}

    def view(request):
        seen.update(ip=request.META["REMOTE_ADDR"], secure=request.is_secure(), meta=dict(request.META))
        return HttpResponse()

    TrustedProxyMiddleware(view)(RequestFactory().get("/", **meta))
    return seen


@pytest.fixture
def proxies(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "fd00::/8"]


def test_by_default_no_header_is_trusted():
    seen = seen_by_the_app(
        REMOTE_ADDR=ATTACKER, HTTP_X_REAL_IP="1.1.1.1", HTTP_X_FORWARDED_FOR="2.2.2.2", HTTP_X_FORWARDED_PROTO="https"
    )
    assert seen["ip"] == ATTACKER and not seen["secure"]
    # Nothing downstream can read the forged values any more.
    assert not {"HTTP_X_REAL_IP", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO"} & seen["meta"].keys()


def test_headers_from_a_peer_outside_the_trusted_networks_are_ignored(proxies):
    seen = seen_by_the_app(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="1.1.1.1", HTTP_X_FORWARDED_PROTO="https")
    assert seen["ip"] == ATTACKER and not seen["secure"]


def test_a_trusted_proxy_gives_the_client_address_and_scheme(proxies):
    seen = seen_by_the_app(REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="198.51.100.1", HTTP_X_FORWARDED_PROTO="https")
    assert seen["ip"] == "198.51.100.1" and seen["secure"]


def test_forwarded_for_is_read_from_the_right_skipping_trusted_hops(proxies):
    # The client wrote the first entry itself; our two proxies appended the client's real address and their own.
    seen = seen_by_the_app(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.9, 10.0.0.7")
    assert seen["ip"] == "198.51.100.9"
    assert seen_by_the_app(REMOTE_ADDR="fd00::1", HTTP_X_FORWARDED_FOR="2001:db8::5")["ip"] == "2001:db8::5"


def test_forwarded_for_wins_over_real_ip_and_garbage_is_not_an_address(proxies):
    assert seen_by_the_app(
        REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.9", HTTP_X_REAL_IP="198.51.100.1"
    )["ip"] == "198.51.100.9"
    assert seen_by_the_app(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="<script>, 10.0.0.8")["ip"] == "10.0.0.8"
    assert seen_by_the_app(REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="not-an-ip")["ip"] == PROXY


def test_the_scheme_is_the_one_our_proxy_saw_not_one_the_client_wrote(proxies):
    # A proxy that appends rather than replaces: the rightmost value is the one it added.
    assert not seen_by_the_app(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https, http")["secure"]
    assert seen_by_the_app(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")["secure"]


def test_a_bad_network_in_the_setting_stops_the_start():
    import subprocess
    import sys

    from django.conf import settings

    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, capture_output=True, text=True,
        env={"PATH": "/usr/bin:/bin", "TRUSTED_PROXIES": "10.0.0.0/8, nonsense"},
    )
    assert result.returncode != 0 and "TRUSTED_PROXIES" in result.stderr


# --- the limits that key on the client address -----------------------------------------------------------------


def ask_code(client, mobile, **meta):
    return client.post(reverse("accounts:register"), {"mobile": mobile, "send_code": "1"}, **meta)


def test_rotating_forged_headers_does_not_escape_the_sms_limit_per_address(client, settings, proxies):
    settings.SMS_RATE_PER_IP = "3/h"
    for i in range(3):
        response = ask_code(
            client, f"1380013800{i}", REMOTE_ADDR=ATTACKER, HTTP_X_REAL_IP=f"1.1.1.{i}", HTTP_X_FORWARDED_FOR=f"2.2.2.{i}"
        )
        assert SMS_LIMITED not in response.content.decode()
    response = ask_code(
        client, "13800138009", REMOTE_ADDR=ATTACKER, HTTP_X_REAL_IP="1.1.1.9", HTTP_X_FORWARDED_FOR="2.2.2.9"
    )
    assert SMS_LIMITED in response.content.decode()


def test_behind_a_trusted_proxy_each_client_has_its_own_sms_limit(client, settings, proxies):
    settings.SMS_RATE_PER_IP = "3/h"
    for i in range(4):
        response = ask_code(client, f"1380013800{i}", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
        assert SMS_LIMITED not in response.content.decode()
    for i in range(3):
        ask_code(client, f"1390013800{i}", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.50")
    response = ask_code(client, "13900138009", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.50")
    assert SMS_LIMITED in response.content.decode()


def sign_in(client, login, password, **meta):
    return client.post(reverse("accounts:login"), {"login": login, "password": password}, **meta)


def test_rotating_forged_headers_does_not_escape_the_sign_in_limit_per_address(client, settings, proxies):
    settings.LOGIN_FAILURES_PER_IP = "3/h"
    EmployerUserFactory(mobile="13800138000")
    for i in range(3):
        sign_in(client, f"1390013{i:04d}", "wrong", REMOTE_ADDR=ATTACKER, HTTP_X_REAL_IP=f"1.1.1.{i}")
    response = sign_in(client, "13800138000", "Test#2026pass", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR="3.3.3.3")
    assert LOGIN_LOCKED in response.content.decode() and "_auth_user_id" not in client.session


def test_behind_a_trusted_proxy_the_sign_in_limit_is_per_client(client, settings, proxies):
    from tests.factories import PASSWORD

    settings.LOGIN_FAILURES_PER_IP = "3/h"
    EmployerUserFactory(mobile="13800138000")
    for i in range(3):
        sign_in(client, f"1390013{i:04d}", "wrong", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    locked = sign_in(client, "13800138000", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert LOGIN_LOCKED in locked.content.decode()
    other = sign_in(client, "13800138000", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert other.status_code == 302


# --- the scheme: HSTS and the HTTPS redirect ----------------------------------------------------------------------


@pytest.fixture
def production_security(settings):
    settings.DEBUG = False
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_SSL_REDIRECT = False


def test_forged_https_from_an_untrusted_peer_gets_no_hsts(client, production_security, proxies):
    response = client.get(reverse("accounts:login"), REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200 and "Strict-Transport-Security" not in response


def test_https_from_a_trusted_proxy_gets_hsts(client, production_security, proxies):
    response = client.get(reverse("accounts:login"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200 and response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_forged_https_is_still_redirected_to_https(client, production_security, settings, proxies):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(reverse("accounts:login"), REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301 and response["Location"].startswith("https://")
    assert client.get(reverse("accounts:login"), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https").status_code == 200
