"""毕业去向 services: every transition allowed and refused, one event per change, the graduate's row kept in step."""

import importlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from contracts import services as contract_services
from contracts.models import Contract
from signing_platform.accounts.models import AuditEvent, Role
from signing_platform.errors import NotFound
from signing_platform.sms.models import SmsMessage
from students import services
from students.models import (
    Destination,
    DestinationCode,
    DestinationEvent,
    DestinationRecord,
    DestinationState,
    RecordStatus,
)
from tests.factories import UserFactory
from tests.schools.factories import ActivatedGraduateFactory

pytestmark = pytest.mark.django_db

R = RecordStatus
ALL_CODES = [row[0] for row in importlib.import_module("students.migrations.0002_destination_codes").CODES]
NUMBER = re.compile(r"^[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{12}$")


def events(record):
    return list(DestinationEvent.objects.filter(record=record).values_list("action", flat=True))


def summary(cast):
    return Destination.objects.select_related("record", "request").get(graduate=cast.graduate)


# ---------------------------------------------------------------------------------------------- registering


def test_a_registration_waits_for_the_college_then_the_school_and_gets_a_verification_number(cast, register):
    record = register("11")
    assert record.status == R.PENDING_COLLEGE and record.two_level_review and record.proof
    assert events(record) == ["submit"]
    destination = summary(cast)
    assert destination.state == DestinationState.PENDING_COLLEGE and destination.request == record
    assert destination.record is None and destination.code is None

    services.approve(actor=cast.college_reviewer, record=record)
    record.refresh_from_db()
    assert record.status == R.PENDING_SCHOOL and record.college_approved_at is not None
    assert summary(cast).state == DestinationState.PENDING_SCHOOL

    services.approve(actor=cast.school_reviewer, record=record)
    record.refresh_from_db()
    assert record.status == R.CONFIRMED and NUMBER.match(record.verification_no)
    assert events(record) == ["submit", "college_approve", "school_approve"]
    destination = summary(cast)
    assert destination.state == DestinationState.CONFIRMED and destination.record == record
    assert destination.code_id == "11" and destination.request is None
    texts = list(SmsMessage.objects.filter(mobile=cast.student.mobile).values_list("body", flat=True))
    assert any("已通过学院审核" in text for text in texts)
    assert any(record.verification_no_display in text for text in texts)


def test_a_one_level_school_reviews_at_the_school_only(cast, register, one_level):
    one_level(cast.school)
    record = register("801")
    assert record.status == R.PENDING_SCHOOL and not record.two_level_review
    with pytest.raises(services.DestinationError):
        services.approve(actor=cast.college_reviewer, record=record)
    services.approve(actor=cast.school_reviewer, record=record)
    assert DestinationRecord.objects.get(pk=record.pk).status == R.CONFIRMED


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_code_can_be_registered_and_confirmed(cast, register, confirm, code):
    record = confirm(register(code))
    assert record.status == R.CONFIRMED and record.code_id == code
    assert bool(record.proof) == DestinationCode.objects.get(code=code).needs_proof
    assert record.offline == (code == "10")


def test_missing_and_wrong_fields_are_named_and_nothing_is_written(cast, register, registration):
    with pytest.raises(ValidationError) as refused:
        register("11", unit_name="", region=None)
    assert set(refused.value.message_dict) == {"unit_name", "region"}
    with pytest.raises(ValidationError) as refused:
        register("75", credit_code="91110108MA01TEST00")
    assert "credit_code" in refused.value.message_dict
    province = registration("11").region.parent
    with pytest.raises(ValidationError) as refused:
        register("11", region=province)
    assert refused.value.message_dict["region"] == ["请选择单位所在的城市"]
    with pytest.raises(ValidationError) as refused:
        register("801", proof=None)
    assert "proof" in refused.value.message_dict
    assert not DestinationRecord.objects.exists() and not DestinationEvent.objects.exists()


def test_a_conscript_needs_no_credit_code_but_a_business_does(cast, register):
    assert register("46", credit_code="").status == R.PENDING_COLLEGE
    services.withdraw(actor=cast.student, record=DestinationRecord.objects.get())
    with pytest.raises(ValidationError):
        register("75", credit_code="")


