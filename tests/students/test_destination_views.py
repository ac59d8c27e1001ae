"""毕业去向 pages: the graduate registers, corrects and withdraws; reviewers review with the proof in view."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from contracts import services as contract_services
from contracts.models import JobCategory
from employers.models import Industry, Region, UnitNature
from students import services
from students.models import DestinationEvent, DestinationRecord, DestinationState, RecordStatus
from tests.students.conftest import CREDIT_CODE, png_bytes

pytestmark = pytest.mark.django_db

R = RecordStatus


def unit_form(**overrides):
    data = {
        "code": "11", "unit_name": "北京示例数据有限公司", "credit_code": CREDIT_CODE,
        "unit_nature": UnitNature.objects.filter(is_active=True).first().pk,
        "industry": Industry.objects.filter(is_active=True).first().pk,
        "region": Region.objects.get(code="110100").pk,
        "job_category": JobCategory.objects.filter(is_active=True).first().pk,
    }
    return {**data, **overrides}


def upload(name="contract.png", content=None):
    return SimpleUploadedFile(name, content or png_bytes(), content_type="image/png")


@pytest.fixture
def student(client, cast):
    client.force_login(cast.student)
    return cast.student


# ---------------------------------------------------------------------------------------------- the graduate


def test_the_page_says_unregistered_and_offers_registration(client, student):
    html = client.get(reverse("destinations:student")).content.decode()
    assert "未落实" in html and "登记毕业去向" in html and reverse("destinations:register") in html


def test_choosing_a_code_shows_its_fields_with_and_without_htmx(client, student):
    html = client.get(reverse("destinations:register")).content.decode()
    assert "下一步" in html and 'name="unit_name"' not in html and "线下签约" in html
    html = client.get(reverse("destinations:register") + "?code=801").content.decode()
    assert "录取院校" in html and "录取专业" in html and "录取通知书或拟录取名单截图" in html and "<html" in html
    fragment = client.get(reverse("destinations:register") + "?code=11", HTTP_HX_REQUEST="true")
    body = fragment.content.decode()
    assert "<html" not in body and 'id="destination-fields"' in body and "单位所在地" in body and "工作职位类别" in body
    assert fragment["HX-Push-Url"] == reverse("destinations:register") + "?code=11"
    assert "HX-Request" in fragment["Vary"]


def test_70_asks_only_for_an_optional_note(client, student):
    html = client.get(reverse("destinations:register") + "?code=70").content.decode()
    assert 'name="note"' in html and 'type="file"' not in html


def test_registering_with_a_proof(client, student, cast):
    response = client.post(reverse("destinations:register"), {**unit_form(), "proof": upload()})
    assert response.status_code == 302 and response["Location"] == reverse("destinations:student")
    record = DestinationRecord.objects.get()
    assert record.status == R.PENDING_COLLEGE and record.proof_content_type == "image/png"
    html = client.get(reverse("destinations:student")).content.decode()
    assert "待学院审核" in html and "北京示例数据有限公司" in html and "撤回登记申请" in html
    assert client.get(reverse("destinations:proof", args=[record.pk])).status_code == 200


def test_a_bad_form_says_what_is_wrong_and_writes_nothing(client, student):
    response = client.post(reverse("destinations:register"), unit_form(unit_name="", credit_code="123"))
    html = response.content.decode()
    assert response.status_code == 200 and "请填写单位名称" in html and "请上传劳动合同" in html
    assert "统一社会信用代码" in html
    response = client.post(reverse("destinations:register"), {**unit_form(), "proof": upload("a.png", b"not an image")})
    assert "文件格式不支持" in response.content.decode()
    response = client.post(reverse("destinations:register"), {**unit_form(), "code": "999"})
    assert response.status_code == 302
    assert not DestinationRecord.objects.exists()


def test_offline_agreement_is_marked_everywhere(client, student, cast):
    client.post(reverse("destinations:register"), {**unit_form(code="10"), "proof": upload()})
    record = DestinationRecord.objects.get()
    assert record.offline and record.code_id == "10"
    assert "（线下签约）" in client.get(reverse("destinations:student")).content.decode()
    client.force_login(cast.college_reviewer)
    assert "（线下签约）" in client.get(reverse("destinations:review_queue")).content.decode()
    assert "（线下签约）" in client.get(reverse("destinations:review_detail", args=[record.pk])).content.decode()


def test_registration_is_closed_while_a_contract_is_active(client, student, cast, invite):
    contract_services.accept(actor=cast.student, contract=invite())
    html = client.get(reverse("destinations:register")).content.decode()
    assert "签约自动登记" in html and 'name="unit_name"' not in html
    response = client.post(reverse("destinations:register"), {**unit_form(), "proof": upload()}, follow=True)
    assert "当前不能登记毕业去向" in response.content.decode()
    assert not DestinationRecord.objects.exists()


def test_a_returned_registration_comes_back_filled_in_and_keeps_its_proof(client, student, cast, register):
    record = register("801")
    services.return_for_correction(actor=cast.college_reviewer, record=record, reason="专业与通知书不符")
    html = client.get(reverse("destinations:student")).content.decode()
    assert "退回修改" in html and "专业与通知书不符" in html and "修改后重新提交" in html
    form = client.get(reverse("destinations:register")).content.decode()
    assert 'value="示例大学"' in form and "不重新上传则沿用上次提交的证明材料" in form
    response = client.post(reverse("destinations:register"),
                           {"code": "801", "school_name": "示例大学", "major": "软件工程"})
    assert response.status_code == 302
    new = DestinationRecord.objects.exclude(pk=record.pk).get()
    assert new.major == "软件工程" and new.proof.name == record.proof.name and new.status == R.PENDING_COLLEGE


def test_withdrawing(client, student, cast, register):
    record = register("11")
    assert client.get(reverse("destinations:withdraw", args=[record.pk])).status_code == 405
    response = client.post(reverse("destinations:withdraw", args=[record.pk]))
    assert response.status_code == 302
    assert DestinationRecord.objects.get(pk=record.pk).status == R.WITHDRAWN
    response = client.post(reverse("destinations:withdraw", args=[record.pk]), follow=True)
    assert "不能撤回" in response.content.decode()
    assert DestinationEvent.objects.filter(record=record, action="withdraw").count() == 1


def test_the_certificate_carries_the_number_and_the_qr_code_of_its_check(client, student, cast, register, confirm):
    record = confirm(register("85"))
    html = client.get(reverse("destinations:student")).content.decode()
    assert record.verification_no_display in html and "下载去向证明" in html
    response = client.get(reverse("destinations:certificate"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = reader.pages[0].extract_text()
    assert record.verification_no_display in text and "境外留学" in text and "University of Example" in text
    links = [annotation.get_object()["/A"]["/URI"] for annotation in reader.pages[0]["/Annots"]]
    expected = "http://testserver" + reverse("destinations:verify_destination") + f"?no={record.verification_no}"
    assert links == [expected]
    assert len(reader.pages[0].images) == 1
    prefilled = client.get(expected.removeprefix("http://testserver")).content.decode()
    assert f'value="{record.verification_no}"' in prefilled


def test_no_certificate_without_a_confirmed_destination(client, student, register):
    assert client.get(reverse("destinations:certificate")).status_code == 404
    register("11")
    assert client.get(reverse("destinations:certificate")).status_code == 404


def test_site_url_sets_the_address_in_the_qr_code(client, student, register, confirm, settings):
    settings.SITE_URL = "https://wq.example.cn"
    record = confirm(register("70", proof=None))
    reader = PdfReader(io.BytesIO(client.get(reverse("destinations:certificate")).content))
    uri = reader.pages[0]["/Annots"][0].get_object()["/A"]["/URI"]
    assert uri == f"https://wq.example.cn/verify/destination/?no={record.verification_no}"


# ---------------------------------------------------------------------------------------------- reviewers


def test_the_queue_lists_the_level_and_the_detail_shows_the_proof_inline(client, cast, register):
    record = register("11")
    client.force_login(cast.college_reviewer)
    html = client.get(reverse("destinations:review_queue")).content.decode()
    assert cast.graduate.name in html and "11 签劳动合同形式就业" in html and "共 1 条" in html
    detail = client.get(reverse("destinations:review_detail", args=[record.pk])).content.decode()
    assert f'src="{reverse("destinations:review_proof", args=[record.pk])}"' in detail and "审核通过" in detail
    proof = client.get(reverse("destinations:review_proof", args=[record.pk]))
    assert proof.status_code == 200 and proof["Content-Type"] == "image/png"
    client.force_login(cast.school_reviewer)
    assert "共 0 条" in client.get(reverse("destinations:review_queue")).content.decode()
    detail = client.get(reverse("destinations:review_detail", args=[record.pk])).content.decode()
    assert "审核通过" not in detail  # not the school's step yet


def test_approve_then_school_approve_from_the_pages(client, cast, register):
    record = register("801")
    client.force_login(cast.college_reviewer)
    response = client.post(reverse("destinations:review_approve", args=[record.pk]), follow=True)
    assert f"已审核通过：{cast.graduate.name}" in response.content.decode()
    client.force_login(cast.school_reviewer)
    client.post(reverse("destinations:review_approve", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == R.CONFIRMED and record.verification_no
    history = client.get(reverse("destinations:review_history")).content.decode()
    assert "学校审核通过" in history and "已落实" in history
    response = client.post(reverse("destinations:review_approve", args=[record.pk]), follow=True)
    assert "不在你的审核环节" in response.content.decode()


def test_return_needs_a_reason(client, cast, register):
    record = register("11")
    client.force_login(cast.college_reviewer)
    response = client.post(reverse("destinations:review_return", args=[record.pk]), {"reason": ""})
    assert response.status_code == 400 and "请填写退回原因" in response.content.decode()
    assert DestinationRecord.objects.get(pk=record.pk).status == R.PENDING_COLLEGE
    client.post(reverse("destinations:review_return", args=[record.pk]), {"reason": "合同未盖章"})
    record.refresh_from_db()
    assert record.status == R.RETURNED and record.return_reason == "合同未盖章"
    assert record.graduate.destination.state == DestinationState.RETURNED


def test_batch_approve_passes_only_rows_in_scope(client, cast, register, second_graduate, other_school):
    first = register("11")
    second = register("801", student=second_graduate.student)
    client.force_login(cast.college_reviewer)
    response = client.post(reverse("destinations:review_batch_approve"),
                           {"record": [first.pk, second.pk, "x", "99999999999999999999"]}, follow=True)
    assert "已审核通过2条记录" in response.content.decode()
    assert set(DestinationRecord.objects.values_list("status", flat=True)) == {R.PENDING_SCHOOL}
    response = client.post(reverse("destinations:review_batch_approve"), {}, follow=True)
    assert "请先勾选" in response.content.decode()


def test_filters_by_category_college_and_id_number_without_putting_it_in_the_url(client, cast, register,
                                                                                second_graduate):
    register("11")
    register("801", student=second_graduate.student)
    client.force_login(cast.college_reviewer)
    url = reverse("destinations:review_queue")
    html = client.get(url + "?category=study").content.decode()
    assert "共 1 条" in html and second_graduate.entry.name in html
    response = client.post(url, {"id_number": cast.graduate.id_number()})
    assert response.status_code == 302 and cast.graduate.id_number() not in response["Location"]
    assert "idh=" in response["Location"]
    html = client.get(response["Location"]).content.decode()
    assert "共 1 条" in html and cast.graduate.name in html
    fragment = client.post(url, {"category": "employed", "college": cast.college.pk}, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode() and "共 1 条" in fragment.content.decode()
    assert fragment["HX-Push-Url"].startswith(url + "?")
    assert "共 2 条" in client.get(url + "?college=abc&category=bogus").content.decode()


def test_the_menus_have_the_new_pages(client, cast):
    client.force_login(cast.college_reviewer)
    assert "毕业去向审核" in client.get(reverse("destinations:review_queue")).content.decode()
    client.force_login(cast.school_reviewer)
    assert "毕业去向审核" in client.get(reverse("contracts:review_queue")).content.decode()


def test_no_template_comment_leaks_into_a_list(client, cast, register):
    """Django's {# #} comments end at the line's end: the pager's description must not show on the page."""
    register("11")
    client.force_login(cast.college_reviewer)
    html = client.get(reverse("destinations:review_queue")).content.decode()
    assert "{#" not in html and "#}" not in html and "Every list" not in html


