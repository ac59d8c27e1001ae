import pytest
from django.urls import reverse

from schools.models import CorrectionRequest, Graduate
from signing_platform.accounts.models import AuditEvent, User
from signing_platform.sms.models import SmsMessage
from tests.factories import PASSWORD, StudentUserFactory
from tests.schools.factories import ActivatedGraduateFactory, SchoolReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_graduate(client):
    graduate = ActivatedGraduateFactory(confirmed_at=None)
    client.force_login(graduate.user)
    return graduate


@pytest.fixture
def graduate(client):
    graduate = ActivatedGraduateFactory()
    client.force_login(graduate.user)
    return graduate


@pytest.mark.parametrize(
    "name", ["students:home", "contracts:student_invitations", "destinations:student", "students:profile", "students:change_mobile"]
)
def test_every_page_waits_for_the_confirmation(client, new_graduate, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"] == reverse("students:confirm")


def test_confirming_enters_the_system(client, new_graduate):
    response = client.post(reverse("students:confirm"))
    assert response["Location"] == reverse("students:home")
    new_graduate.refresh_from_db()
    assert new_graduate.confirmed_at is not None
    assert AuditEvent.objects.filter(action="graduate.confirm").count() == 1
    client.post(reverse("students:confirm"))
    assert AuditEvent.objects.filter(action="graduate.confirm").count() == 1
    assert client.get(reverse("students:confirm"))["Location"] == reverse("students:home")


def test_a_correction_request_from_the_confirm_page(client, new_graduate):
    response = client.post(reverse("students:correction"), {"message": "学号应为2022009999"})
    assert response["Location"] == reverse("students:confirm")
    assert CorrectionRequest.objects.get(graduate=new_graduate).message == "学号应为2022009999"
    assert "更正申请正在等待学校处理" in client.get(reverse("students:confirm")).content.decode()
    again = client.post(reverse("students:correction"), {"message": "再来"})
    assert "您已有一条待处理的更正申请" in again.content.decode()
    assert "请填写需要更正的内容" in client.post(reverse("students:correction"), {"message": " "}).content.decode()


def test_menu_and_empty_states(client, graduate):
    html = client.get(reverse("students:home")).content.decode()
    for label in ("我的邀请", "我的签约", "毕业去向", "个人信息"):
        assert label in html
    assert "暂无签约记录" in html
    assert "暂无待处理的邀请函" in client.get(reverse("contracts:student_invitations")).content.decode()
    assert "未落实" in client.get(reverse("destinations:student")).content.decode()


def test_profile_shows_the_full_id_number_to_the_graduate_only(client, graduate):
    html = client.get(reverse("students:profile")).content.decode()
    assert graduate.id_number() in html and "修改密码" in html and "更换手机号" in html
    reviewer = SchoolReviewerFactory(school=graduate.school)
    client.force_login(reviewer.user)
    roster = client.get(reverse("schools:roster")).content.decode()
    assert graduate.id_masked in roster and graduate.id_number() not in roster


def test_a_student_without_a_roster_entry_gets_404(client):
    client.force_login(StudentUserFactory())
    for name in ("home", "confirm", "profile", "correction"):
        assert client.get(reverse(f"students:{name}")).status_code == 404


def test_other_roles_get_404(client):
    client.force_login(SchoolReviewerFactory().user)
    assert client.get(reverse("students:profile")).status_code == 404


def test_wrong_methods(client, graduate):
    assert client.post(reverse("students:profile")).status_code == 405
    assert client.post(reverse("students:home")).status_code == 405


def test_change_mobile_with_a_code_to_the_new_number(client, graduate, ask_code, outbox_code, django_capture_on_commit_callbacks):
    url = reverse("students:change_mobile")
    old = graduate.user.mobile
    ask_code(url, "13600136000")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"password": PASSWORD, "mobile": "13600136000", "code": outbox_code("13600136000")})
    assert response["Location"] == reverse("students:profile")
    assert User.objects.get(pk=graduate.user.pk).mobile == "13600136000"
    assert AuditEvent.objects.filter(action="user.mobile_change").exists()
    assert SmsMessage.objects.filter(mobile=old, body__contains="已更换").exists()


def test_change_mobile_refuses_a_wrong_password_and_a_taken_number(client, graduate, ask_code, outbox_code):
    url = reverse("students:change_mobile")
    ask_code(url, "13600136000")
    wrong = client.post(url, {"password": "nope", "mobile": "13600136000", "code": outbox_code("13600136000")})
    assert "当前密码不正确" in wrong.content.decode()
    other = StudentUserFactory()
    taken = client.post(url, {"password": PASSWORD, "mobile": other.mobile, "code": "123456"})
    assert "该手机号已被其他账号使用" in taken.content.decode()
    assert Graduate.objects.get(pk=graduate.pk).user.mobile == graduate.user.mobile
