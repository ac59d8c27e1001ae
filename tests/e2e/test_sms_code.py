"""免费获取 in the browser: the countdown is per mobile number, so a mistyped number is corrected without waiting."""

import re

import pytest
from playwright.sync_api import expect

from signing_platform.sms.models import OutboxMessage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_correcting_a_mistyped_mobile_does_not_wait_for_the_countdown(page):
    page.goto("/accounts/register/")
    page.get_by_label("手机号").fill("13800138001")
    page.get_by_role("button", name="免费获取").click()
    expect(page.get_by_role("button", name=re.compile(r"\d+秒后重新获取"))).to_be_disabled()

    page.get_by_label("手机号").fill("13800138000")
    page.get_by_role("button", name="免费获取").click()
    expect(page.get_by_text("验证码已发送，5分钟内有效")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"\d+秒后重新获取"))).to_be_disabled()
    assert set(OutboxMessage.objects.values_list("mobile", flat=True)) == {"13800138001", "13800138000"}

    # Back to the first number: the server answers with what is left of that number's wait.
    page.get_by_label("手机号").fill("13800138001")
    page.get_by_role("button", name="免费获取").click()
    expect(page.get_by_text(re.compile(r"验证码发送过于频繁，请\d+秒后再试"))).to_be_visible()
    assert OutboxMessage.objects.count() == 2
