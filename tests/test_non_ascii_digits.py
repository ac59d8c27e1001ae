"""Mobiles, ID numbers and credit codes are ASCII after normalisation: full-width forms are the same number, digits
of other scripts are refused, so nobody gets a look-alike account (with its own SMS limits) of a real number."""

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from signing_platform.accounts.models import User
from signing_platform.forms import CreditCodeField, IdNumberField, MobileField, SmsCodeField
from signing_platform.sms.models import SmsCode
from signing_platform.validators import normalize_credit_code, normalize_id_number, normalize_mobile
from tests.factories import PASSWORD, EmployerUserFactory
from tests.schools.factories import GraduateFactory, make_id_number

MOBILE = "13800138000"
ID_NUMBER = "11010519491231002X"
CREDIT_CODE = "91350100M000100Y43"
NEW_PASSWORD = "Zhaopin#2026"


def in_script(text: str, zero: int) -> str:
    """`text` with every ASCII digit written in the digit script whose zero is the code point `zero`."""
    return "".join(chr(zero + int(char)) if char.isdigit() else char for char in text)


def fullwidth(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


def arabic_indic(text: str) -> str:
    return in_script(text, 0x0660)


def bengali(text: str) -> str:
    return in_script(text, 0x09E6)


def last_digit_only(convert):
    def last(text):
        at = max(i for i, char in enumerate(text) if char.isdigit())
        return text[:at] + convert(text[at]) + text[at + 1 :]

    return last


FOREIGN = [arabic_indic, bengali, last_digit_only(bengali), last_digit_only(arabic_indic)]
FOREIGN_IDS = ["arabic-indic", "bengali", "one-bengali-digit", "one-arabic-indic-digit"]


# --- the validators and fields ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [fullwidth(MOBILE), last_digit_only(fullwidth)(MOBILE), fullwidth("+86 138 0013 8000")],
    ids=["all", "last-digit", "prefix-and-spaces"],
)
def test_full_width_mobiles_are_the_same_ascii_number(written):
    assert normalize_mobile(written) == MOBILE


@pytest.mark.parametrize("convert", FOREIGN, ids=FOREIGN_IDS)
def test_mobiles_with_digits_of_other_scripts_are_refused_clearly(convert):
    with pytest.raises(ValidationError) as exc:
        normalize_mobile(convert(MOBILE))
    assert exc.value.messages == ["手机号只能使用数字0-9"]


def test_full_width_id_numbers_and_credit_codes_are_accepted_as_ascii():
    assert normalize_id_number(fullwidth(ID_NUMBER.lower())) == ID_NUMBER
    assert normalize_credit_code(fullwidth(CREDIT_CODE)) == CREDIT_CODE


@pytest.mark.parametrize("convert", FOREIGN, ids=FOREIGN_IDS)
def test_id_numbers_and_credit_codes_with_digits_of_other_scripts_are_refused_clearly(convert):
    with pytest.raises(ValidationError) as exc:
        normalize_id_number(convert(ID_NUMBER[:-1]) + "X")
    assert exc.value.messages == ["身份证号只能使用数字0-9和X"]
    with pytest.raises(ValidationError) as exc:
        normalize_credit_code(convert(CREDIT_CODE))
    assert exc.value.messages == ["统一社会信用代码只能使用数字0-9和大写字母"]


class IdentifiersForm(forms.Form):
    mobile = MobileField()
    id_number = IdNumberField()
    credit_code = CreditCodeField()
    code = SmsCodeField()


def test_form_fields_give_ascii_values_for_full_width_input():
    form = IdentifiersForm(
        {"mobile": fullwidth(MOBILE), "id_number": fullwidth(ID_NUMBER), "credit_code": fullwidth(CREDIT_CODE),
         "code": fullwidth("123456")}
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"mobile": MOBILE, "id_number": ID_NUMBER, "credit_code": CREDIT_CODE, "code": "123456"}


@pytest.mark.parametrize("convert", FOREIGN, ids=FOREIGN_IDS)
def test_form_fields_refuse_digits_of_other_scripts(convert):
    form = IdentifiersForm(
        {"mobile": convert(MOBILE), "id_number": convert(ID_NUMBER), "credit_code": convert(CREDIT_CODE),
         "code": convert("123456")}
    )
    assert not form.is_valid()
    assert set(form.errors) == {"mobile", "id_number", "credit_code", "code"}


