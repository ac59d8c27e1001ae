"""A school reviewer imports a roster from Excel in the browser; a graduate activates and confirms their data."""

import pytest
from django.db import connection
from openpyxl import Workbook
from playwright.sync_api import expect

from schools.models import Graduate
from tests.e2e.test_employer_registration import read_code_from_outbox
from tests.factories import PASSWORD
from tests.schools.factories import CollegeFactory, SchoolFactory, SchoolReviewerFactory, make_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADER = ["姓名", "身份证号", "学号", "性别", "学历层次", "专业", "专业类", "院系", "毕业年份", "手机号"]
ID_NUMBER = make_id_number(42)
MOBILE = "13700139000"
NEW_PASSWORD = "Biye#2026ok"


def sign_in(page, login, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("手机号/用户名").fill(login)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_import_activate_confirm_and_no_id_number_in_clear(page, tmp_path):
    school = SchoolFactory(name="示例理工大学", code="10001")
    CollegeFactory(school=school, name="计算机学院")
    reviewer = SchoolReviewerFactory(school=school)
    roster = Workbook()
    roster.active.append(HEADER)
    roster.active.append(["孙悟", ID_NUMBER, "2022000042", "男", "本科", "软件工程", "计算机类", "计算机学院", 2026, ""])
    roster.active.append(["猪八", make_id_number(43), "2022000043", "男", "本科", "软件工程", "计算机类", "计算机学院", 2026, ""])
    path = tmp_path / "roster.xlsx"
    roster.save(path)

    sign_in(page, reviewer.user.username)
    page.get_by_role("link", name="生源导入").click()
    page.get_by_label("生源文件").set_input_files(path)
    page.get_by_role("button", name="开始导入").click()
    expect(page.get_by_text("导入完成：新增 2 条")).to_be_visible()
    page.get_by_role("link", name="生源信息").first.click()
    page.get_by_label("身份证号").fill(ID_NUMBER)
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_text("共 1 条")).to_be_visible()
    expect(page.get_by_role("cell", name=ID_NUMBER[:6] + "********" + ID_NUMBER[-4:])).to_be_visible()
    assert ID_NUMBER not in page.url
    page.get_by_role("button", name="退出登录").click()

    page.goto("/")
    page.get_by_role("link", name="毕业生激活账号").click()
    page.get_by_label("姓名").fill("孙悟")
    page.get_by_label("身份证号").fill(ID_NUMBER)
    page.get_by_label("毕业院校").select_option(label="示例理工大学")
    page.get_by_label("手机号").fill(MOBILE)
    page.get_by_role("button", name="免费获取").click()
    expect(page.get_by_text("验证码已发送，5分钟内有效")).to_be_visible()
    page.get_by_label("短信验证码").fill(read_code_from_outbox(page))
    page.get_by_label("密码", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("密码确认").fill(NEW_PASSWORD)
    page.get_by_role("button", name="立即开通").click()

    expect(page.get_by_role("heading", name="信息确认")).to_be_visible()
    expect(page.get_by_text(ID_NUMBER)).to_be_visible()
    page.get_by_role("button", name="信息确认，进入系统").click()
    expect(page.get_by_role("heading", name="我的签约")).to_be_visible()
    page.get_by_role("link", name="个人信息").click()
    expect(page.get_by_text("软件工程", exact=True)).to_be_visible()

    assert Graduate.objects.get(name="孙悟").confirmed_at is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM schools_graduate")
        dump = repr(cursor.fetchall())
    assert ID_NUMBER not in dump and ID_NUMBER[:17] not in dump
