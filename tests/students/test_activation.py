import pytest
from django.urls import reverse

from schools.models import Graduate
from signing_platform.accounts.models import AuditEvent, Role, User
from signing_platform.sms.models import SmsCode
from tests.schools.factories import ActivatedGraduateFactory, GraduateFactory, SchoolFactory, make_id_number

pytestmark = pytest.mark.django_db

URL = reverse("students:activate")
MOBILE = "13700138000"
PASSWORD = "Biye#2026ok"
NO_MATCH = "请核对姓名、身份证号与毕业院校"


@pytest.fixture
def graduate():
    return GraduateFactory(name="陈晨", id_number=make_id_number(321))


@pytest.fixture
def submit(client, ask_code, outbox_code, graduate):
    def send(mobile=MOBILE, **overrides):
        ask_code(URL, mobile)
        data = {
            "name": "陈晨", "id_number": make_id_number(321), "school": graduate.school_id, "mobile": mobile,
            "code": outbox_code(mobile), "password1": PASSWORD, "password2": PASSWORD, **overrides,
        }
        return client.post(URL, data)

    return send


def test_page_shows_the_labels_and_is_linked_from_landing_and_login(client):
    html = client.get(URL).content.decode()
    for label in ["姓名", "身份证号", "毕业院校", "手机号", "短信验证码", "免费获取", "密码", "密码确认"]:
        assert label in html
    for page in (reverse("home"), reverse("accounts:login")):
        assert URL in client.get(page).content.decode()


def test_activation_creates_the_one_account_and_shows_the_data_to_confirm(client, submit, graduate):
    response = submit(id_number=f" {make_id_number(321).lower()} ")
    assert response.status_code == 302 and response["Location"] == reverse("students:confirm")
    graduate.refresh_from_db()
    user = graduate.user
    assert user.role == Role.STUDENT and user.mobile == MOBILE and user.name == "陈晨" and user.check_password(PASSWORD)
    assert AuditEvent.objects.filter(action="student.activate", target_id=str(graduate.pk)).exists()
    html = client.get(reverse("students:confirm")).content.decode()
    assert "信息确认，进入系统" in html and make_id_number(321) in html and graduate.major in html


@pytest.mark.parametrize(
    "wrong",
    [{"name": "陈辰"}, {"id_number": make_id_number(322)}, {"school": "other"}],
    ids=["name", "id_number", "school"],
)
def test_each_wrong_field_fails_with_the_same_message(client, submit, wrong):
    if wrong.get("school") == "other":
        wrong = {"school": SchoolFactory().pk}
    response = submit(**wrong)
    html = response.content.decode()
    assert response.status_code == 200 and NO_MATCH in html
    assert not User.objects.filter(mobile=MOBILE).exists()
    # The code is used up: every probe of the roster costs a fresh SMS code.
    assert SmsCode.objects.get(mobile=MOBILE).used_at is not None
    assert Graduate.objects.filter(user__isnull=False).count() == 0


def test_a_second_account_for_the_same_entry_is_refused(client, submit, graduate):
    submit()
    client.logout()
    response = submit(mobile="13700138001")
    assert "该生源信息已开通账号" in response.content.decode()
    assert not User.objects.filter(mobile="13700138001").exists()
    graduate.refresh_from_db()
    assert graduate.user.mobile == MOBILE


def test_a_mobile_already_registered_is_refused_before_a_code_is_sent(client, ask_code):
    ActivatedGraduateFactory(user__mobile=MOBILE)
    response = ask_code(URL, MOBILE)
    assert "该手机号已注册，请直接登录" in response.content.decode()
    assert not SmsCode.objects.filter(mobile=MOBILE).exists()


def test_a_wrong_code_creates_nothing(client, submit):
    response = submit(code="000000")
    assert "验证码错误" in response.content.decode()
    assert not User.objects.filter(mobile=MOBILE).exists()


def test_bad_input_is_reported_next_to_each_field(client):
    response = client.post(URL, {"name": "", "id_number": "110105194912310021", "school": "x", "mobile": "1", "code": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    for message in ["请输入姓名", "身份证号校验位不正确，请核对", "请选择毕业院校", "请输入正确的11位手机号码", "请输入6位数字验证码"]:
        assert message in html


def test_wrong_method(client):
    assert client.put(URL).status_code == 405


def test_the_id_number_is_not_in_the_database_in_clear(submit, graduate):
    from django.db import connection

    submit()
    id_number = make_id_number(321)
    with connection.cursor() as cursor:
        for table in ("schools_graduate", "accounts_user", "accounts_auditevent", "sms_smscode"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            assert not any(id_number in str(value) for row in cursor.fetchall() for value in row), table


def test_the_id_number_is_not_logged(submit, caplog, settings):
    settings.DEBUG = True  # SQL statements are logged with their parameters
    caplog.set_level("DEBUG")
    caplog.set_level("DEBUG", logger="django.db.backends")
    submit()
    submit(name="别人")
    assert any(record.name == "django.db.backends" for record in caplog.records)
    assert make_id_number(321) not in caplog.text
