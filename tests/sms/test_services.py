import logging
import re
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from signing_platform.sms.models import OutboxMessage, Purpose, SmsCode, SmsMessage
from signing_platform.sms.services import SmsError, check_code, notify, request_code, resend_wait
from signing_platform.validators import normalize_mobile
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)

MOBILE = "13800138000"


def last_code(mobile=MOBILE) -> str:
    return re.search(r"\d{6}", OutboxMessage.objects.filter(mobile=mobile).first().body).group()


def check(code, mobile=MOBILE, purpose=Purpose.REGISTER):
    with transaction.atomic():
        return check_code(mobile=mobile, purpose=purpose, code=code)


def test_a_code_is_six_digits_sent_by_sms_and_valid_five_minutes(make_request):
    sms_code = request_code(request=make_request(), mobile=MOBILE, purpose=Purpose.REGISTER)
    assert re.fullmatch(r"\d{6}", last_code())
    assert timedelta(minutes=4, seconds=59) < sms_code.expires_at - sms_code.created_at <= timedelta(minutes=5)
    assert SmsMessage.objects.get().status == SmsMessage.Status.SENT


def test_the_right_code_works_once(make_request):
    request_code(request=make_request(), mobile=MOBILE, purpose=Purpose.REGISTER)
    code = last_code()
    assert check(code).ok
    second = check(code)
    assert not second.ok and second.message == "验证码无效或已过期，请重新获取"


def test_an_expired_code_is_refused(make_request):
    request_code(request=make_request(), mobile=MOBILE, purpose=Purpose.REGISTER)
    SmsCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert check(last_code()).message == "验证码无效或已过期，请重新获取"


def test_a_code_is_bound_to_its_mobile_and_purpose(make_request):
    request_code(request=make_request(), mobile=MOBILE, purpose=Purpose.REGISTER)
    code = last_code()
    assert not check(code, purpose=Purpose.RESET_PASSWORD).ok
    assert not check(code, mobile="13900139000").ok
    assert check(code).ok


def test_five_wrong_tries_kill_the_code_even_for_the_right_one_after(make_request):
    request_code(request=make_request(), mobile=MOBILE, purpose=Purpose.REGISTER)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    messages = [check(wrong).message for _ in range(5)]
    assert messages[0] == "验证码错误，还可尝试4次"
    assert messages[-1] == "验证码错误次数过多，已失效，请重新获取"
    assert SmsCode.objects.get().failed_attempts == 5
    assert not check(code).ok


def test_a_wrong_try_is_counted_even_if_the_caller_fails_afterwards(make_request):
    request_code(request=make_request(), mobile=MOBILE, purpose=Purpose.REGISTER)
    with transaction.atomic():
        result = check_code(mobile=MOBILE, purpose=Purpose.REGISTER, code="999999" if last_code() != "999999" else "888888")
    assert not result.ok
    assert SmsCode.objects.get().failed_attempts == 1


def test_a_new_code_revokes_the_older_one(make_request, settings):
    settings.SMS_RESEND_SECONDS = 0
    first = request_code(request=make_request(), mobile=MOBILE, purpose=Purpose.REGISTER)
    second = request_code(request=make_request(), mobile=MOBILE, purpose=Purpose.REGISTER)
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert check(last_code()).ok
    second.refresh_from_db()
    assert second.used_at is not None


def test_one_code_per_minute_per_mobile_whatever_its_written_form(make_request, clock):
    request_code(request=make_request("10.0.0.1"), mobile="13800138000", purpose=Purpose.REGISTER)
    for variant in ["+86 138 0013 8000", "138-0013-8000"]:
        with pytest.raises(SmsError) as exc:
            request_code(request=make_request("10.0.0.2"), mobile=normalize_mobile(variant), purpose=Purpose.REGISTER)
        assert exc.value.message == "验证码发送过于频繁，请60秒后再试"
    assert SmsCode.objects.count() == 1


