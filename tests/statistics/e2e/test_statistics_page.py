"""落实率统计 in the browser: a school reviewer opens it from the menu, sees the charts by their accessible names, and
downloads the export, which holds the numbers of the page; on a 375 px screen the charts fit the width."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.contracts.e2e.test_signing_flow import sign_in
from tests.exports.conftest import read_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_school_reviewer_sees_the_charts_and_downloads_the_export(page, cast, roster):
    sign_in(page, cast.school_reviewer.username)
    page.get_by_role("link", name="落实率统计").click()
    expect(page.get_by_role("heading", name="落实率统计", exact=True)).to_be_visible()
    expect(page.get_by_label("毕业年份")).to_have_value("2026")
    rates = page.get_by_role("img", name="各院系落实率")
    expect(rates).to_be_visible()
    expect(rates).to_have_accessible_description("各院系落实率：数学学院 0.0%；计算机学院 66.7%。")
    expect(page.get_by_role("img", name="各院系毕业去向构成")).to_be_visible()
    total = page.get_by_role("table").first.locator("tfoot tr")
    expect(total.get_by_role("cell").last).to_have_text("40.0%")

    with page.expect_download() as download_info:
        page.get_by_role("button", name="导出Excel").click()
    download = download_info.value
    assert download.suggested_filename == f"落实率统计-2026届-{timezone.localdate():%Y%m%d}.xlsx"
    with open(download.path(), "rb") as file:
        book = read_xlsx(file.read())
    assert book.body[-1][1:5] == ["全部院系", "合计", "全部", 10]
    assert book.body[-1][book.header.index("落实率（%）")] == 40
    expect(page.get_by_role("heading", name="落实率统计", exact=True)).to_be_visible()

    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    box = page.locator("#chart-mix").bounding_box()
    assert box is not None and 250 < box["width"] <= 375 - 16
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
