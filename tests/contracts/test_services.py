"""Every transition of SPEC §3: allowed ones, and refused ones that change nothing and write no event."""

from datetime import timedelta

import pytest
from django.utils import timezone

from contracts import services
from contracts.models import Contract, ContractEvent, ContractStatus
from signing_platform.accounts.models import AuditEvent
from signing_platform.errors import NotFound
from signing_platform.sms.models import SmsMessage

NOT_FOUND = NotFound().message

pytestmark = pytest.mark.django_db
S = ContractStatus


def assert_refused(call, message_part, contract=None):
    before_status = contract and Contract.objects.get(pk=contract.pk).status
    before_events = ContractEvent.objects.count()
    with pytest.raises((services.ContractError, NotFound)) as exc:
        call()
    assert message_part in exc.value.message
    assert ContractEvent.objects.count() == before_events
    if contract is not None:
        assert Contract.objects.get(pk=contract.pk).status == before_status


def events(contract):
    return list(ContractEvent.objects.filter(contract=contract).values_list("action", "from_status", "to_status"))


# ------------------------------------------------------------------------------------------------ invite


def test_invite_creates_an_invited_contract_with_its_event_and_tells_the_student(cast, invite):
    contract = invite()
    assert contract.status == S.INVITED
    assert contract.deadline - contract.created_at == timedelta(days=7)
    assert contract.school_id == cast.graduate.school_id and contract.college_id == cast.graduate.college_id
    assert events(contract) == [("invite", "", "invited")]
    assert SmsMessage.objects.filter(mobile=cast.student.mobile, body__contains="签约邀请函").exists()


def test_one_open_invitation_per_unit_and_student(cast, invite):
    invite()
    assert_refused(invite, "已向该学生发出邀请函")
    assert Contract.objects.count() == 1


def test_another_unit_may_invite_the_same_student(cast, invite):
    invite()
    invite(unit_user=cast.other_employer)
    assert Contract.objects.filter(status=S.INVITED).count() == 2


def test_a_lapsed_invitation_does_not_block_a_new_one_even_before_the_job(cast, invite):
    old = invite()
    Contract.objects.filter(pk=old.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    new = invite()
    old.refresh_from_db()
    assert old.status == S.EXPIRED and new.status == S.INVITED
    assert events(old)[-1] == ("expire", "invited", "expired")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("valid_days", 0, "应约有效期应为1至30天"),
        ("valid_days", 31, "应约有效期应为1至30天"),
        ("post_name", "   ", "请填写拟录用岗位名称"),
        ("post_name", "岗" * 51, "拟录用岗位名称不能超过50个字"),
    ],
)
def test_invalid_post_information_is_refused(cast, invite, field, value, message):
    assert_refused(lambda: invite(**{field: value}), message)
    assert not Contract.objects.exists()


def test_invite_needs_an_authenticated_unit(cast, invite, unauthenticate):
    unauthenticate(cast.unit)
    assert_refused(invite, "单位尚未通过身份认证")


def test_invite_refuses_another_units_contact_and_favorite(cast, invite):
    assert_refused(lambda: invite(contact=cast.other_contact), "请选择本单位有效的签约联系人")
    assert_refused(lambda: invite(unit_user=cast.other_employer, favorite=cast.favorite), "记录不存在或无权操作")


def test_invite_refuses_a_student_who_already_signed(cast, invite, sign):
    sign(invite())
    assert_refused(lambda: invite(unit_user=cast.other_employer), "该学生已有正在审核或已生效的签约")


# ------------------------------------------------------------------------------------------------ withdraw


def test_employer_withdraws_an_unanswered_invitation(cast, invite):
    contract = invite()
    services.withdraw(actor=cast.employer, contract=contract)
    contract.refresh_from_db()
    assert contract.status == S.WITHDRAWN and contract.closed_at is not None
    assert events(contract)[-1] == ("withdraw", "invited", "withdrawn")


def test_withdraw_is_refused_for_another_unit_and_after_acceptance(cast, invite):
    contract = invite()
    assert_refused(lambda: services.withdraw(actor=cast.other_employer, contract=contract), "记录不存在", contract)
    services.accept(actor=cast.student, contract=contract)
    assert_refused(lambda: services.withdraw(actor=cast.employer, contract=contract), "不能撤回", contract)


# ------------------------------------------------------------------------------------------------ the student


