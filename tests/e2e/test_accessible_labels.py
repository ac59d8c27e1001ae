"""Browser: the required-field mark (*) is not part of a field's accessible name, so a screen reader says "手机号"."""

import pytest
from playwright.sync_api import expect

from tests.employers.factories import EmployerFactory, seed_code_lists
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_required_fields_are_found_by_their_exact_label_and_still_show_the_mark(page):
    page.goto("/accounts/register/")
    for label in ("姓名", "手机号", "短信验证码", "密码", "密码确认"):
        field = page.get_by_label(label, exact=True)
        expect(field).to_have_count(1)
        # The control itself says it is required (the form is novalidate, so this only informs).
        expect(field).to_have_attribute("required", "")
    # Sighted users still see the mark beside the label.
    mark = page.locator(".field.required .required-mark").first
    expect(mark).to_be_visible()
    expect(mark).to_have_text("*")
    expect(mark).to_have_attribute("aria-hidden", "true")


def test_the_mark_on_a_radio_group_legend_is_not_in_its_name(page):
    seed_code_lists()
    member = EmployerFactory()
    page.goto("/accounts/login/")
    page.get_by_label("手机号/用户名", exact=True).fill(member.user.mobile)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto("/employer/archive/")
    expect(page.get_by_role("group", name="是否具有人事档案管理权限", exact=True)).to_have_count(1)
    expect(page.get_by_label("档案接收单位名称", exact=True)).to_have_count(1)
