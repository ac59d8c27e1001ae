"""Termination (解约, SPEC §3): every path through the services, and refused ones that change nothing."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contracts import presentation, selectors, services
from contracts.models import ACTIVE_STATES, Contract, ContractEvent, ContractStatus, TerminationRequest
from signing_platform.errors import NotFound
from signing_platform.sms.models import SmsMessage

NOT_FOUND = NotFound().message

pytestmark = pytest.mark.django_db
S = ContractStatus
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def assert_refused(call, message_part, contract):
    before = Contract.objects.values("status", "termination_stage", "termination_note").get(pk=contract.pk)
    before_events = ContractEvent.objects.count()
    before_requests = list(TerminationRequest.objects.values_list("pk", "status"))
    with pytest.raises((services.ContractError, NotFound)) as exc:
        call()
    assert message_part in exc.value.message
    assert ContractEvent.objects.count() == before_events
    assert Contract.objects.values("status", "termination_stage", "termination_note").get(pk=contract.pk) == before
    assert list(TerminationRequest.objects.values_list("pk", "status")) == before_requests


def last_event(contract):
    return ContractEvent.objects.filter(contract=contract).values_list("action", "from_status", "to_status").last()


def tab_ids(cast, tab):
    return set(selectors.contracts_for_employer(unit=cast.unit, tab=tab).values_list("pk", flat=True))


@pytest.fixture
def signed(cast, invite, sign):
    return sign(invite())


def test_employer_request_moves_to_terminating_and_tells_both(cast, signed):
    SmsMessage.objects.all().delete()
    request = services.request_termination(actor=cast.employer, contract=signed, reason="岗位取消")
    signed.refresh_from_db()
    assert signed.status == S.TERMINATING and signed.shown_status == "解约中（等待对方确认）"
    assert request.requester_side == "employer" and request.status == "pending"
    assert request.counterpart_deadline - request.created_at == timedelta(days=15)
    assert last_event(signed) == ("termination_request", "signed", "terminating")
    assert SmsMessage.objects.filter(mobile=cast.student.mobile, body__contains="申请与你解约").exists()
    assert SmsMessage.objects.filter(mobile=cast.contact.mobile, body__contains="已申请与").exists()
    assert tab_ids(cast, "terminating") == {signed.pk} and not tab_ids(cast, "signed")


def test_the_response_days_come_from_settings(cast, signed, settings):
    settings.TERMINATION_RESPONSE_DAYS = 3
    request = services.request_termination(actor=cast.student, contract=signed, reason="升学")
    assert request.counterpart_deadline - request.created_at == timedelta(days=3)


def test_student_request_employer_agrees_school_approves_frees_the_student(cast, signed, invite, sign):
    services.request_termination(actor=cast.student, contract=signed, reason="考取研究生")
    services.answer_termination(actor=cast.employer, contract=signed, agree=True)
    signed.refresh_from_db()
    assert signed.status == S.TERMINATING and signed.shown_status == "解约中（待学校审核）"
    assert last_event(signed) == ("termination_agree", "terminating", "terminating")
    request = services.review_termination(actor=cast.school_reviewer, contract=signed, approve=True)
    signed.refresh_from_db()
    assert request.status == "approved" and request.reviewed_by == cast.school_reviewer
    assert signed.status == S.TERMINATED and signed.shown_status == "已解约" and signed.closed_at
    assert last_event(signed) == ("termination_approve", "terminating", "terminated")
    assert tab_ids(cast, "terminated") == {signed.pk}
    assert SmsMessage.objects.filter(mobile=cast.student.mobile, body__contains="解约完成").exists()
    assert SmsMessage.objects.filter(mobile=cast.contact.mobile, body__contains="解约完成").exists()
    # The student is free: another unit's invitation can be accepted and signed.
    new = sign(invite(unit_user=cast.other_employer))
    assert new.status == S.SIGNED
    assert Contract.objects.filter(graduate=cast.graduate, status__in=ACTIVE_STATES).count() == 1


def test_the_same_unit_may_invite_again_after_termination(cast, signed, invite):
    services.request_termination(actor=cast.employer, contract=signed, reason="岗位取消")
    services.answer_termination(actor=cast.student, contract=signed, agree=True)
    services.review_termination(actor=cast.school_reviewer, contract=signed, approve=True)
    assert invite().status == S.INVITED


def test_counterpart_disagrees_keeps_the_agreement_and_lists_it_as_failed(cast, signed):
    services.request_termination(actor=cast.employer, contract=signed, reason="岗位取消")
    request = services.answer_termination(actor=cast.student, contract=signed, agree=False, note="不同意")
    signed.refresh_from_db()
    assert request.status == "disagreed" and request.answer_note == "不同意"
    assert signed.status == S.SIGNED and signed.shown_status == "解约失败（对方不同意解约：不同意）"
    assert last_event(signed) == ("termination_disagree", "terminating", "signed")
    assert tab_ids(cast, "termination_failed") == {signed.pk}
    assert tab_ids(cast, "signed") == {signed.pk}
    assert SmsMessage.objects.filter(mobile=cast.contact.mobile, body__contains="原协议继续有效").exists()


def test_disagreeing_needs_a_reason(cast, signed):
    services.request_termination(actor=cast.employer, contract=signed, reason="岗位取消")
    assert_refused(lambda: services.answer_termination(actor=cast.student, contract=signed, agree=False, note=" "),
                   "请填写不同意原因", signed)


def test_school_rejects_with_a_reason(cast, signed):
    services.request_termination(actor=cast.student, contract=signed, reason="升学")
    services.answer_termination(actor=cast.employer, contract=signed, agree=True)
    assert_refused(lambda: services.review_termination(actor=cast.school_reviewer, contract=signed, approve=False),
                   "请填写不通过原因", signed)
    services.review_termination(actor=cast.school_reviewer, contract=signed, approve=False, note="材料不全")
    signed.refresh_from_db()
    assert signed.status == S.SIGNED and "学校审核不通过：材料不全" in signed.shown_status
    assert last_event(signed) == ("termination_reject", "terminating", "signed")
    assert tab_ids(cast, "termination_failed") == {signed.pk}


def test_a_new_request_after_a_failure_clears_the_failed_mark(cast, signed):
    services.request_termination(actor=cast.employer, contract=signed, reason="岗位取消")
    services.answer_termination(actor=cast.student, contract=signed, agree=False, note="不同意")
    services.request_termination(actor=cast.employer, contract=signed, reason="再次协商")
    signed.refresh_from_db()
    assert signed.status == S.TERMINATING and signed.termination_note == ""
    assert not tab_ids(cast, "termination_failed") and tab_ids(cast, "terminating") == {signed.pk}
    assert TerminationRequest.objects.filter(contract=signed).count() == 2
    assert selectors.latest_termination(Contract.objects.get(pk=signed.pk)).reason == "再次协商"


def test_the_deadline_is_authoritative_before_the_job(cast, signed):
    request = services.request_termination(actor=cast.employer, contract=signed, reason="岗位取消")
    TerminationRequest.objects.filter(pk=request.pk).update(counterpart_deadline=timezone.now() - timedelta(seconds=1))
    assert_refused(lambda: services.answer_termination(actor=cast.student, contract=signed, agree=True),
                   "已超过解约确认期限", signed)
    assert TerminationRequest.objects.get(pk=request.pk).shown_status == "对方逾期未确认"


def test_the_job_fails_overdue_requests_once(cast, signed):
    request = services.request_termination(actor=cast.employer, contract=signed, reason="岗位取消")
    assert services.expire_termination_requests() == 0
    later = request.counterpart_deadline + timedelta(seconds=1)
    assert services.expire_termination_requests(now=later) == 1
    assert services.expire_termination_requests(now=later) == 0
    signed.refresh_from_db()
    request.refresh_from_db()
    assert request.status == "expired"
    assert signed.status == S.SIGNED and signed.shown_status == "解约失败（对方逾期未确认）"
    assert last_event(signed) == ("termination_expire", "terminating", "signed")
    assert ContractEvent.objects.filter(action="termination_expire").count() == 1
    assert SmsMessage.objects.filter(mobile=cast.student.mobile, body__contains="逾期未确认").exists()


def test_the_job_leaves_agreed_requests_alone(cast, signed):
    request = services.request_termination(actor=cast.employer, contract=signed, reason="岗位取消")
    services.answer_termination(actor=cast.student, contract=signed, agree=True)
    assert services.expire_termination_requests(now=request.counterpart_deadline + timedelta(days=1)) == 0
    assert Contract.objects.get(pk=signed.pk).termination_stage == "school"


def test_the_beat_task_runs_the_job(cast, signed):
    from contracts.tasks import expire_termination_requests

    request = services.request_termination(actor=cast.employer, contract=signed, reason="岗位取消")
    TerminationRequest.objects.filter(pk=request.pk).update(counterpart_deadline=timezone.now() - timedelta(seconds=1))
    assert expire_termination_requests.delay().get() == 1


# ------------------------------------------------------------------------------------------------ refused


def test_only_a_signed_contract_can_be_terminated(cast, invite, sign_until_school):
    contract = invite()
    assert_refused(lambda: services.request_termination(actor=cast.employer, contract=contract, reason="x"),
                   "不能申请解约", contract)
    sign_until_school(contract)
    assert_refused(lambda: services.request_termination(actor=cast.student, contract=contract, reason="x"),
                   "不能申请解约", contract)


def test_one_open_request_per_contract(cast, signed):
    services.request_termination(actor=cast.employer, contract=signed, reason="岗位取消")
    assert_refused(lambda: services.request_termination(actor=cast.student, contract=signed, reason="我也想"),
                   "不能申请解约", signed)


def test_the_reason_is_required_and_short(cast, signed):
    assert_refused(lambda: services.request_termination(actor=cast.employer, contract=signed, reason="  "),
                   "请填写解约原因", signed)
    assert_refused(lambda: services.request_termination(actor=cast.employer, contract=signed, reason="因" * 201),
                   "解约原因不能超过200个字", signed)


def test_a_letter_that_is_not_an_image_or_pdf_is_refused(cast, signed):
    fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    assert_refused(lambda: services.request_termination(actor=cast.employer, contract=signed, reason="x", attachment=fake),
                   "文件格式不支持", signed)


def test_a_pdf_letter_is_stored_privately_under_a_random_name(cast, signed, settings):
    letter = SimpleUploadedFile("我的解约函.pdf", PDF_BYTES, content_type="application/pdf")
    request = services.request_termination(actor=cast.employer, contract=signed, reason="x", attachment=letter)
    assert request.attachment.name.startswith("termination-letters/") and "解约函" not in request.attachment.name
    assert request.attachment_type == "application/pdf"
    assert request.attachment.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))


@pytest.mark.parametrize("who", ["other_employer", "other_student", "school_reviewer"])
def test_outsiders_cannot_request(cast, signed, who):
    assert_refused(lambda: services.request_termination(actor=getattr(cast, who), contract=signed, reason="x"),
                   NOT_FOUND, signed)


def test_the_requester_cannot_answer_their_own_request(cast, signed):
    services.request_termination(actor=cast.employer, contract=signed, reason="岗位取消")
    assert_refused(lambda: services.answer_termination(actor=cast.employer, contract=signed, agree=True),
                   "须由对方确认", signed)
    assert_refused(lambda: services.answer_termination(actor=cast.other_employer, contract=signed, agree=True),
                   NOT_FOUND, signed)


def test_no_answer_without_an_open_request_and_no_review_before_the_answer(cast, signed):
    assert_refused(lambda: services.answer_termination(actor=cast.student, contract=signed, agree=True),
                   "没有等待你确认的解约申请", signed)
    services.request_termination(actor=cast.employer, contract=signed, reason="岗位取消")
    assert_refused(lambda: services.review_termination(actor=cast.school_reviewer, contract=signed, approve=True),
                   "没有待学校审核的解约申请", signed)


@pytest.mark.parametrize(
    ("who", "message"),
    [("college_reviewer", "解约申请由学校审核"), ("other_school_reviewer", NOT_FOUND),
     ("other_college_reviewer", NOT_FOUND), ("employer", NOT_FOUND)],
)
def test_only_a_school_reviewer_of_the_school_reviews(cast, signed, who, message):
    services.request_termination(actor=cast.employer, contract=signed, reason="岗位取消")
    services.answer_termination(actor=cast.student, contract=signed, agree=True)
    assert_refused(lambda: services.review_termination(actor=getattr(cast, who), contract=signed, approve=True),
                   message, signed)


def test_school_review_does_not_depend_on_the_signing_levels(cast, invite, sign, one_level):
    one_level(cast.school)
    contract = invite()
    services.accept(actor=cast.student, contract=contract)
    services.approve(actor=cast.school_reviewer, contract=contract)
    services.request_termination(actor=cast.student, contract=contract, reason="升学")
    services.answer_termination(actor=cast.employer, contract=contract, agree=True)
    services.review_termination(actor=cast.school_reviewer, contract=contract, approve=True)
    assert Contract.objects.get(pk=contract.pk).status == S.TERMINATED


def termination_steps_of(contract):
    return presentation.termination_steps(TerminationRequest.objects.filter(contract=contract).first(), timezone.now())


def test_termination_progress_steps(cast, signed):
    assert termination_steps_of(signed) == []
    services.request_termination(actor=cast.employer, contract=signed, reason="岗位取消")
    services.answer_termination(actor=cast.student, contract=signed, agree=True)
    steps = termination_steps_of(signed)
    assert [(s.label, s.state) for s in steps] == [
        ("申请解约", "done"), ("对方确认", "done"), ("学校审核", "current"), ("解约完成", "todo")
    ]
    services.review_termination(actor=cast.school_reviewer, contract=signed, approve=False, note="材料不全")
    steps = termination_steps_of(signed)
    assert [s.state for s in steps] == ["done", "done", "failed", "todo"]


def test_the_database_allows_one_open_request_per_contract(cast, signed):
    from django.db import IntegrityError, transaction

    services.request_termination(actor=cast.employer, contract=signed, reason="岗位取消")
    with pytest.raises(IntegrityError), transaction.atomic():
        TerminationRequest.objects.create(
            contract=signed, school_id=signed.school_id, requested_by=cast.student, requester_side="student", reason="x",
            counterpart_deadline=timezone.now(),
        )


def test_the_database_refuses_a_terminating_contract_without_a_stage(cast, signed):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Contract.objects.filter(pk=signed.pk).update(status=S.TERMINATING)