def test_student_accepts_and_the_college_review_starts(cast, invite):
    contract = invite()
    services.accept(actor=cast.student, contract=contract, note="愿意入职")
    contract.refresh_from_db()
    assert contract.status == S.ACCEPTED and contract.two_level_review
    assert contract.shown_status == "学生已应约提交申请（待学院审核）"
    assert events(contract)[-1] == ("accept", "invited", "accepted")
    assert SmsMessage.objects.filter(mobile=contract.contact_mobile, body__contains="已应约").exists()


def test_accept_after_the_deadline_is_refused_even_before_the_job_ran(cast, invite):
    contract = invite()
    Contract.objects.filter(pk=contract.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    assert_refused(lambda: services.accept(actor=cast.student, contract=contract), "已超过应约有效期", contract)


def test_accept_is_refused_while_another_contract_is_active(cast, invite):
    first = invite()
    second = invite(unit_user=cast.other_employer)
    services.accept(actor=cast.student, contract=first)
    assert_refused(lambda: services.accept(actor=cast.student, contract=second), "你已有正在审核或已生效的签约", second)


def test_only_the_invited_student_can_answer(cast, invite):
    contract = invite()
    for outsider in (cast.other_student, cast.employer, cast.school_reviewer):
        assert_refused(lambda outsider=outsider: services.accept(actor=outsider, contract=contract), "记录不存在", contract)
        assert_refused(lambda outsider=outsider: services.refuse(actor=outsider, contract=contract), "记录不存在", contract)


def test_student_refuses_with_a_reason(cast, invite):
    contract = invite()
    services.refuse(actor=cast.student, contract=contract, reason="已有其他选择")
    contract.refresh_from_db()
    assert contract.status == S.REFUSED and contract.student_note == "已有其他选择"
    assert events(contract)[-1] == ("refuse", "invited", "refused")
    assert_refused(lambda: services.accept(actor=cast.student, contract=contract), "不能应约", contract)


# ------------------------------------------------------------------------------------------------ reviews


def test_two_level_review_college_then_school_signs(cast, invite):
    contract = invite()
    services.accept(actor=cast.student, contract=contract)
    assert_refused(lambda: services.approve(actor=cast.school_reviewer, contract=contract), "不在你的审核环节", contract)
    services.approve(actor=cast.college_reviewer, contract=contract)
    contract.refresh_from_db()
    assert contract.status == S.COLLEGE_APPROVED
    assert_refused(lambda: services.approve(actor=cast.college_reviewer, contract=contract), "不在你的审核环节", contract)
    services.approve(actor=cast.school_reviewer, contract=contract)
    contract.refresh_from_db()
    assert contract.status == S.SIGNED
    assert [e[0] for e in events(contract)] == ["invite", "accept", "college_approve", "school_approve"]


def test_one_level_school_signs_directly(cast, invite, one_level):
    one_level(cast.graduate.school)
    contract = invite()
    services.accept(actor=cast.student, contract=contract)
    contract.refresh_from_db()
    assert not contract.two_level_review
    assert_refused(lambda: services.approve(actor=cast.college_reviewer, contract=contract), "不在你的审核环节", contract)
    services.approve(actor=cast.school_reviewer, contract=contract)
    contract.refresh_from_db()
    assert contract.status == S.SIGNED


def test_signing_assigns_the_agreement_number_copies_the_archive_and_voids_other_invitations(cast, invite, sign):
    other = invite(unit_user=cast.other_employer)
    contract = sign(invite())
    year, code, level = contract.graduation_year, contract.school.code, contract.graduate.education_national_code
    assert contract.agreement_no == f"{year}{code}{level}000001"
    assert len(contract.verification_code) == 8
    assert contract.archive_receiver_name == cast.archive.receiver_name
    assert contract.archive_postcode == cast.archive.postcode
    other.refresh_from_db()
    assert other.status == S.VOIDED and other.shown_status == "已失效"
    assert events(other)[-1] == ("void", "invited", "voided")
    assert ContractEvent.objects.get(contract=other, action="void").actor is None


def test_agreement_numbers_count_up_per_school_year_and_level(cast, invite, sign, second_graduate):
    first = sign(invite())
    second = sign(invite(favorite=second_graduate.favorite), student=second_graduate.student)
    assert int(second.agreement_no[-6:]) == int(first.agreement_no[-6:]) + 1


def test_reject_needs_a_reason_and_records_it(cast, invite):
    contract = invite()
    services.accept(actor=cast.student, contract=contract)
    assert_refused(lambda: services.reject(actor=cast.college_reviewer, contract=contract, reason=" "), "请填写不通过原因", contract)
    services.reject(actor=cast.college_reviewer, contract=contract, reason="专业与岗位不符")
    contract.refresh_from_db()
    assert contract.status == S.REJECTED and contract.review_note == "专业与岗位不符"
    assert contract.shown_status == "学校(学院)审核不通过：专业与岗位不符"
    assert events(contract)[-1] == ("reject", "accepted", "rejected")


def test_reviewers_of_another_college_or_school_cannot_review(cast, invite):
    contract = invite()
    services.accept(actor=cast.student, contract=contract)
    for outsider in (cast.other_college_reviewer, cast.other_school_reviewer, cast.employer, cast.student):
        assert_refused(lambda outsider=outsider: services.approve(actor=outsider, contract=contract), "记录不存在", contract)
        assert_refused(lambda outsider=outsider: services.reject(actor=outsider, contract=contract, reason="x"), "记录不存在", contract)


def test_a_disabled_reviewer_cannot_review(cast, invite):
    contract = invite()
    services.accept(actor=cast.student, contract=contract)
    cast.college_reviewer.reviewer.is_active = False
    cast.college_reviewer.reviewer.save()
    assert_refused(lambda: services.approve(actor=cast.college_reviewer, contract=contract), "记录不存在", contract)


def test_batch_approve_passes_what_it_can_and_says_why_not_for_the_rest(cast, invite, second_graduate):
    first = invite()
    services.accept(actor=cast.student, contract=first)
    waiting = invite(favorite=second_graduate.favorite)
    approved, problems = services.batch_approve(actor=cast.college_reviewer, contract_ids=[first.pk, waiting.pk])
    assert approved == 1 and len(problems) == 1 and "不在你的审核环节" in problems[0]
    first.refresh_from_db()
    assert first.status == S.COLLEGE_APPROVED


# ------------------------------------------------------------------------------------------------ jobs


def test_expire_overdue_marks_only_lapsed_invitations_and_is_idempotent(cast, invite, second_graduate):
    lapsed = invite()
    fresh = invite(favorite=second_graduate.favorite)
    Contract.objects.filter(pk=lapsed.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    assert services.expire_overdue() == 1
    assert services.expire_overdue() == 0
    lapsed.refresh_from_db()
    fresh.refresh_from_db()
    assert lapsed.status == S.EXPIRED and fresh.status == S.INVITED
    assert ContractEvent.objects.filter(action="expire").count() == 1


def test_expire_overdue_works_in_batches(cast, invite, second_graduate):
    invite()
    invite(favorite=second_graduate.favorite)
    Contract.objects.update(deadline=timezone.now() - timedelta(seconds=1))
    assert services.expire_overdue(batch_size=1) == 2
    assert not Contract.objects.filter(status=S.INVITED).exists()


def test_students_are_reminded_once_a_day_before_the_deadline(cast, invite):
    contract = invite(valid_days=1)
    assert services.remind_expiring() == 1
    assert services.remind_expiring() == 0
    assert SmsMessage.objects.filter(body__contains="到期").count() == 1
    contract.refresh_from_db()
    assert contract.reminder_sent_at is not None


# ------------------------------------------------------------------------------------------------ favorites


def test_favorite_add_is_idempotent_and_audited(cast):
    favorite, created = services.favorite_add(actor=cast.employer, graduate=cast.second_graduate_entry)
    again, created_again = services.favorite_add(actor=cast.employer, graduate=cast.second_graduate_entry)
    assert created and not created_again and favorite == again
    assert AuditEvent.objects.filter(action="favorite.add", target_id=str(favorite.pk)).count() == 1


def test_favorite_remove_is_refused_while_an_invitation_is_open(cast, invite):
    contract = invite()
    with pytest.raises(services.ContractError):
        services.favorite_remove(actor=cast.employer, favorite=cast.favorite)
    services.withdraw(actor=cast.employer, contract=contract)
    services.favorite_remove(actor=cast.employer, favorite=cast.favorite)
    assert AuditEvent.objects.filter(action="favorite.remove").count() == 1


def test_favorite_remove_is_refused_to_another_unit(cast):
    with pytest.raises(NotFound):
        services.favorite_remove(actor=cast.other_employer, favorite=cast.favorite)
