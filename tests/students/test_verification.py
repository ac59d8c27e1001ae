"""毕业去向核验 and 协议书核验: public, nothing but what confirms the document, the same answer for any wrong input,
and a limit per client address."""

import io
import re

import pytest
import segno
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from contracts import services as contract_services
from students import services
from students.presentation import mask_name
from students.verification import NOT_FOUND, TOO_MANY

pytestmark = pytest.mark.django_db

VERIFY = "/verify/destination/"
AGREEMENT = "/verify/agreement/"


def check(client, name, number, **extra):
    return client.post(reverse("destinations:verify_destination"), {"name": name, "number": number}, **extra)


def shown(response) -> str:
    """The page's text below the form: the outcome and nothing else."""
    html = response.content.decode()
    return re.sub(r"<[^>]+>", " ", html.split("</form>", 1)[1].split("</main>", 1)[0])


@pytest.fixture
def confirmed(cast, register, confirm):
    return confirm(register("11"))


def test_urls_are_the_documented_ones():
    assert reverse("destinations:verify_destination") == VERIFY
    assert reverse("destinations:verify_agreement") == AGREEMENT


def test_a_confirmed_destination_is_verified_by_name_and_number_without_signing_in(client, cast, confirmed):
    response = check(client, cast.graduate.name, confirmed.verification_no_display.lower())
    assert response.status_code == 200
    text = shown(response)
    for value in ("有效", mask_name(cast.graduate.name), cast.school.name, "2026", "单位就业", "北京示例数据有限公司"):
        assert value in text
    # Nothing else of the graduate or the record.
    for secret in (cast.graduate.name, cast.graduate.id_masked, cast.college.name, cast.graduate.major,
                   confirmed.credit_code, "签劳动合同形式就业"):
        assert secret not in text


def test_a_wrong_name_and_a_wrong_number_get_the_same_answer(client, cast, confirmed):
    wrong_name = shown(check(client, "李四", confirmed.verification_no))
    other = confirmed.verification_no[:-1] + ("A" if confirmed.verification_no[-1] != "A" else "B")
    wrong_number = shown(check(client, cast.graduate.name, other))
    malformed = shown(check(client, cast.graduate.name, "0000"))
    both_wrong = shown(check(client, "李四", "ABCDEFGHJKLM"))
    assert NOT_FOUND in wrong_name
    assert wrong_name == wrong_number == malformed == both_wrong


def test_superseded_and_revoked_records_say_so(client, cast, register, confirm, confirmed):
    newer = confirm(register("801"))
    assert "已变更" in shown(check(client, cast.graduate.name, confirmed.verification_no))
    assert "有效" in shown(check(client, cast.graduate.name, newer.verification_no))
    operator = type(cast.employer).objects.create_user(role="admin", username="ops", password="x" * 12,
                                                       is_staff=True)
    services.operator_revoke(actor=operator, record=newer, reason="材料不实")
    assert "已撤销" in shown(check(client, cast.graduate.name, newer.verification_no))


def test_both_inputs_are_needed_and_an_empty_one_costs_no_try(client, cast, confirmed, settings):
    settings.VERIFY_RATE_PER_IP = "1/h"
    html = check(client, cast.graduate.name, "  ").content.decode()
    assert "请输入核验编号" in html and NOT_FOUND not in html
    assert "请输入姓名" in check(client, "", confirmed.verification_no).content.decode()
    assert "有效" in shown(check(client, cast.graduate.name, confirmed.verification_no))


def test_the_check_is_limited_per_client_address(client, cast, confirmed, settings):
    settings.VERIFY_RATE_PER_IP = "3/h"
    for _ in range(3):
        assert check(client, "李四", "ABCDEFGHJKLM", REMOTE_ADDR="10.1.1.1").status_code == 200
    limited = check(client, cast.graduate.name, confirmed.verification_no, REMOTE_ADDR="10.1.1.1")
    assert limited.status_code == 429 and TOO_MANY in shown(limited) and "有效" not in shown(limited)
    # The agreement check counts against the same limit; another address is not affected.
    assert client.get(AGREEMENT, {"no": "x", "code": "y"}, REMOTE_ADDR="10.1.1.1").status_code == 429
    assert "有效" in shown(check(client, cast.graduate.name, confirmed.verification_no, REMOTE_ADDR="10.1.1.2"))


