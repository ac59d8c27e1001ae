import pytest
from django.urls import reverse

from signing_platform.accounts.models import AuditEvent
from tests.factories import PASSWORD, EmployerUserFactory

pytestmark = pytest.mark.django_db

RESET = reverse("accounts:password_reset")
CHANGE = reverse("accounts:password_change")
NEW = "Xinmima#2027"


def test_reset_by_sms_code_sets_the_new_password(client, ask_code, outbox_code):
    user = EmployerUserFactory(mobile="13800138000")
    ask_code(RESET, "13800138000")
    response = client.post(
        RESET, {"mobile": "13800138000", "code": outbox_code("13800138000"), "password1": NEW, "password2": NEW}
    )
    assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditEvent.objects.filter(action="user.password_reset", target_id=str(user.pk)).exists()


def test_reset_of_an_account_disabled_after_its_code_was_sent_is_refused(client, ask_code, outbox_code):
    user = EmployerUserFactory(mobile="13800138000")
    ask_code(RESET, "13800138000")
    user.is_active = False
    user.save()
    response = client.post(
        RESET, {"mobile": "13800138000", "code": outbox_code("13800138000"), "password1": NEW, "password2": NEW}
    )
    assert "该账号不可用，请联系平台管理员" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="user.password_reset").exists()


def test_reset_with_a_wrong_code_changes_nothing(client, ask_code, outbox_code):
    user = EmployerUserFactory(mobile="13800138000")
    ask_code(RESET, "13800138000")
    wrong = "000000" if outbox_code("13800138000") != "000000" else "111111"
    response = client.post(RESET, {"mobile": "13800138000", "code": wrong, "password1": NEW, "password2": NEW})
    assert "验证码错误" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_change_password_needs_the_old_one(client):
    user = EmployerUserFactory()
    client.force_login(user)
    response = client.post(CHANGE, {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 200 and "旧密码" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    response = client.post(CHANGE, {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW)
    assert AuditEvent.objects.filter(action="user.password_change").count() == 1
    # The session survives the change.
    assert client.get(CHANGE).status_code == 200


def test_change_password_needs_sign_in(client):
    assert client.get(CHANGE).status_code == 302
