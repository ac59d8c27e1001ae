"""Operators' transitions (contracts/services/operator.py): 作废 and 立即失效, their rules, and their refusals."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from contracts import rules, services
from contracts.models import Contract, ContractEvent, ContractStatus
from signing_platform.accounts.models import Role, User
from signing_platform.errors import NotFound
from signing_platform.sms.models import SmsMessage
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
S = ContractStatus
Action = ContractEvent.Action


@pytest.fixture
def operator(db):
    return User.objects.create_superuser("operator", password=PASSWORD)


def staff(*codenames):
    user = UserFactory(role=Role.ADMIN, mobile=None, username=f"staff-{'-'.join(codenames) or 'none'}", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)  # a fresh instance: permissions are cached per object


def overdue(contract):
    Contract.objects.filter(pk=contract.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    return Contract.objects.get(pk=contract.pk)


def assert_unchanged(call, contract, message_part):
    status, events, sms = contract.status, ContractEvent.objects.count(), SmsMessage.objects.count()
    with pytest.raises((services.ContractError, NotFound)) as exc:
        call()
    assert message_part in exc.value.message
    assert Contract.objects.get(pk=contract.pk).status == status
    assert ContractEvent.objects.count() == events and SmsMessage.objects.count() == sms


def test_void_an_invitation_records_the_operator_and_reason_and_tells_both(cast, invite, operator):
    contract = invite()
    services.operator_void(actor=operator, contract=contract, reason="  单位资质存疑  ")
    contract.refresh_from_db()
    assert contract.status == S.VOIDED and contract.closed_at is not None
    event = ContractEvent.objects.filter(contract=contract).last()
    assert (event.action, event.from_status, event.to_status, event.actor, event.note) == (
        Action.OPERATOR_VOID, S.INVITED, S.VOIDED, operator, "单位资质存疑"
    )
    assert event.get_action_display() == "平台作废"
    assert SmsMessage.objects.filter(mobile=cast.student.mobile, body__contains="已被平台作废：单位资质存疑").exists()
    assert SmsMessage.objects.filter(mobile=cast.contact.mobile, body__contains="已被平台作废").exists()


def test_void_an_overdue_invitation_and_one_under_review(cast, invite, operator, second_graduate):
    lapsed = overdue(invite())
    services.operator_void(actor=operator, contract=lapsed, reason="误发")
    under_review = invite(favorite=second_graduate.favorite)
    services.accept(actor=second_graduate.student, contract=under_review)
    services.operator_void(actor=operator, contract=under_review, reason="误发")
    assert set(Contract.objects.values_list("status", flat=True)) == {S.VOIDED}
    # The student is free again: nothing of theirs is active any more.
    assert not Contract.objects.filter(rules.active_q(), graduate=second_graduate.entry).exists()


def test_a_signed_agreement_cannot_be_voided(cast, invite, sign, operator):
    contract = sign(invite())
    assert_unchanged(lambda: services.operator_void(actor=operator, contract=contract, reason="x"), contract, "不能作废")


def test_void_needs_a_reason(cast, invite, operator):
    contract = invite()
    assert_unchanged(lambda: services.operator_void(actor=operator, contract=contract, reason=" "), contract, "请填写作废原因")


def test_expire_now_ends_an_invitation_before_its_deadline(cast, invite, operator):
    contract = invite()
    services.operator_expire(actor=operator, contract=contract, reason="学生反映未申请")
    contract.refresh_from_db()
    assert contract.status == S.EXPIRED and contract.closed_at is not None
    event = ContractEvent.objects.filter(contract=contract).last()
    assert (event.action, event.actor, event.note) == (Action.OPERATOR_EXPIRE, operator, "学生反映未申请")
    assert SmsMessage.objects.filter(mobile=cast.student.mobile, body__contains="已由平台设为失效").exists()


def test_expire_now_only_for_invitations(cast, invite, operator):
    contract = invite()
    services.accept(actor=cast.student, contract=contract)
    contract.refresh_from_db()
    call = lambda: services.operator_expire(actor=operator, contract=contract, reason="x")  # noqa: E731
    assert_unchanged(call, contract, "不是等待应约的邀请函")


@pytest.mark.parametrize("who", ["employer", "school_reviewer", "staff_without_permission"])
def test_only_operators_with_the_permission_may_act(cast, invite, who):
    contract = invite()
    actor = staff("view_contract") if who == "staff_without_permission" else getattr(cast, who)
    for transition in (services.operator_void, services.operator_expire):
        assert_unchanged(lambda t=transition: t(actor=actor, contract=contract, reason="x"), contract, "无权操作")
    services.operator_void(actor=staff("change_contract"), contract=contract, reason="x")
    assert Contract.objects.get(pk=contract.pk).status == S.VOIDED


def test_who_an_operator_may_void_or_expire(cast, invite, sign, second_graduate):
    """The pairs agree in every state (test_rules.py); here, which records each rule picks."""
    signed = sign(invite())
    other_favorite, _ = services.favorite_add(actor=cast.other_employer, graduate=second_graduate.entry)
    lapsed = overdue(invite(unit_user=cast.other_employer, favorite=other_favorite))
    accepted = invite(favorite=second_graduate.favorite)
    services.accept(actor=second_graduate.student, contract=accepted)
    voidable = {c.pk for c in Contract.objects.all() if rules.can_operator_void(c)}
    assert voidable == {lapsed.pk, accepted.pk} and signed.pk not in voidable
    assert [c.pk for c in Contract.objects.all() if rules.can_operator_expire(c)] == [lapsed.pk]