def test_a_proof_is_judged_by_its_content(cast, register):
    fake = SimpleUploadedFile("offer.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        register("801", proof=fake)
    assert "proof" in refused.value.message_dict
    assert not DestinationRecord.objects.exists()


def test_codes_70_71_72_need_no_proof(cast, register):
    record = register("71", proof=None, note="准备考研")
    assert record.status == R.PENDING_COLLEGE and not record.proof and record.note == "准备考研"


def test_an_inactive_code_cannot_be_registered(cast, register):
    DestinationCode.objects.filter(code="519").update(is_active=False)
    with pytest.raises(ValidationError):
        register("519")


def test_one_request_at_a_time_and_withdrawing_frees_the_way(cast, register):
    first = register("11")
    with pytest.raises(services.DestinationError, match="待审核"):
        register("801")
    services.withdraw(actor=cast.student, record=first)
    first.refresh_from_db()
    assert first.status == R.WITHDRAWN and events(first) == ["submit", "withdraw"]
    assert summary(cast).state == DestinationState.UNREGISTERED
    assert register("801").status == R.PENDING_COLLEGE


def test_only_the_graduate_withdraws_their_own_request(cast, register, second_graduate):
    record = register("11")
    for outsider in (second_graduate.student, cast.employer, cast.school_reviewer, None):
        with pytest.raises(NotFound):
            services.withdraw(actor=outsider, record=record)
    assert events(record) == ["submit"]


def test_a_confirmed_record_cannot_be_withdrawn(cast, register, confirm):
    record = confirm(register("11"))
    with pytest.raises(services.DestinationError):
        services.withdraw(actor=cast.student, record=record)


def test_only_a_student_on_a_roster_registers(cast, registration):
    for actor in (cast.employer, cast.school_reviewer, UserFactory(role=Role.STUDENT), None):
        with pytest.raises(NotFound):
            services.register(actor=actor, registration=registration("70"))


# ---------------------------------------------------------------------------------------------- review


def test_return_needs_a_reason_and_the_graduate_corrects_keeping_the_proof(cast, register, registration):
    record = register("801")
    with pytest.raises(services.DestinationError, match="退回原因"):
        services.return_for_correction(actor=cast.college_reviewer, record=record, reason="  ")
    services.return_for_correction(actor=cast.college_reviewer, record=record, reason="录取专业与通知书不符")
    record.refresh_from_db()
    assert record.status == R.RETURNED and record.return_reason == "录取专业与通知书不符"
    assert events(record) == ["submit", "return"]
    assert summary(cast).state == DestinationState.RETURNED
    assert any("录取专业与通知书不符" in m.body for m in SmsMessage.objects.filter(mobile=cast.student.mobile))

    again = services.register(actor=cast.student, registration=registration("801", major="软件工程"),
                              keep_previous_proof=True)
    assert again.pk != record.pk and again.proof.name == record.proof.name and again.major == "软件工程"
    assert summary(cast).request == again
    assert DestinationRecord.objects.get(pk=record.pk).status == R.RETURNED


def test_a_kept_proof_must_be_of_the_same_code(cast, register, registration):
    record = register("801")
    services.return_for_correction(actor=cast.college_reviewer, record=record, reason="请补充")
    with pytest.raises(ValidationError):
        services.register(actor=cast.student, registration=registration("802"), keep_previous_proof=True)


@pytest.mark.parametrize("who", ["employer", "student", "other_college_reviewer", "other_school_reviewer"])
def test_reviewers_outside_the_scope_are_not_found(cast, register, who):
    record = register("11")
    with pytest.raises(NotFound):
        services.approve(actor=getattr(cast, who), record=record)
    with pytest.raises(NotFound):
        services.return_for_correction(actor=getattr(cast, who), record=record, reason="不符")
    assert events(record) == ["submit"]


def test_each_level_reviews_only_its_step(cast, register, confirm):
    record = register("11")
    with pytest.raises(services.DestinationError, match="不在你的审核环节"):
        services.approve(actor=cast.school_reviewer, record=record)
    services.approve(actor=cast.college_reviewer, record=record)
    with pytest.raises(services.DestinationError):
        services.approve(actor=cast.college_reviewer, record=record)
    services.approve(actor=cast.school_reviewer, record=record)
    with pytest.raises(services.DestinationError):
        services.return_for_correction(actor=cast.school_reviewer, record=record, reason="晚了")
    assert events(record) == ["submit", "college_approve", "school_approve"]


def test_a_disabled_reviewer_reviews_nothing(cast, register):
    record = register("11")
    cast.college_reviewer.reviewer.is_active = False
    cast.college_reviewer.reviewer.save()
    with pytest.raises(NotFound):
        services.approve(actor=cast.college_reviewer, record=record)


def test_batch_approval_reports_the_rows_it_could_not_pass(cast, register, second_graduate):
    first = register("11")
    second = register("801", student=second_graduate.student)
    services.approve(actor=cast.college_reviewer, record=second)
    approved, problems = services.batch_approve(actor=cast.college_reviewer, record_ids=[first.pk, second.pk, first.pk])
    assert approved == 1 and len(problems) == 1
    assert DestinationRecord.objects.get(pk=first.pk).status == R.PENDING_SCHOOL


# ---------------------------------------------------------------------------------------------- changes


def test_a_change_is_a_new_request_and_the_confirmed_record_stays_in_force_until_approved(cast, register, confirm):
    old = confirm(register("11"))
    new = register("801")
    destination = summary(cast)
    assert destination.record == old and destination.request == new
    assert destination.state == DestinationState.PENDING_COLLEGE
    services.return_for_correction(actor=cast.college_reviewer, record=new, reason="请上传录取通知书")
    assert summary(cast).record == old
    newer = confirm(register("801", major="人工智能"))
    old.refresh_from_db()
    assert old.status == R.SUPERSEDED and old.verification_no and events(old)[-1] == "supersede"
    destination = summary(cast)
    assert destination.record == newer and destination.code_id == "801" and destination.state == DestinationState.CONFIRMED


# ---------------------------------------------------------------------------------------------- signing


def test_signing_registers_10_at_once_and_termination_revokes_it(cast, invite, sign):
    contract = sign(invite())
    record = DestinationRecord.objects.get(contract=contract)
    assert record.status == R.CONFIRMED and record.code_id == "10" and not record.offline
    assert NUMBER.match(record.verification_no) and record.unit_name == cast.unit.name
    assert events(record) == ["agreement"]
    assert summary(cast).state == DestinationState.CONFIRMED

    contract_services.request_termination(actor=cast.student, contract=contract, reason="考研")
    contract_services.answer_termination(actor=cast.employer, contract=contract, agree=True)
    contract_services.review_termination(actor=cast.school_reviewer, contract=contract, approve=True)
    record.refresh_from_db()
    assert record.status == R.REVOKED and events(record) == ["agreement", "revoke"]
    destination = summary(cast)
    assert destination.state == DestinationState.UNREGISTERED and destination.record is None


def test_signing_supersedes_a_confirmed_70_and_withdraws_a_pending_72(cast, register, confirm, invite):
    seventy = confirm(register("70", proof=None))
    pending = register("72", proof=None)
    contract = invite()
    contract_services.accept(actor=cast.student, contract=contract)
    contract_services.approve(actor=cast.college_reviewer, contract=contract)
    contract_services.approve(actor=cast.school_reviewer, contract=contract)
    seventy.refresh_from_db()
    pending.refresh_from_db()
    assert seventy.status == R.SUPERSEDED and pending.status == R.WITHDRAWN
    assert summary(cast).code_id == "10" and summary(cast).request is None


def test_no_registration_while_an_agreement_is_under_review_or_in_force(cast, register, invite):
    contract = invite()
    contract_services.accept(actor=cast.student, contract=contract)
    for code in ("11", "70", "10"):
        with pytest.raises(services.DestinationError, match="签约自动登记"):
            register(code, proof=None if code == "70" else "png")
    assert not DestinationRecord.objects.exists()


@pytest.mark.parametrize("code", ["11", "801", "10", "75"])
def test_accepting_is_refused_while_a_destination_is_registered(cast, register, confirm, invite, code):
    record = register(code)
    contract = invite()
    with pytest.raises(contract_services.ContractError, match="请先在“毕业去向”中撤回"):
        contract_services.accept(actor=cast.student, contract=contract)
    confirm(record)
    with pytest.raises(contract_services.ContractError, match="已落实"):
        contract_services.accept(actor=cast.student, contract=contract)
    assert Contract.objects.get(pk=contract.pk).status == "invited"


@pytest.mark.parametrize("code", ["70", "71", "72"])
def test_codes_70_71_72_do_not_stand_in_the_way_of_accepting(cast, register, confirm, invite, code):
    confirm(register(code, proof=None))
    contract = invite()
    contract_services.accept(actor=cast.student, contract=contract)
    assert Contract.objects.get(pk=contract.pk).status == "accepted"


def test_withdrawing_the_registration_lets_the_graduate_accept(cast, register, invite):
    record = register("11")
    contract = invite()
    services.withdraw(actor=cast.student, record=record)
    contract_services.accept(actor=cast.student, contract=contract)
    assert Contract.objects.get(pk=contract.pk).status == "accepted"


# ---------------------------------------------------------------------------------------------- operators


@pytest.fixture
def operator():
    return UserFactory(role=Role.ADMIN, mobile=None, username="ops", is_staff=True, is_superuser=True)


def test_an_operator_revokes_a_confirmed_record_with_a_reason(cast, register, confirm, operator):
    record = confirm(register("11"))
    with pytest.raises(services.DestinationError):
        services.operator_revoke(actor=operator, record=record, reason="")
    services.operator_revoke(actor=operator, record=record, reason="单位反馈未录用")
    record.refresh_from_db()
    assert record.status == R.REVOKED and record.end_note == "单位反馈未录用"
    assert events(record)[-1] == "operator_revoke"
    assert summary(cast).state == DestinationState.UNREGISTERED
    assert AuditEvent.objects.filter(action="destination.operator_revoke", target_id=str(record.pk)).count() == 1


def test_an_agreement_from_signing_is_not_revoked_by_an_operator(cast, invite, sign, operator):
    contract = sign(invite())
    with pytest.raises(services.DestinationError):
        services.operator_revoke(actor=operator, record=DestinationRecord.objects.get(contract=contract), reason="x")


def test_an_operator_corrects_a_name_with_a_reason_and_the_old_value_is_kept(cast, register, confirm, operator):
    record = confirm(register("11"))
    services.operator_correct(actor=operator, record=record, changes={"unit_name": "北京示例数据科技有限公司"},
                              reason="单位名称有误")
    record.refresh_from_db()
    assert record.unit_name == "北京示例数据科技有限公司" and record.status == R.CONFIRMED
    event = DestinationEvent.objects.filter(record=record).last()
    assert event.action == "operator_correct" and "北京示例数据有限公司" in event.note and "单位名称有误" in event.note
    with pytest.raises(services.DestinationError, match="没有需要更正"):
        services.operator_correct(actor=operator, record=record, changes={}, reason="无")


def test_only_staff_act_as_operators(cast, register, confirm):
    record = confirm(register("11"))
    for actor in (cast.school_reviewer, cast.student, UserFactory(is_staff=False), None):
        with pytest.raises(NotFound):
            services.operator_revoke(actor=actor, record=record, reason="x")


def test_verification_numbers_differ(cast, register, confirm, second_graduate):
    numbers = {confirm(register("70", proof=None)).verification_no}
    for _ in range(5):
        graduate = ActivatedGraduateFactory(college=cast.college)
        numbers.add(confirm(register("70", proof=None, student=graduate.user)).verification_no)
    assert len(numbers) == 6


def test_no_registration_for_a_closed_graduation_year(cast, register):
    from schools.models import GraduationYearClosure

    GraduationYearClosure.objects.create(school=cast.school, year=cast.graduate.graduation_year, reason="届已结束",
                                         closed_by=cast.school_reviewer)
    with pytest.raises(services.DestinationError) as refused:
        register("11")
    assert "毕业年度已关闭，不能再登记毕业去向" in refused.value.message
    assert not DestinationRecord.objects.filter(graduate=cast.graduate).exists()
