"""Employers in Django admin: the review of 身份认证 (list, licence, approve and reject as actions and on the page), units
and contacts read-only, and 设为单位管理员 through the service."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.db import IntegrityError, transaction
from django.urls import reverse

from employers import services
from employers.models import AuthStatus, RequestStatus, UnitMember
from signing_platform.accounts.models import AuditEvent, Role, User
from signing_platform.errors import NotFound
from signing_platform.sms.models import SmsMessage
from tests.employers.factories import AuthenticationRequestFactory, ContactFactory, EmployerFactory, UnitMemberFactory
from tests.factories import PASSWORD, EmployerUserFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:employers_authenticationrequest_changelist")


@pytest.fixture
def operator(client):
    user = User.objects.create_superuser("operator", password=PASSWORD)
    client.force_login(user)
    return user


def test_changelist_filters_searches_and_links_the_licence(client, operator, django_assert_max_num_queries):
    pending = AuthenticationRequestFactory(name="待审核甲公司")
    AuthenticationRequestFactory(name="已通过乙公司", status=RequestStatus.APPROVED, reviewed_at="2026-01-01T00:00Z")
    with django_assert_max_num_queries(20):
        page = client.get(CHANGELIST, {"status__exact": "pending"}).text
    assert "待审核甲公司" in page and "已通过乙公司" not in page
    assert reverse("employers:licence", args=[pending.pk]) in page
    assert "待审核甲公司" in client.get(CHANGELIST, {"q": pending.credit_code}).text


def test_approve_action(client, operator, django_capture_on_commit_callbacks):
    request = AuthenticationRequestFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(CHANGELIST, {"action": "approve_selected", ACTION_CHECKBOX_NAME: [request.pk]})
    assert response.status_code == 302
    request.refresh_from_db()
    request.unit.refresh_from_db()
    assert request.status == RequestStatus.APPROVED and request.reviewed_by == operator
    assert request.unit.auth_status == AuthStatus.AUTHENTICATED
    assert SmsMessage.objects.filter(mobile=request.submitted_by.mobile).count() == 1 and len(callbacks) == 1
    assert AuditEvent.objects.filter(action="unit.authentication_approve", actor=operator).count() == 1


def test_reject_action_asks_for_a_reason_first(client, operator):
    request = AuthenticationRequestFactory()
    form = client.post(CHANGELIST, {"action": "reject_selected", ACTION_CHECKBOX_NAME: [request.pk]})
    assert form.status_code == 200 and "未通过原因" in form.text
    empty = client.post(CHANGELIST, {"action": "reject_selected", ACTION_CHECKBOX_NAME: [request.pk], "apply": "1", "reason": ""})
    assert "请填写未通过原因" in empty.text
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING
    client.post(CHANGELIST, {"action": "reject_selected", ACTION_CHECKBOX_NAME: [request.pk], "apply": "1", "reason": "执照过期"})
    request.refresh_from_db()
    request.unit.refresh_from_db()
    assert request.status == RequestStatus.REJECTED and request.reason == "执照过期"
    assert request.unit.auth_status == AuthStatus.REJECTED
    assert "执照过期" in SmsMessage.objects.get().body


def test_approve_and_reject_on_the_change_page(client, operator):
    first, second = AuthenticationRequestFactory(), AuthenticationRequestFactory()
    change = client.get(reverse("admin:employers_authenticationrequest_change", args=[first.pk])).text
    assert "审核通过" in change and "驳回" in change
    assert f'<img src="{reverse("employers:licence", args=[first.pk])}"' in change
    approve_url = reverse("admin:employers_authenticationrequest_approve", args=[first.pk])
    assert client.get(approve_url).status_code == 405
    client.post(approve_url)
    reject_url = reverse("admin:employers_authenticationrequest_reject", args=[second.pk])
    assert "未通过原因" in client.get(reject_url).text
    client.post(reject_url, {"reason": "信息不一致"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == RequestStatus.APPROVED and second.status == RequestStatus.REJECTED
    again = client.post(approve_url, follow=True)
    assert "不能重复审核" in again.text


def test_non_staff_cannot_review(client):
    request = AuthenticationRequestFactory()
    client.force_login(EmployerUserFactory())
    response = client.post(reverse("admin:employers_authenticationrequest_approve", args=[request.pk]))
    assert response.status_code == 302 and "/admin/login" in response["Location"]
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING


# ------------------------------------------------------------------------------------------------ units


def test_a_units_data_is_read_only_in_admin(client, operator):
    unit = EmployerFactory().unit
    change = reverse("admin:employers_unit_change", args=[unit.pk])
    page = client.get(change)
    assert page.status_code == 200 and "重新提交身份认证" in page.text and 'name="name"' not in page.text
    response = client.post(change, {"name": "改名后的公司", "address": "别处"})
    assert response.status_code == 403
    unit.refresh_from_db()
    assert unit.name != "改名后的公司" and unit.auth_status == AuthStatus.AUTHENTICATED
    assert client.post(reverse("admin:employers_unit_delete", args=[unit.pk]), {"post": "yes"}).status_code == 403
    assert not AuditEvent.objects.exists()


def test_contacts_are_found_across_units_and_read_only(client, operator):
    contact = ContactFactory(name="钱经理")
    ContactFactory(name="孙经理")
    listing = client.get(reverse("admin:employers_contact_changelist"), {"q": contact.unit.name}).text
    assert "钱经理" in listing and "孙经理" not in listing
    change = reverse("admin:employers_contact_change", args=[contact.pk])
    assert client.post(change, {"name": "x", "mobile": contact.mobile}).status_code == 403
    contact.refresh_from_db()
    assert contact.name == "钱经理"


# ------------------------------------------------------------------------------------------------ 设为单位管理员

MEMBERS = reverse("admin:employers_unitmember_changelist")


def make_admin(client, member, **data):
    return client.post(MEMBERS, {"action": "make_unit_admin", ACTION_CHECKBOX_NAME: [member.pk], **data})


def test_hand_the_admin_role_to_another_user_of_the_unit(client, operator, django_capture_on_commit_callbacks):
    admin = EmployerFactory()
    successor = UnitMemberFactory(unit=admin.unit, is_admin=False)
    page = make_admin(client, successor)
    assert page.status_code == 200 and "变更原因" in page.text and str(successor) in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = make_admin(client, successor, apply="1", reason="原管理员离职")
    assert response.status_code == 302
    admin.refresh_from_db()
    successor.refresh_from_db()
    assert successor.is_admin and not admin.is_admin and admin.is_active
    event = AuditEvent.objects.get(action="unit.admin_transfer")
    assert event.actor == operator and event.target_id == str(successor.pk)
    assert event.detail == {"unit": admin.unit_id, "previous": admin.pk, "reason": "原管理员离职"}
    assert SmsMessage.objects.filter(mobile=successor.user.mobile, body__contains="单位管理员").exists()
    assert SmsMessage.objects.filter(mobile=admin.user.mobile, body__contains="现为子账号").exists()
    # The new admin manages sub-accounts now: the old admin can be disabled like any sub-account.
    services.sub_account_set_active(unit=admin.unit, actor=successor.user, member=admin, active=False)


def test_refused_transfers_change_nothing(client, operator):
    admin = EmployerFactory()
    disabled = UnitMemberFactory(unit=admin.unit, is_admin=False, is_active=False)
    other = UnitMemberFactory(unit=admin.unit, is_admin=False)
    make_admin(client, disabled, apply="1", reason="x")
    assert "该账号已停用" in client.get(MEMBERS).text
    make_admin(client, admin, apply="1", reason="x")
    assert "该用户已是本单位管理员" in client.get(MEMBERS).text
    both = client.post(MEMBERS, {"action": "make_unit_admin", ACTION_CHECKBOX_NAME: [disabled.pk, other.pk]}, follow=True)
    assert "请只选择一位" in both.text
    assert "请填写变更原因" in make_admin(client, other, apply="1", reason=" ").text
    assert list(UnitMember.objects.filter(unit=admin.unit, is_admin=True)) == [admin]
    assert not AuditEvent.objects.filter(action="unit.admin_transfer").exists()


def test_the_database_keeps_one_admin_per_unit():
    admin = EmployerFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitMemberFactory(unit=admin.unit, is_admin=True)


def test_only_operators_may_transfer(client):
    admin = EmployerFactory()
    successor = UnitMemberFactory(unit=admin.unit, is_admin=False)
    with pytest.raises(NotFound):
        services.unit_admin_transfer(actor=admin.user, member=successor, reason="x")
    viewer = UserFactory(role=Role.ADMIN, mobile=None, username="viewer", is_staff=True)
    viewer.user_permissions.set(Permission.objects.filter(codename="view_unitmember"))
    client.force_login(viewer)
    assert "设为单位管理员" not in client.get(MEMBERS).text
    make_admin(client, successor, apply="1", reason="x")
    successor.refresh_from_db()
    assert not successor.is_admin
