"""毕业去向 in the browser: a graduate registers 801 with a proof, the college returns it with a reason, the graduate
corrects it, the college and the school approve, the public check confirms it by 核验编号; and the QR code of an
agreement PDF opens the agreement check."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.contracts.e2e.test_signing_flow import sign_in, sign_out
from tests.students.conftest import png_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_801_return_correct_approve_and_verify(page, cast, code_lists, invite, sign, second_graduate):
    name = cast.graduate.name

    sign_in(page, cast.student.mobile)
    page.get_by_role("link", name="毕业去向", exact=True).click()
    expect(page.locator(".destination-state")).to_have_text("未落实")
    page.get_by_role("link", name="登记毕业去向").click()
    # htmx swaps in the fields of the chosen code (the URL follows).
    page.get_by_label("毕业去向").select_option("801")
    expect(page.get_by_label("录取院校")).to_be_visible()
    expect(page).to_have_url(re.compile(r"code=801"))
    page.get_by_label("录取院校").fill("示例科技大学")
    page.get_by_label("录取专业").fill("计算机技术")
    page.get_by_label("录取通知书或拟录取名单截图").set_input_files(
        {"name": "offer.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("毕业去向登记已提交，等待学院审核")).to_be_visible()
    expect(page.locator(".destination-state")).to_have_text("待学院审核")
    sign_out(page)

    sign_in(page, cast.college_reviewer.username)
    page.get_by_role("link", name="毕业去向审核").click()
    page.get_by_role("row", name=re.compile(name)).get_by_role("link", name="查看详情").click()
    proof = page.get_by_role("img", name=re.compile("录取通知书"))
    expect(proof).to_be_visible()
    # The proof really is shown: the image loads and decodes (a broken one keeps naturalWidth 0 and times out here).
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=proof.element_handle())
    page.get_by_label("退回原因").fill("录取专业与录取通知书不符")
    page.get_by_role("button", name="退回修改").click()
    expect(page.get_by_text(f"已退回修改：{name}")).to_be_visible()
    sign_out(page)

    sign_in(page, cast.student.mobile)
    page.get_by_role("link", name="毕业去向", exact=True).click()
    expect(page.locator(".destination-state")).to_have_text("退回修改")
    expect(page.get_by_text("录取专业与录取通知书不符").first).to_be_visible()
    page.get_by_role("link", name="修改后重新提交").click()
    expect(page.get_by_label("录取院校")).to_have_value("示例科技大学")
    page.get_by_label("录取专业").fill("计算机科学与技术")
    page.get_by_role("button", name="提交审核").click()  # the proof of the returned request is kept
    expect(page.locator(".destination-state")).to_have_text("待学院审核")
    sign_out(page)

    for reviewer in (cast.college_reviewer, cast.school_reviewer):
        sign_in(page, reviewer.username)
        page.get_by_role("link", name="毕业去向审核").click()
        page.get_by_role("row", name=re.compile(name)).get_by_role("link", name="查看详情").click()
        expect(page.get_by_text("计算机科学与技术")).to_be_visible()
        page.get_by_role("button", name="审核通过").click()
        expect(page.get_by_text(f"已审核通过：{name}")).to_be_visible()
        sign_out(page)

    sign_in(page, cast.student.mobile)
    page.get_by_role("link", name="毕业去向", exact=True).click()
    expect(page.locator(".destination-state")).to_have_text("已落实")
    number = page.locator(".verification-no").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", number)
    sign_out(page)

    page.goto("/")
    page.get_by_role("link", name="毕业去向核验").click()
    page.get_by_label("姓名").fill(name)
    page.get_by_label("核验编号").fill(number.lower())
    page.get_by_role("button", name="核验").click()
    result = page.locator(".verify-outcome")
    expect(result).to_contain_text("有效")
    expect(result).to_contain_text("升学")
    expect(result).to_contain_text("示例科技大学")
    expect(result).not_to_contain_text(name)
    page.get_by_label("姓名").fill("不是本人")
    page.get_by_label("核验编号").fill(number)
    page.get_by_role("button", name="核验").click()
    expect(page.locator(".verify-outcome")).to_have_text("未查询到匹配的记录，请核对输入的信息后重试")

    # The agreement PDF's QR code carries the URL of its check: opening it shows the agreement.
    contract = invite(favorite=second_graduate.favorite)
    contract = sign(contract, student=second_graduate.student)
    sign_in(page, cast.employer.mobile)
    pdf = page.request.get(f"/contracts/{contract.pk}/agreement.pdf")
    assert pdf.ok
    reader = PdfReader(io.BytesIO(pdf.body()))
    [annotation] = reader.pages[-1]["/Annots"]
    url = annotation.get_object()["/A"]["/URI"]
    assert contract.agreement_no in url and contract.verification_code in url
    assert len(reader.pages[-1].images) == 1
    sign_out(page)
    page.goto(url)
    expect(page.get_by_role("heading", name="协议书核验")).to_be_visible()
    result = page.locator(".verify-outcome")
    expect(result).to_contain_text("签约完成")
    expect(result).to_contain_text(cast.unit.name)
