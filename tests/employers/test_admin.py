"""Review of 身份认证 in Django admin: list, filters, licence link, approve and reject as actions and on the page."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from employers.models import AuthStatus, RequestStatus
from signing_platform.accounts.models import AuditEvent, User
from signing_platform.sms.models import SmsMessage
from tests.employers.factories import AuthenticationRequestFactory
from tests.factories import PASSWORD, EmployerUserFactory

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
