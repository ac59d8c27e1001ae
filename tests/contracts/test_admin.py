"""Contracts in Django admin: read-only records, every contract's history searchable, and the operators' actions
(作废, 立即失效) through the services, each with a reason asked for on a confirmation page."""

import datetime

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse

from contracts import services
from contracts.models import Contract, ContractEvent, ContractStatus
from signing_platform.accounts.models import Role, User
from signing_platform.sms.models import SmsMessage
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
S = ContractStatus
CONTRACTS = reverse("admin:contracts_contract_changelist")
EVENTS = reverse("admin:contracts_contractevent_changelist")


@pytest.fixture
def operator(client, db):
    user = User.objects.create_superuser("operator", password=PASSWORD)
    client.force_login(user)
    return user


@pytest.fixture
def viewer(client, db):
    """Staff who may read contracts but not act on them."""
    user = UserFactory(role=Role.ADMIN, mobile=None, username="viewer", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_contract", "view_contractevent"]))
    client.force_login(user)
    return user


def results(response) -> str:
    """The changelist's table of results (not its filters, which name every choice)."""
    html = response.content.decode()
    start = html.index('<table id="result_list"')
    return html[start:html.index("</table>", start)]


def act(client, action, contracts, **data):
    return client.post(CONTRACTS, {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in contracts], **data})


def test_void_asks_for_a_reason_then_voids_through_the_service(client, cast, invite, operator):
    contract = invite()
    page = act(client, "void_selected", [contract])
    assert page.status_code == 200 and "作废原因" in page.text and str(contract) in page.text
    empty = act(client, "void_selected", [contract], apply="1", reason="  ")
    assert "请填写作废原因" in empty.text
    assert Contract.objects.get(pk=contract.pk).status == S.INVITED
    done = act(client, "void_selected", [contract], apply="1", reason="单位已注销")
    assert done.status_code == 302
    contract.refresh_from_db()
    assert contract.status == S.VOIDED
    event = ContractEvent.objects.filter(contract=contract).last()
    assert (event.action, event.actor, event.note) == (ContractEvent.Action.OPERATOR_VOID, operator, "单位已注销")
    assert "已作废 1 条签约记录" in client.get(CONTRACTS).text


def test_void_leaves_signed_agreements_alone(client, cast, invite, sign, operator, second_graduate):
    signed = sign(invite())
    open_one = invite(favorite=second_graduate.favorite)
    page = act(client, "void_selected", [signed, open_one])
    assert str(open_one) in page.text and str(signed) not in page.text
    act(client, "void_selected", [signed, open_one], apply="1", reason="误发")
    assert Contract.objects.get(pk=signed.pk).status == S.SIGNED
    assert Contract.objects.get(pk=open_one.pk).status == S.VOIDED
    only_signed = act(client, "void_selected", [signed])
    assert "所选记录中没有可以执行此操作的记录" in only_signed.text and "<form method=\"post\" novalidate>" not in only_signed.text


def test_a_refusal_under_the_lock_is_reported_and_changes_nothing(client, cast, invite, operator):
    contract = invite()
    page = act(client, "void_selected", [contract])
    assert page.status_code == 200
    # Between the confirmation page and the click, the student accepted and the school signed.
    services.accept(actor=cast.student, contract=contract)
    services.approve(actor=cast.college_reviewer, contract=contract)
    services.approve(actor=cast.school_reviewer, contract=contract)
    events = ContractEvent.objects.count()
    response = act(client, "void_selected", [contract], apply="1", reason="误发")
    assert response.status_code == 302
    assert Contract.objects.get(pk=contract.pk).status == S.SIGNED and ContractEvent.objects.count() == events


def test_expire_now(client, cast, invite, operator):
    contract = invite()
    sms_before = SmsMessage.objects.count()
    page = act(client, "expire_selected", [contract])
    assert "失效原因" in page.text
    act(client, "expire_selected", [contract], apply="1", reason="学生反映未申请")
    contract.refresh_from_db()
    assert contract.status == S.EXPIRED
    assert ContractEvent.objects.filter(contract=contract, action="operator_expire", actor=operator).exists()
    assert SmsMessage.objects.count() == sms_before + 2


def test_staff_without_the_change_permission_reads_but_cannot_act(client, cast, invite, viewer):
    contract = invite()
    listing = client.get(CONTRACTS)
    assert listing.status_code == 200 and "作废所选签约记录" not in listing.text
    response = act(client, "void_selected", [contract], apply="1", reason="x")
    assert Contract.objects.get(pk=contract.pk).status == S.INVITED
    assert response.status_code in (200, 302)


def test_contracts_and_their_events_cannot_be_added_edited_or_deleted(client, cast, invite, operator):
    contract = invite()
    event = ContractEvent.objects.get(contract=contract)
    for name, obj in (("contract", contract), ("contractevent", event)):
        assert client.get(reverse(f"admin:contracts_{name}_add")).status_code == 403
        assert client.post(reverse(f"admin:contracts_{name}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
        change = reverse(f"admin:contracts_{name}_change", args=[obj.pk])
        assert client.post(change, {"note": "x", "post_name": "x"}).status_code == 403
    assert Contract.objects.get(pk=contract.pk).post_name == "软件工程师"
    assert ContractEvent.objects.get(pk=event.pk).note == ""


def test_contract_events_are_searchable_across_contracts(client, cast, invite, sign, operator, second_graduate):
    signed = sign(invite())
    invite(favorite=second_graduate.favorite)
    by_number = results(client.get(EVENTS, {"q": signed.agreement_no}))
    assert "学校审核通过，签约完成" in by_number and "李四" not in by_number
    by_student = results(client.get(EVENTS, {"q": "李四"}))
    assert "李四" in by_student and "张三" not in by_student
    by_unit = results(client.get(EVENTS, {"q": cast.unit.name}))
    assert "张三" in by_unit and "李四" in by_unit
    assert 'id="result_list"' not in client.get(EVENTS, {"q": cast.other_unit.name}).text
    invitations = results(client.get(EVENTS, {"action__exact": "invite"}))
    assert "单位已发起邀请" in invitations and "学校审核通过，签约完成" not in invitations


def past_event(contract, at, **fields):
    """An event as if written at `at` (events are append-only: PostgreSQL refuses to move an existing one)."""
    return ContractEvent.objects.create(contract=contract, unit_id=contract.unit_id, action="withdraw", from_status=S.INVITED,
                                        to_status=S.WITHDRAWN, created_at=at, **fields)


def test_contract_events_filter_by_date(client, cast, invite, operator):
    past_event(invite(), datetime.datetime(2025, 3, 1, 8, tzinfo=datetime.UTC))
    invite(unit_user=cast.other_employer)
    march = results(client.get(EVENTS, {"created_at__year": 2025, "created_at__month": 3}))
    assert cast.unit.name in march and cast.other_unit.name not in march


def test_inline_event_times_are_shown_in_beijing_time(client, cast, invite, operator):
    contract = invite()
    past_event(contract, datetime.datetime(2026, 5, 1, 16, 30, tzinfo=datetime.UTC))
    page = client.get(reverse("admin:contracts_contract_change", args=[contract.pk])).text
    # Both the time column and the row's title (the event's str) say 00:30 in Beijing, never 16:30 UTC.
    assert "2026年5月2日 00:30" in page and "2026-05-02 00:30" in page
    assert "2026-05-01 16:30" not in page and "2026年5月1日 16:30" not in page
