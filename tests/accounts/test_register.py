import pytest
from django.urls import reverse

from signing_platform.accounts.models import AuditEvent, Role, User
from signing_platform.sms.models import SmsCode
from tests.factories import EmployerUserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:register")
MOBILE = "13800138000"
GOOD_PASSWORD = "Zhaopin#2026"


@pytest.fixture
def ask(ask_code):
    def press(mobile=MOBILE, **headers):
        return ask_code(URL, mobile, **headers)

    return press


def submit(client, **overrides):
    data = {"name": "李人事", "mobile": MOBILE, "code": "", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD, **overrides}
    return client.post(URL, data)


def test_page_shows_the_seed_labels(client):
    html = client.get(URL).content.decode()
    for label in ["姓名", "手机号", "短信验证码", "免费获取", "密码", "密码确认", "立即开通"]:
        assert label in html
    assert 'for="id_name"' in html and 'for="id_mobile"' in html and 'for="id_code"' in html


def test_register_with_code_signs_in_and_lands_on_system_choice(client, ask, outbox_code):
    ask(mobile="+86 138-0013-8000")
    response = submit(client, code=outbox_code(MOBILE), mobile="138 0013 8000")
    assert response.status_code == 302
    assert response["Location"] == reverse("employers:home")
    user = User.objects.get(mobile=MOBILE)
    assert user.role == Role.EMPLOYER and user.check_password(GOOD_PASSWORD) and user.name == "李人事"
    assert AuditEvent.objects.filter(action="user.register", target_id=str(user.pk)).exists()
    follow = client.get(response["Location"], follow=True)
    assert "请选择您本次要使用的系统" in follow.content.decode()
    assert "下一步：身份认证" in follow.content.decode()
    assert "单位用户：李人事" in follow.content.decode()


def test_code_button_with_htmx_returns_only_the_control_with_a_countdown(client, ask):
    response = ask(HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="sms-code-control"' in html and "<html" not in html
    assert 'data-countdown="60"' in html and "验证码已发送" in html


def test_code_button_without_javascript_rerenders_the_page_keeping_the_mobile_and_name(client, ask):
    html = ask(name="李人事").content.decode()
    assert "<html" in html and 'value="13800138000"' in html and "60秒后重新获取" in html
    assert 'value="李人事"' in html


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": ""}, "name", "请输入姓名"),
        ({"name": "张" * 51}, "name", "姓名不能超过50个字"),
        ({"mobile": "12345"}, "mobile", "请输入正确的11位手机号码"),
        ({"code": "12ab"}, "code", "请输入6位数字验证码"),
        ({"code": ""}, "code", "请输入短信验证码"),
        ({"password2": "Different#2026"}, "password2", "两次输入的密码不一致"),
        ({"password1": "short1", "password2": "short1"}, "password1", "密码长度太短"),
        ({"password1": "12345678901", "password2": "12345678901"}, "password1", "密码只包含数字"),
        ({"password1": "password123", "password2": "password123"}, "password1", "太常见"),
    ],
)
def test_bad_input_rerenders_with_a_chinese_message_and_creates_nothing(
    client, ask, outbox_code, overrides, field, message
):
    ask()
    data = {"code": outbox_code(MOBILE), **overrides}
    response = submit(client, **data)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert not User.objects.exists()
    # The code was not used up by a form that failed before reaching it.
    assert SmsCode.objects.get().used_at is None


def test_wrong_code_is_refused_and_counted(client, ask, outbox_code):
    ask()
    code = outbox_code(MOBILE)
    wrong = "000000" if code != "000000" else "111111"
    response = submit(client, code=wrong)
    assert "验证码错误，还可尝试4次" in response.content.decode()
    assert not User.objects.exists()
    assert SmsCode.objects.get().failed_attempts == 1


def test_expired_code_is_refused(client, ask, outbox_code):
    from datetime import timedelta

    from django.utils import timezone

    ask()
    SmsCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = submit(client, code=outbox_code(MOBILE))
    assert "验证码无效或已过期，请重新获取" in response.content.decode()
    assert not User.objects.exists()


def test_used_mobile_is_refused_before_any_code_is_sent(client, ask):
    EmployerUserFactory(mobile=MOBILE)
    response = ask(HTTP_HX_REQUEST="true")
    assert "该手机号已注册，请直接登录" in response.content.decode()
    assert not SmsCode.objects.exists()


def test_used_mobile_is_refused_on_submit(client, ask, outbox_code):
    ask()
    EmployerUserFactory(mobile=MOBILE)
    response = submit(client, code=outbox_code(MOBILE))
    assert "该手机号已注册，请直接登录" in response.content.decode()
    assert User.objects.count() == 1


def test_code_button_for_a_bad_mobile_says_so(client, ask):
    response = ask(mobile="1234", HTTP_HX_REQUEST="true")
    assert "请输入正确的11位手机号码" in response.content.decode()
    assert not SmsCode.objects.exists()


def test_second_press_within_a_minute_is_refused(client, ask, clock):
    ask()
    response = ask(HTTP_HX_REQUEST="true")
    assert "验证码发送过于频繁，请60秒后再试" in response.content.decode()
    assert SmsCode.objects.count() == 1


def test_wrong_method_is_refused(client):
    assert client.put(URL).status_code == 405