def test_a_qr_scan_opens_the_form_with_the_number_and_costs_no_try(client, confirmed, settings):
    settings.VERIFY_RATE_PER_IP = "1/h"
    for _ in range(3):
        html = client.get(VERIFY, {"no": confirmed.verification_no}).content.decode()
        assert f'value="{confirmed.verification_no}"' in html and NOT_FOUND not in html


def test_the_name_never_lands_in_a_url(client):
    html = client.get(VERIFY).content.decode()
    assert re.search(r'<form method="post" action="/verify/destination/"', html)


# ---------------------------------------------------------------------------------------------- agreements


@pytest.fixture
def signed(cast, invite, sign):
    return sign(invite())


def test_an_agreement_is_verified_by_number_and_code(client, cast, signed):
    response = client.get(AGREEMENT, {"no": signed.agreement_no, "code": signed.verification_code.lower()})
    text = shown(response)
    assert response.status_code == 200 and "签约完成" in text
    for value in (cast.unit.name, mask_name(cast.graduate.name), cast.school.name, signed.post_name):
        assert value in text
    assert cast.graduate.name not in text and cast.graduate.id_masked not in text


def test_a_terminated_agreement_says_so(client, cast, signed):
    contract_services.request_termination(actor=cast.student, contract=signed, reason="考研")
    contract_services.answer_termination(actor=cast.employer, contract=signed, agree=True)
    assert "签约完成" in shown(client.get(AGREEMENT, {"no": signed.agreement_no, "code": signed.verification_code}))
    contract_services.review_termination(actor=cast.school_reviewer, contract=signed, approve=True)
    text = shown(client.get(AGREEMENT, {"no": signed.agreement_no, "code": signed.verification_code}))
    assert "已解约" in text and "解约时间" in text


def test_a_wrong_number_or_code_gets_the_same_answer(client, cast, signed):
    wrong_code = shown(client.get(AGREEMENT, {"no": signed.agreement_no, "code": "ZZZZZZZZ"}))
    wrong_no = shown(client.get(AGREEMENT, {"no": signed.agreement_no[:-1] + "9", "code": signed.verification_code}))
    assert NOT_FOUND in wrong_code and wrong_code == wrong_no


def test_an_agreement_under_review_has_nothing_to_verify(client, cast, invite):
    contract = invite()
    contract_services.accept(actor=cast.student, contract=contract)
    assert NOT_FOUND in shown(client.get(AGREEMENT, {"no": str(contract.pk), "code": contract.verification_code or "X"}))


def qr_matrix_of(image: Image.Image) -> list[list[bool]]:
    """Read the modules of a QR code image rendered with a 4-module quiet zone: its dark squares, row by row."""
    image = image.convert("L")
    width, _ = image.size
    dark_columns = [x for x in range(width) if any(image.getpixel((x, y)) < 128 for y in range(image.size[1]))]
    first, last = dark_columns[0], dark_columns[-1]
    # The finder pattern is 7 modules wide: the module size is its width / 7.
    run = next(x for x in range(first, width) if image.getpixel((x, first_dark_row(image))) >= 128) - first
    module = run / 7
    count = round((last - first + 1) / module)
    return [
        [image.getpixel((int(first + (col + 0.5) * module), int(first_dark_row(image) + (row + 0.5) * module))) < 128
         for col in range(count)]
        for row in range(count)
    ]


def first_dark_row(image) -> int:
    return next(y for y in range(image.size[1]) if any(image.getpixel((x, y)) < 128 for x in range(image.size[0])))


def test_the_agreement_pdf_qr_code_opens_the_agreement_check(client, cast, signed):
    client.force_login(cast.employer)
    response = client.get(reverse("contracts:agreement_pdf", args=[signed.pk]))
    reader = PdfReader(io.BytesIO(response.content))
    page = reader.pages[-1]
    [annotation] = page["/Annots"]
    url = annotation.get_object()["/A"]["/URI"]
    assert url == f"http://testserver{AGREEMENT}?no={signed.agreement_no}&code={signed.verification_code}"
    # The image in the PDF is the QR code of that URL, module for module.
    [image] = page.images
    expected = [[bool(module) for module in row] for row in segno.make(url, error="m", micro=False).matrix]
    assert qr_matrix_of(image.image) == expected
    client.logout()
    text = shown(client.get(url.removeprefix("http://testserver")))
    assert "签约完成" in text and cast.unit.name in text