def test_invitations_do_not_offer_acceptance_while_a_registered_destination_blocks_it(client, cast, invite, register):
    contract = invite()
    register("11")
    client.force_login(cast.student)
    html = client.get(reverse("contracts:student_invitations")).content.decode()
    accept_url = reverse("contracts:student_accept", args=[contract.pk])
    assert accept_url not in html and "不能应约" in html and "撤回该登记" in html
    detail = client.get(reverse("contracts:student_detail", args=[contract.pk])).content.decode()
    assert accept_url not in detail and "不能应约" in detail
    assert "拒绝" in detail  # refusing stays possible


def test_the_destination_queue_exports_what_the_reviewer_sees(client, cast, register):
    from tests.exports.conftest import read_xlsx

    register("11")
    client.force_login(cast.college_reviewer)
    html = client.get(reverse("destinations:review_queue")).content.decode()
    assert f'action="{reverse("exports:start", args=["destination_queue"])}"' in html
    response = client.post(reverse("exports:start", args=["destination_queue"]), {})
    book = read_xlsx(b"".join(response.streaming_content) if response.streaming else response.content)
    assert book.header == ["序号", "姓名", "证件号码", "院系", "专业", "毕业去向", "去向类别", "单位/院校名称", "登记时间"]
    assert [row[:4] for row in book.body] == [[1, "张三", cast.graduate.id_masked, "计算机学院"]]
    assert cast.graduate.id_number() not in book.text
    client.force_login(cast.other_college_reviewer)
    response = client.post(reverse("exports:start", args=["destination_queue"]), {})
    assert read_xlsx(b"".join(response.streaming_content) if response.streaming else response.content).body == []