def test_the_wait_is_sixty_seconds_since_the_last_send_not_a_clock_window(make_request, clock):
    request_code(request=make_request(), mobile=MOBILE, purpose=Purpose.REGISTER)
    clock.advance(seconds=57)
    with pytest.raises(SmsError) as exc:
        request_code(request=make_request(), mobile=MOBILE, purpose=Purpose.RESET_PASSWORD)
    assert exc.value.message == "验证码发送过于频繁，请3秒后再试"
    assert resend_wait(MOBILE) == 3
    clock.advance(seconds=3)
    assert resend_wait(MOBILE) == 0
    request_code(request=make_request(), mobile=MOBILE, purpose=Purpose.REGISTER)
    assert SmsCode.objects.count() == 2


def test_the_wait_is_per_mobile(make_request):
    request_code(request=make_request(), mobile=MOBILE, purpose=Purpose.REGISTER)
    request_code(request=make_request(), mobile="13900139000", purpose=Purpose.REGISTER)
    assert {message.mobile for message in OutboxMessage.objects.all()} == {MOBILE, "13900139000"}
    assert resend_wait(MOBILE) == 60 and resend_wait("13700137000") == 0


def test_ten_codes_per_day_per_mobile(make_request, settings):
    settings.SMS_RESEND_SECONDS = 0
    for i in range(10):
        request_code(request=make_request(f"10.0.1.{i}"), mobile=MOBILE, purpose=Purpose.REGISTER)
    with pytest.raises(SmsError) as exc:
        request_code(request=make_request("10.0.2.1"), mobile=MOBILE, purpose=Purpose.REGISTER)
    assert exc.value.message == "该手机号今日获取验证码次数已达上限，请明天再试"
    assert SmsCode.objects.count() == 10


def test_twenty_codes_per_hour_per_ip(make_request):
    for i in range(20):
        request_code(request=make_request("10.9.9.9"), mobile=f"1380000{i:04d}", purpose=Purpose.REGISTER)
    with pytest.raises(SmsError) as exc:
        request_code(request=make_request("10.9.9.9"), mobile="13900000999", purpose=Purpose.REGISTER)
    assert exc.value.message == "当前网络请求验证码过于频繁，请稍后再试"
    request_code(request=make_request("10.9.9.10"), mobile="13900000999", purpose=Purpose.REGISTER)


def test_codes_are_never_stored_or_logged_in_clear(make_request, caplog):
    caplog.set_level(logging.DEBUG)
    request_code(request=make_request(), mobile=MOBILE, purpose=Purpose.REGISTER)
    code = last_code()
    code_row = SmsCode.objects.get()
    assert code not in code_row.code_hash and len(code_row.code_hash) == 64
    assert code not in SmsMessage.objects.get().body
    assert code not in caplog.text
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM sms_smscode")
        assert code not in repr(cursor.fetchall())
        cursor.execute("SELECT * FROM sms_smsmessage")
        assert code not in repr(cursor.fetchall())


def test_a_notice_is_sent_only_when_the_transaction_commits():
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            notify(mobile=MOBILE, text="您的单位认证已通过")
            raise RuntimeError
    assert not OutboxMessage.objects.exists() and not SmsMessage.objects.exists()
    with transaction.atomic():
        notify(mobile=MOBILE, text="您的单位认证已通过")
        assert not OutboxMessage.objects.exists()
    assert OutboxMessage.objects.get().body == "您的单位认证已通过"
    assert SmsMessage.objects.get().status == SmsMessage.Status.SENT


def test_a_code_for_a_page_that_hides_accounts_is_made_but_not_sent(make_request):
    request_code(request=make_request(), mobile=MOBILE, purpose=Purpose.RESET_PASSWORD, deliver=False)
    assert SmsCode.objects.get().mobile == MOBILE
    assert SmsMessage.objects.get().status == SmsMessage.Status.SUPPRESSED
    assert not OutboxMessage.objects.exists()
    assert resend_wait(MOBILE) == 60


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent connections need PostgreSQL")
def test_two_requests_at_once_for_one_mobile_send_one_code(make_request):
    outcomes = at_once(
        *[lambda ip=ip: request_code(request=make_request(ip), mobile=MOBILE, purpose=Purpose.REGISTER)
          for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3")],
        refusals=(SmsError,),
    )
    assert sorted(outcomes) == ["ok", "refused", "refused"]
    assert SmsCode.objects.count() == 1 and OutboxMessage.objects.count() == 1
