"""The pages that take an SMS code: one flow, one code control, a resend wait per mobile number, and the pages
that must not reveal who has an account (忘记密码, 子账号设置密码) answering alike for any number."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from signing_platform.sms.models import OutboxMessage, SmsCode
from tests.employers.factories import UnitMemberFactory
from tests.factories import EmployerUserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NEW = "Xinmima#2027"
ANONYMOUS_PAGES = ["accounts:register", "accounts:password_reset", "employers:sub_account_password", "students:activate"]


@pytest.mark.parametrize("page", ANONYMOUS_PAGES + ["employers:mobile_change"])
def test_every_code_page_has_the_one_code_control(client, page):
    if page == "employers:mobile_change":
        client.force_login(EmployerUserFactory())
    html = client.get(reverse(page)).content.decode()
    assert html.count('id="sms-code-control"') == 1
    assert 'for="id_code"' in html and 'name="send_code"' in html and "免费获取" in html


@pytest.mark.parametrize("page", ANONYMOUS_PAGES)
def test_free_code_with_htmx_swaps_only_the_control(ask_code, page):
    html = ask_code(reverse(page), "13800138000", **HTMX).content.decode()
    assert html.lstrip().startswith('<div class="field required code-control')
    assert "<html" not in html and "验证码已发送" in html and 'data-countdown="60"' in html


@pytest.mark.parametrize("page", ANONYMOUS_PAGES)
def test_free_code_without_javascript_rerenders_the_page_keeping_what_was_typed(ask_code, page):
    html = ask_code(reverse(page), "138 0013 8000", name="周同").content.decode()
    assert "<html" in html and 'value="138 0013 8000"' in html and "验证码已发送" in html
    assert "60秒后重新获取" in html
    if page == "students:activate":
        assert 'value="周同"' in html


def test_a_corrected_mobile_gets_its_code_at_once(ask_code):
    url = reverse("accounts:register")
    ask_code(url, "13800138001", **HTMX)
    html = ask_code(url, "13800138000", **HTMX).content.decode()
    assert "验证码已发送" in html and 'data-countdown="60"' in html
    assert set(OutboxMessage.objects.values_list("mobile", flat=True)) == {"13800138001", "13800138000"}


def test_the_countdown_is_the_wait_left_for_that_mobile(client, ask_code, clock):
    url = reverse("accounts:register")
    ask_code(url, "13800138000", **HTMX)
    clock.advance(seconds=20)
    html = ask_code(url, "13800138000", **HTMX).content.decode()
    assert "验证码发送过于频繁，请40秒后再试" in html and 'data-countdown="40"' in html
    # A page shown again (here: a submit with a wrong confirmation) counts down for the mobile typed in it.
    clock.advance(seconds=15)
    response = client.post(url, {"mobile": "13800138000", "code": "123456", "password1": NEW, "password2": "x"})
    assert 'data-countdown="25"' in response.content.decode()
    assert 'data-countdown' not in client.get(url).content.decode()
    assert SmsCode.objects.count() == 1


def test_the_wait_does_not_follow_the_browser_session(client, ask_code, clock):
    url = reverse("accounts:register")
    ask_code(url, "13800138000", **HTMX)
    client.cookies.clear()
    assert "请60秒后再试" in ask_code(url, "13800138000", **HTMX).content.decode()


# 忘记密码 and 子账号设置密码: a registered (or awaiting) mobile and an unknown one get the same answers after the
# same work. Each case: the page, and a function making `mobile` the one that has an account there.
def registered_user(mobile):
    EmployerUserFactory(mobile=mobile)


def sub_account_awaiting_password(mobile):
    member = UnitMemberFactory(user__mobile=mobile)
    member.user.set_unusable_password()
    member.user.save()


HIDING_PAGES = [("accounts:password_reset", registered_user), ("employers:sub_account_password", sub_account_awaiting_password)]
KNOWN, UNKNOWN = "13800138000", "13900139000"


def same_page(html: str, mobile: str) -> str:
    """The page with what differs by nature removed: the echoed mobile and the per-render CSRF tokens."""
    html = html.replace(mobile, "<mobile>")
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', r"\1<token>", html)


def answer(call, mobile, capture_on_commit):
    """The page `call(mobile)` answers, and the queries the request made. Work queued for after the commit (the
    delivery task: a worker's, not the request's) runs after the count."""
    with capture_on_commit() as queued, CaptureQueriesContext(connection) as queries:
        response = call(mobile)
    for enqueue in queued:
        enqueue()
    assert response.status_code == 200
    return same_page(response.content.decode(), mobile), len(queries)


@pytest.mark.parametrize(("page", "make_account"), HIDING_PAGES)
@pytest.mark.parametrize("headers", [HTMX, {}], ids=["htmx", "no-js"])
def test_free_code_answers_alike_for_a_mobile_with_and_without_account(
    client, ask_code, clock, page, make_account, headers, django_capture_on_commit_callbacks
):
    make_account(KNOWN)
    url = reverse(page)
    ask_code(url, "13700137000", **headers)  # warm up whatever is loaded once per process

    def press(mobile):
        return client.post(url, {"mobile": mobile, "send_code": "1"}, **headers)

    known = answer(press, KNOWN, django_capture_on_commit_callbacks)
    unknown = answer(press, UNKNOWN, django_capture_on_commit_callbacks)
    assert "验证码已发送" in known[0]
    assert known == unknown
    assert OutboxMessage.objects.filter(mobile=KNOWN).exists()
    assert not OutboxMessage.objects.filter(mobile=UNKNOWN).exists()


@pytest.mark.parametrize(("page", "make_account"), HIDING_PAGES)
def test_a_wrong_code_answers_alike_for_a_mobile_with_and_without_account(
    client, ask_code, outbox_code, clock, page, make_account, django_capture_on_commit_callbacks
):
    make_account(KNOWN)
    url = reverse(page)
    for mobile in (KNOWN, UNKNOWN):
        ask_code(url, mobile)
    wrong = "000000" if outbox_code(KNOWN) != "000000" else "111111"

    def submit(mobile):
        return client.post(url, {"mobile": mobile, "code": wrong, "password1": NEW, "password2": NEW})

    known = answer(submit, KNOWN, django_capture_on_commit_callbacks)
    unknown = answer(submit, UNKNOWN, django_capture_on_commit_callbacks)
    assert "验证码错误，还可尝试4次" in known[0]
    assert known == unknown
    assert set(SmsCode.objects.values_list("failed_attempts", flat=True)) == {1}
