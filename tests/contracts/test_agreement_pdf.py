"""就业协议书 PDF: the CJK font ships with the project and is embedded; one page; a terminated agreement says it is void."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from contracts import services
from contracts.models import Contract, ContractEvent
from contracts.pdf import FONT, FONT_FILE, render_agreement

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed(cast, invite, sign):
    return sign(invite(post_name="软件工程师 <R&D>", remarks="试用期三个月 & 五险一金"))


def pdf_of(client, user, contract) -> PdfReader:
    client.force_login(user)
    response = client.get(reverse("contracts:agreement_pdf", args=[contract.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(response.content))


def text_of(reader: PdfReader) -> str:
    return "".join(page.extract_text() for page in reader.pages)


def fonts_of(reader: PdfReader) -> set[str]:
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font).get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            names.add((str(font["/BaseFont"]), embedded))
    return names


def test_the_font_file_ships_with_the_project_and_is_small_enough():
    assert FONT_FILE.is_file() and FONT_FILE.stat().st_size < 10 * 1024 * 1024
    assert (FONT_FILE.parent / "LICENSE-wqy-microhei.txt").is_file()


def test_a_signed_agreement_embeds_the_shipped_font_on_one_page(client, cast, signed):
    reader = pdf_of(client, cast.employer, signed)
    assert len(reader.pages) == 1
    fonts = fonts_of(reader)
    # A subset of the shipped font, embedded (a name like AAAAAA+WenQuanYiMicroHei-0); no CID font left to the viewer.
    assert any(FONT in name and embedded for name, embedded in fonts), fonts
    assert not any("STSong" in name for name, _ in fonts)
    text = text_of(reader)
    for part in ("全国普通高等学校毕业生就业协议书", "越综合企业", "张三", "示例理工大学", "签约与审核", signed.agreement_no):
        assert part in text
    # User text is printed as typed, not read as markup.
    assert "软件工程师 <R&D>" in text and "试用期三个月 & 五险一金" in text
    assert "本协议已失效" not in text


def test_the_approvals_table_stays_with_its_heading_when_the_agreement_runs_long(cast, signed):
    # The longest free text the invitation form takes pushes the end of the agreement to a second page: the
    # approvals go there with their heading and the 档案 section, never alone.
    Contract.objects.filter(pk=signed.pk).update(
        remarks="很长的备注。" * 83, work_location="很长的工作地点" * 14, salary="面议" * 25
    )
    reader = PdfReader(io.BytesIO(render_agreement(Contract.objects.get(pk=signed.pk))))
    assert len(reader.pages) > 1
    pages = [page.extract_text() for page in reader.pages]
    holding_heading = [index for index, text in enumerate(pages) if "签约与审核" in text]
    assert len(holding_heading) == 1
    assert "学校审核通过" in pages[holding_heading[0]]
    # No page holds only the approvals: the page with them also carries other parts of the agreement.
    assert any(part in pages[holding_heading[0]] for part in ("档案接收信息", "很长的备注"))


def test_a_terminated_agreement_says_it_is_no_longer_in_force(client, cast, signed):
    services.request_termination(actor=cast.student, contract=signed, reason="考取研究生")
    services.answer_termination(actor=cast.employer, contract=signed, agree=True)
    services.review_termination(actor=cast.school_reviewer, contract=signed, approve=True)
    approved = ContractEvent.objects.get(contract=signed, action=ContractEvent.Action.TERMINATION_APPROVE)
    reader = pdf_of(client, cast.student, signed)
    text = text_of(reader)
    day = timezone.localtime(approved.created_at).strftime("%Y-%m-%d")
    assert f"已解约，本协议已失效（解约日期：{day}）" in text
    # The watermark is on the page too (drawn text, so extract_text finds it a second time).
    assert text.count("本协议已失效") >= 2
    assert "学校同意解约" in text
