import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOBILE = "13800138000"
PASSWORD = "Zhaopin#2026"


def read_code_from_outbox(page) -> str:
    outbox = page.context.new_page()
    outbox.goto("/dev/outbox/")
    body = outbox.get_by_role("cell", name=re.compile("验证码为")).first.inner_text()
    outbox.close()
    return re.search(r"\d{6}", body).group()


def test_employer_registers_signs_out_and_back_in(page):
    page.goto("/")
    page.get_by_role("link", name="单位用户开通账号").click()
    page.get_by_label("姓名", exact=True).fill("赵经理")
    page.get_by_label("手机号", exact=True).fill("+86 138 0013 8000")
    page.get_by_role("button", name="免费获取").click()
    expect(page.get_by_role("button", name=re.compile(r"\d+秒后重新获取"))).to_be_disabled()
    expect(page.get_by_text("验证码已发送，5分钟内有效")).to_be_visible()

    page.get_by_label("短信验证码").fill(read_code_from_outbox(page))
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("密码确认").fill(PASSWORD)
    page.get_by_role("button", name="立即开通").click()

    expect(page.get_by_role("heading", name="单位用户联合认证")).to_be_visible()
    expect(page.locator(".user-name")).to_have_text("单位用户：赵经理")
    expect(page.get_by_text("请选择您本次要使用的系统").first).to_be_visible()
    page.get_by_role("button", name="下一步：身份认证").click()
    expect(page.get_by_role("heading", name="身份认证")).to_be_visible()

    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    page.get_by_label("手机号/用户名").fill(MOBILE)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="单位用户联合认证")).to_be_visible()


def test_registration_without_javascript_still_works(browser, live_server, settings):
    settings.DEBUG = True
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/accounts/register/")
    page.get_by_label("姓名", exact=True).fill("赵经理")
    page.get_by_label("手机号", exact=True).fill(MOBILE)
    page.get_by_role("button", name="免费获取").click()
    expect(page.get_by_text("验证码已发送，5分钟内有效")).to_be_visible()
    expect(page.get_by_label("手机号", exact=True)).to_have_value(MOBILE)
    expect(page.get_by_label("姓名", exact=True)).to_have_value("赵经理")
    page.get_by_label("短信验证码").fill(read_code_from_outbox(page))
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("密码确认").fill(PASSWORD)
    page.get_by_role("button", name="立即开通").click()
    expect(page.get_by_role("heading", name="单位用户联合认证")).to_be_visible()
    context.close()
