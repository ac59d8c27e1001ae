"""The whole signing flow in the browser: employer → student → college → school → 已签约."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, login):
    page.goto("/accounts/login/")
    page.get_by_label("手机号/用户名").fill(login)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


def sign_out(page):
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()


def test_invite_accept_review_and_sign(page, cast, invite):
    # Another unit invited the same student earlier: that invitation lapses when this one is signed.
    invite(unit_user=cast.other_employer)
    entry = cast.graduate

    sign_in(page, cast.employer.mobile)
    page.goto("/employer/signing/")
    page.get_by_role("link", name="添加学生").click()
    dialog = page.get_by_role("dialog", name="添加学生")
    dialog.get_by_label("学生姓名").fill(entry.name)
    dialog.get_by_label("身份证号").fill(entry.id_number())
    dialog.get_by_label("毕业院校").select_option(label=entry.school.name)
    dialog.get_by_role("button", name="搜索").click()
    expect(dialog.get_by_text("加入收藏夹后信息不可变更")).to_be_visible()
    dialog.get_by_role("button", name="加入收藏夹").click()

    expect(page.get_by_role("link", name=re.compile("学生收藏夹"))).to_have_attribute("aria-current", "page")
    page.get_by_role("link", name="发送邀请函").click()
    invitation = page.get_by_role("dialog", name="签约邀请函")
    invitation.get_by_label("拟录用职位类别").select_option(label=cast.job_category.name)
    invitation.get_by_label("拟录用岗位名称").fill("后端开发工程师")
    invitation.get_by_label("应约有效期").fill("7")
    invitation.get_by_label("签约联系人").select_option(index=1)
    invitation.get_by_role("button", name="发送邀请函").click()
    expect(page.get_by_text("邀请函发出后，请在“签约中”状态查看记录")).to_be_visible()
    expect(page.get_by_role("cell", name="等待学生应约")).to_be_visible()
    sign_out(page)

    sign_in(page, cast.student.mobile)
    page.goto("/student/invitations/")
    page.get_by_role("row", name=re.compile("后端开发工程师")).get_by_role("link", name="应约").click()
    expect(page.get_by_text("应约具有约束力")).to_be_visible()
    page.get_by_label("我已核对本人信息无误").check()
    page.get_by_label(re.compile("我已知晓")).check()
    page.get_by_label("我确认档案转寄至上述档案接收单位").check()
    page.get_by_role("button", name="确认应约").click()
    expect(page.get_by_text("已应约，签约申请已提交学校审核")).to_be_visible()
    sign_out(page)

    for reviewer in (cast.college_reviewer, cast.school_reviewer):
        sign_in(page, reviewer.username)
        page.goto("/school/review/")
        page.get_by_role("row", name=re.compile(entry.name)).get_by_role("link", name="查看详情").click()
        page.get_by_role("button", name="审核通过", exact=True).click()
        expect(page.get_by_text(f"已审核通过：{entry.name}")).to_be_visible()
        sign_out(page)

    sign_in(page, cast.employer.mobile)
    page.goto("/employer/signing/?tab=signed")
    row = page.get_by_role("row", name=re.compile(entry.name))
    expect(row.get_by_role("cell", name="签约完成")).to_be_visible()
    row.get_by_role("link", name="查看详情").click()
    steps = page.get_by_role("dialog").get_by_role("list", name="签约进度").get_by_role("listitem")
    expect(steps).to_have_count(4)
    for index, label in enumerate(["单位已发起邀请", "等待学生应约", "学校(学院)审核", "签约完成"]):
        expect(steps.nth(index)).to_contain_text(label)
        expect(steps.nth(index).locator("time")).to_have_count(1)
    expect(page.get_by_role("dialog").get_by_role("link", name="下载就业协议书（PDF）")).to_be_visible()
    page.keyboard.press("Escape")
    sign_out(page)

    sign_in(page, cast.other_employer.mobile)
    page.goto("/employer/signing/?tab=void")
    expect(page.get_by_role("row", name=re.compile(entry.name)).get_by_role("cell", name="已失效")).to_be_visible()
