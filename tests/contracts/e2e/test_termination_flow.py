"""Termination in the browser: signed → employer requests → student agrees → school approves → 已解约; the student
is free to accept a new invitation."""

import re

import pytest
from playwright.sync_api import expect

from tests.contracts.e2e.test_signing_flow import sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_agree_approve_and_sign_again(page, cast, invite, sign):
    contract = sign(invite())
    entry = cast.graduate

    sign_in(page, cast.employer.mobile)
    page.goto("/employer/signing/?tab=signed")
    page.get_by_role("row", name=re.compile(entry.name)).get_by_role("link", name="查看详情").click()
    page.get_by_role("dialog").get_by_role("link", name="申请解约").click()
    form = page.get_by_role("dialog", name="申请解约")
    form.get_by_label("解约原因").fill("岗位调整，双方协商解约")
    form.get_by_role("button", name="提交解约申请").click()
    expect(page.get_by_text("解约申请已提交，等待对方确认")).to_be_visible()
    expect(page.get_by_role("cell", name="解约中（等待对方确认）")).to_be_visible()
    sign_out(page)

    sign_in(page, cast.student.mobile)
    page.goto("/student/")
    expect(page.get_by_text("岗位调整，双方协商解约")).to_be_visible()
    page.get_by_role("button", name="同意解约", exact=True).click()
    expect(page.get_by_text("已同意解约，等待学校审核")).to_be_visible()
    expect(page.get_by_text("解约中（待学校审核）")).to_be_visible()
    sign_out(page)

    sign_in(page, cast.school_reviewer.username)
    page.get_by_role("link", name="解约审核").click()
    page.get_by_role("row", name=re.compile(entry.name)).get_by_role("link", name="查看详情").click()
    steps = page.get_by_role("list", name="解约进度").get_by_role("listitem")
    expect(steps).to_have_count(4)
    page.get_by_role("button", name="同意解约", exact=True).click()
    expect(page.get_by_text(f"已同意解约：{entry.name}")).to_be_visible()
    sign_out(page)

    sign_in(page, cast.employer.mobile)
    page.goto("/employer/signing/?tab=terminated")
    row = page.get_by_role("row", name=re.compile(entry.name))
    expect(row.get_by_role("cell", name="已解约")).to_be_visible()
    row.get_by_role("link", name="查看详情").click()
    steps = page.get_by_role("dialog").get_by_role("list", name="解约进度").get_by_role("listitem")
    for index, label in enumerate(["申请解约", "对方确认", "学校审核", "解约完成"]):
        expect(steps.nth(index)).to_contain_text(label)
        expect(steps.nth(index).locator("time")).to_have_count(1)
    page.keyboard.press("Escape")
    sign_out(page)

    # Free again: another unit's invitation can be accepted.
    invite(unit_user=cast.other_employer, post_name="数据分析师")
    sign_in(page, cast.student.mobile)
    page.goto("/student/invitations/")
    page.get_by_role("row", name=re.compile("数据分析师")).get_by_role("link", name="应约").click()
    page.get_by_label("我已核对本人信息无误").check()
    page.get_by_label(re.compile("我已知晓")).check()
    # This unit has registered no 档案 receiver: the graduate is told what applies instead.
    page.get_by_label(re.compile("我已了解：该单位未登记档案接收信息")).check()
    page.get_by_role("button", name="确认应约").click()
    expect(page.get_by_text("已应约，签约申请已提交学校审核")).to_be_visible()
    assert contract.pk != cast.graduate.contracts.get(status="accepted").pk