# --- registration, sign-in, activation ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_registration_with_a_full_width_mobile_is_the_ascii_account(client, ask_code, outbox_code):
    url = reverse("accounts:register")
    ask_code(url, fullwidth(MOBILE))
    response = client.post(
        url, {"name": "李人事", "mobile": fullwidth(MOBILE), "code": fullwidth(outbox_code(MOBILE)),
              "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert list(User.objects.values_list("mobile", flat=True)) == [MOBILE]


@pytest.mark.django_db
def test_a_full_width_copy_of_a_registered_mobile_is_taken(client, ask_code):
    EmployerUserFactory(mobile=MOBILE)
    response = ask_code(reverse("accounts:register"), last_digit_only(fullwidth)(MOBILE))
    assert "该手机号已注册" in response.content.decode()
    assert not SmsCode.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("convert", FOREIGN, ids=FOREIGN_IDS)
def test_registration_refuses_mobiles_with_digits_of_other_scripts(client, ask_code, convert):
    url = reverse("accounts:register")
    response = ask_code(url, convert(MOBILE))
    assert "手机号只能使用数字0-9" in response.content.decode()
    response = client.post(
        url,
        {"name": "李人事", "mobile": convert(MOBILE), "code": "123456", "password1": NEW_PASSWORD,
         "password2": NEW_PASSWORD},
    )
    assert "手机号只能使用数字0-9" in response.content.decode()
    assert not SmsCode.objects.exists() and not User.objects.exists()


def sign_in(client, login):
    return client.post(reverse("accounts:login"), {"login": login, "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")


@pytest.mark.django_db
def test_sign_in_with_a_full_width_mobile_is_the_ascii_account(client):
    user = EmployerUserFactory(mobile=MOBILE)
    assert sign_in(client, fullwidth(MOBILE)).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_failures_with_a_full_width_mobile_count_for_the_ascii_account(client):
    EmployerUserFactory(mobile=MOBILE)
    for _ in range(5):
        client.post(reverse("accounts:login"), {"login": fullwidth(MOBILE), "password": "wrong"}, REMOTE_ADDR="10.1.1.1")
    assert "登录失败次数过多" in sign_in(client, MOBILE).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("convert", FOREIGN, ids=FOREIGN_IDS)
def test_sign_in_with_digits_of_other_scripts_is_no_account(client, convert):
    EmployerUserFactory(mobile=MOBILE)
    response = sign_in(client, convert(MOBILE))
    assert "账号或密码错误" in response.content.decode() and "_auth_user_id" not in client.session


@pytest.fixture
def graduate():
    return GraduateFactory(name="陈晨", id_number=make_id_number(321))


def activate(client, ask_code, outbox_code, graduate, *, mobile, id_number, read_code_of=None):
    url = reverse("students:activate")
    ask_code(url, mobile)
    code = outbox_code(read_code_of) if read_code_of else "123456"
    data = {"name": "陈晨", "id_number": id_number, "school": graduate.school_id, "mobile": mobile, "code": code,
            "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    return client.post(url, data)


@pytest.mark.django_db
def test_activation_with_full_width_id_number_and_mobile(client, ask_code, outbox_code, graduate):
    response = activate(
        client, ask_code, outbox_code, graduate, mobile=fullwidth(MOBILE), id_number=fullwidth(make_id_number(321)),
        read_code_of=MOBILE,
    )
    assert response.status_code == 302
    graduate.refresh_from_db()
    assert graduate.user.mobile == MOBILE


@pytest.mark.django_db
@pytest.mark.parametrize("convert", FOREIGN, ids=FOREIGN_IDS)
def test_activation_refuses_digits_of_other_scripts(client, ask_code, outbox_code, graduate, convert):
    html = activate(
        client, ask_code, outbox_code, graduate, mobile=convert(MOBILE), id_number=convert(make_id_number(321))
    ).content.decode()
    assert "手机号只能使用数字0-9" in html and "身份证号只能使用数字0-9和X" in html
    graduate.refresh_from_db()
    assert graduate.user is None and not User.objects.exists() and not SmsCode.objects.exists()
