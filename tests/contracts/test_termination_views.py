"""Termination pages: 申请解约, 同意/不同意解约, the 解约函, 解约审核 — happy paths, wrong methods, outsiders (404),
refused changes and the events written."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts import services
from contracts.models import Contract, ContractEvent, ContractStatus, TerminationRequest

pytestmark = pytest.mark.django_db
S = ContractStatus
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def signed(cast, invite, sign):
    return sign(invite())


@pytest.fixture
def asked(cast, signed):
    """The employer asked to terminate; the student has to answer."""
    services.request_termination(actor=cast.employer, contract=signed, reason="岗位取消")
    return signed


@pytest.fixture
def agreed(cast, asked):
    services.answer_termination(actor=cast.student, contract=asked, agree=True)
    return asked


def status_of(contract):
    return Contract.objects.get(pk=contract.pk).status


def event_count(contract, action):
    return ContractEvent.objects.filter(contract=contract, action=action).count()


# ------------------------------------------------------------------------------------------------ 申请解约 (employer)


def test_employer_request_page_and_modal(client, cast, signed):
    client.force_login(cast.employer)
    url = reverse("contracts:employer_terminate", args=[signed.pk])
    page = client.get(url).content.decode()
    assert "<html" in page and "解约原因" in page and "解约函（选填）" in page and "15天内" in page
    modal = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<dialog" in modal and "<html" not in modal


def test_employer_requests_with_a_letter(client, cast, signed):
    client.force_login(cast.employer)
    letter = SimpleUploadedFile("解约函.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(reverse("contracts:employer_terminate", args=[signed.pk]), {"reason": "岗位取消", "attachment": letter})
    assert response.status_code == 302 and "tab=terminating" in response["Location"]
    assert status_of(signed) == S.TERMINATING and event_count(signed, "termination_request") == 1
    assert TerminationRequest.objects.get(contract=signed).attachment_type == "application/pdf"
    html = client.get(reverse("contracts:employer_list") + "?tab=terminating").content.decode()
    assert "解约中（等待对方确认）" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [({"reason": ""}, "请填写解约原因"), ({"reason": "因" * 201}, "解约原因不能超过200个字")],
)
def test_bad_request_input_re_renders_with_the_message(client, cast, signed, data, message):
    client.force_login(cast.employer)
    response = client.post(reverse("contracts:employer_terminate", args=[signed.pk]), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert status_of(signed) == S.SIGNED and not TerminationRequest.objects.exists()


def test_a_fake_letter_is_refused_next_to_the_field(client, cast, signed):
    client.force_login(cast.employer)
    fake = SimpleUploadedFile("letter.png", b"not an image", content_type="image/png")
    response = client.post(reverse("contracts:employer_terminate", args=[signed.pk]), {"reason": "x", "attachment": fake})
    assert response.status_code == 200 and "文件格式不支持" in response.content.decode()
    assert status_of(signed) == S.SIGNED


def test_a_refused_request_shows_why_and_changes_nothing(client, cast, asked):
    client.force_login(cast.employer)
    response = client.post(reverse("contracts:employer_terminate", args=[asked.pk]), {"reason": "再来一次"})
    assert response.status_code == 200 and "不能申请解约" in response.content.decode()
    assert TerminationRequest.objects.count() == 1 and event_count(asked, "termination_request") == 1


def test_request_of_another_units_contract_is_404(client, cast, signed):
    client.force_login(cast.other_employer)
    url = reverse("contracts:employer_terminate", args=[signed.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert status_of(signed) == S.SIGNED


def test_detail_offers_the_employer_the_right_actions(client, cast, signed):
    client.force_login(cast.employer)
    url = reverse("contracts:employer_detail", args=[signed.pk])
    assert "申请解约" in client.get(url).content.decode()
    services.request_termination(actor=cast.student, contract=signed, reason="考研")
    html = client.get(url).content.decode()
    assert "同意解约" in html and "不同意解约" in html and 'aria-label="解约进度"' in html and "考研" in html
    assert reverse("contracts:employer_terminate", args=[signed.pk]) not in html


# ------------------------------------------------------------------------------------------------ answers


def test_employer_agrees_to_the_students_request(client, cast, signed):
    services.request_termination(actor=cast.student, contract=signed, reason="考研")
    client.force_login(cast.employer)
    response = client.post(reverse("contracts:employer_termination_answer", args=[signed.pk]), {"decision": "yes"})
    assert response.status_code == 302
    assert Contract.objects.get(pk=signed.pk).termination_stage == "school"
    assert event_count(signed, "termination_agree") == 1


def test_disagreeing_without_a_reason_re_renders_the_detail(client, cast, signed):
    services.request_termination(actor=cast.student, contract=signed, reason="考研")
    client.force_login(cast.employer)
    response = client.post(reverse("contracts:employer_termination_answer", args=[signed.pk]), {"decision": "no"})
    assert response.status_code == 200 and "请填写不同意原因" in response.content.decode()
    assert status_of(signed) == S.TERMINATING and event_count(signed, "termination_disagree") == 0


def test_the_requester_answering_is_refused(client, cast, asked):
    client.force_login(cast.employer)
    response = client.post(reverse("contracts:employer_termination_answer", args=[asked.pk]), {"decision": "yes"}, follow=True)
    assert "须由对方确认" in response.content.decode()
    assert event_count(asked, "termination_agree") == 0


def test_answer_urls_need_post_and_the_party(client, cast, asked):
    client.force_login(cast.student)
    url = reverse("contracts:student_termination_answer", args=[asked.pk])
    assert client.get(url).status_code == 405
    client.force_login(cast.other_student)
    assert client.post(url, {"decision": "yes"}).status_code == 404
    client.force_login(cast.other_employer)
    assert client.post(reverse("contracts:employer_termination_answer", args=[asked.pk]), {"decision": "yes"}).status_code == 404
    assert Contract.objects.get(pk=asked.pk).termination_stage == "counterpart"


def test_student_sees_the_request_on_my_contract_and_disagrees(client, cast, asked):
    client.force_login(cast.student)
    html = client.get(reverse("students:home")).content.decode()
    assert "解约中（待您确认）" in html and "不同意解约" in html and "岗位取消" in html
    response = client.post(reverse("contracts:student_termination_answer", args=[asked.pk]),
                           {"decision": "no", "note": "不同意"})
    assert response.status_code == 302 and response["Location"] == reverse("students:home")
    assert status_of(asked) == S.SIGNED and event_count(asked, "termination_disagree") == 1
    assert "解约失败（对方不同意解约：不同意）" in client.get(reverse("students:home")).content.decode()


def test_student_requests_termination(client, cast, signed):
    client.force_login(cast.student)
    assert "申请解约" in client.get(reverse("students:home")).content.decode()
    url = reverse("contracts:student_terminate", args=[signed.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "考取研究生"})
    assert response.status_code == 302
    request = TerminationRequest.objects.get(contract=signed)
    assert request.requester_side == "student" and request.requested_by == cast.student
    client.force_login(cast.other_student)
    assert client.get(url).status_code == 404


# ------------------------------------------------------------------------------------------------ 解约函


def test_the_letter_is_served_to_the_parties_and_the_school_only(client, cast, signed):
    letter = SimpleUploadedFile("解约函.pdf", PDF_BYTES, content_type="application/pdf")
    request = services.request_termination(actor=cast.employer, contract=signed, reason="x", attachment=letter)
    url = reverse("contracts:termination_letter", args=[signed.pk, request.pk])
    for user in (cast.employer, cast.student, cast.school_reviewer, cast.college_reviewer):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, user
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "private, no-store"
    for user in (cast.other_employer, cast.other_student, cast.other_school_reviewer, cast.other_college_reviewer):
        client.force_login(user)
        assert client.get(url).status_code == 404, user
    client.logout()
    assert client.get(url).status_code == 404


def test_a_letter_of_another_contract_or_none_is_404(client, cast, signed):
    request = services.request_termination(actor=cast.employer, contract=signed, reason="x")
    client.force_login(cast.employer)
    assert client.get(reverse("contracts:termination_letter", args=[signed.pk, request.pk])).status_code == 404
    assert client.get(reverse("contracts:termination_letter", args=[signed.pk + 1, request.pk])).status_code == 404


# ------------------------------------------------------------------------------------------------ 解约审核


def test_the_school_queue_lists_agreed_requests_and_the_menu_links_it(client, cast, agreed):
    client.force_login(cast.school_reviewer)
    html = client.get(reverse("contracts:termination_queue")).content.decode()
    assert "解约审核" in html and cast.graduate.name in html and "岗位取消" in html and "共 1 条" in html
    assert cast.graduate.id_number() not in html
    other = client.post(reverse("contracts:termination_queue"), {"name": "没有这个人"}, follow=True).content.decode()
    assert "共 0 条" in other


def test_the_queue_belongs_to_the_school_only(client, cast, agreed):
    client.force_login(cast.other_school_reviewer)
    assert "共 0 条" in client.get(reverse("contracts:termination_queue")).content.decode()
    client.force_login(cast.college_reviewer)
    assert client.get(reverse("contracts:termination_queue")).status_code == 404
    assert client.get(reverse("contracts:termination_history")).status_code == 404
    client.force_login(cast.employer)
    assert client.get(reverse("contracts:termination_queue")).status_code == 404


def test_the_school_approves_from_the_detail(client, cast, agreed):
    client.force_login(cast.school_reviewer)
    detail = client.get(reverse("contracts:review_detail", args=[agreed.pk])).content.decode()
    assert "双方已同意解约" in detail
    response = client.post(reverse("contracts:termination_review", args=[agreed.pk]), {"decision": "yes"})
    assert response.status_code == 302 and response["Location"] == reverse("contracts:termination_queue")
    assert status_of(agreed) == S.TERMINATED and event_count(agreed, "termination_approve") == 1
    history = client.get(reverse("contracts:termination_history")).content.decode()
    assert "解约完成" in history and cast.graduate.name in history


def test_the_school_rejecting_needs_a_reason(client, cast, agreed):
    client.force_login(cast.school_reviewer)
    url = reverse("contracts:termination_review", args=[agreed.pk])
    response = client.post(url, {"decision": "no", "note": ""})
    assert response.status_code == 200 and "请填写不通过原因" in response.content.decode()
    assert status_of(agreed) == S.TERMINATING
    client.post(url, {"decision": "no", "note": "材料不全"})
    assert status_of(agreed) == S.SIGNED and event_count(agreed, "termination_reject") == 1


def test_review_is_refused_to_others(client, cast, agreed):
    url = reverse("contracts:termination_review", args=[agreed.pk])
    client.force_login(cast.school_reviewer)
    assert client.get(url).status_code == 405
    client.force_login(cast.other_school_reviewer)
    assert client.post(url, {"decision": "yes"}).status_code == 404
    client.force_login(cast.student)
    assert client.post(url, {"decision": "yes"}).status_code == 404
    client.force_login(cast.college_reviewer)
    assert client.post(url, {"decision": "yes"}).status_code == 404
    assert status_of(agreed) == S.TERMINATING and event_count(agreed, "termination_approve") == 0


def test_a_review_before_the_counterpart_answered_is_refused(client, cast, asked):
    client.force_login(cast.school_reviewer)
    response = client.post(reverse("contracts:termination_review", args=[asked.pk]), {"decision": "yes"}, follow=True)
    assert "没有待学校审核的解约申请" in response.content.decode()
    assert status_of(asked) == S.TERMINATING


# ------------------------------------------------------------------------------------------------ tabs


def test_failed_tab_offers_a_new_request(client, cast, asked):
    services.answer_termination(actor=cast.student, contract=asked, agree=False, note="不同意")
    client.force_login(cast.employer)
    html = client.get(reverse("contracts:employer_list") + "?tab=termination_failed").content.decode()
    assert "解约失败（对方不同意解约：不同意）" in html
    assert reverse("contracts:employer_terminate", args=[asked.pk]) in html
    assert "解约失败<span class=\"count\">（1）" in html
