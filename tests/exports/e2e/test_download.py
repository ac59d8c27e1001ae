"""导出Excel in the browser: the employer filters 签约解约 and downloads what the list shows."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.contracts.e2e.test_signing_flow import sign_in
from tests.exports.conftest import read_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_employer_downloads_the_filtered_signing_tab(page, cast, invite, second_graduate):
    invite(post_name="后端开发工程师")
    invite(favorite=second_graduate.favorite, post_name="测试工程师")
    sign_in(page, cast.employer.mobile)
    page.goto("/employer/signing/")
    page.get_by_label("学生姓名").fill("李")
    page.get_by_role("button", name="搜索").click()
    expect(page).to_have_url(re.compile(r"name=%E6%9D%8E"))
    expect(page.get_by_text("共 1 条")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="导出Excel").click()
    download = download_info.value
    assert download.suggested_filename == f"签约解约-签约中-{timezone.localdate():%Y%m%d}.xlsx"
    with open(download.path(), "rb") as file:
        book = read_xlsx(file.read())
    assert book.header[:3] == ["序号", "学生姓名", "证件号码"]
    assert book.body == [[1, "李四", second_graduate.entry.id_masked, "示例理工大学", "本科", "软件工程", "等待学生应约",
                          book.body[0][7], "测试工程师", "越综合企业联系人"]]
    # The page stays where it was.
    expect(page.get_by_role("heading", name="签约解约")).to_be_visible()


def test_a_large_export_is_downloaded_from_its_page(page, cast, invite, second_graduate, settings):
    settings.EXPORT_DIRECT_MAX_ROWS = 1
    invite()
    invite(favorite=second_graduate.favorite)
    sign_in(page, cast.employer.mobile)
    page.goto("/employer/signing/")
    page.get_by_role("button", name="导出Excel").click()
    expect(page.get_by_role("heading", name="导出Excel：签约解约-签约中")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("下载")).click()
    with open(download_info.value.path(), "rb") as file:
        assert {row[1] for row in read_xlsx(file.read()).body} == {"张三", "李四"}
    page.get_by_role("link", name="返回列表").click()
    expect(page.get_by_role("link", name=re.compile("签约中"))).to_have_attribute("aria-current", "page")
