"""SMS verification codes and notices (SPEC §7)."""

import logging
import math
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from kombu.exceptions import OperationalError as KombuOperationalError

from signing_platform import ratelimits

from .models import MobileLastSend, Purpose, SmsCode, SmsMessage

logger = logging.getLogger(__name__)

# What enqueueing raises when the broker cannot be reached.
BROKER_ERRORS = (KombuOperationalError, ConnectionError, OSError)

CODE_MESSAGE = "【网签平台】您的验证码为{code}，用于{purpose}，5分钟内有效。请勿泄露给他人。"


class SmsError(Exception):
    """A request for a code that was refused; `message` is for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    message: str = ""


def _code_hash(*, mobile: str, purpose: str, code: str) -> str:
    return salted_hmac("sms-code", f"{mobile}:{purpose}:{code}", algorithm="sha256").hexdigest()


def _enqueue_delivery(message_id: int, text: str | None = None) -> None:
    from .tasks import deliver_sms

    deliver_sms.delay(message_id, text)


def resend_wait(mobile: str) -> int:
    """Seconds left before another code may be sent to `mobile` (0: now); drives the 免费获取 countdown."""
    last = MobileLastSend.objects.filter(mobile=mobile).values_list("sent_at", flat=True).first()
    return _seconds_left(last, timezone.now())


def _seconds_left(last_sent_at, now) -> int:
    if last_sent_at is None:
        return 0
    return max(0, math.ceil(settings.SMS_RESEND_SECONDS - (now - last_sent_at).total_seconds()))


def _take_send_slot(mobile: str, now) -> int:
    """Record a send to `mobile` at `now` unless the last one was under SMS_RESEND_SECONDS ago.

    Returns 0 when recorded, else the seconds left. The database decides (a conditional UPDATE, or the INSERT of
    the mobile's first row), so two requests at once cannot both send.
    """
    since = now - timedelta(seconds=settings.SMS_RESEND_SECONDS)
    if MobileLastSend.objects.filter(mobile=mobile, sent_at__lte=since).update(sent_at=now):
        return 0
    row, created = MobileLastSend.objects.get_or_create(mobile=mobile, defaults={"sent_at": now})
    return 0 if created else _seconds_left(row.sent_at, now)


def check_send_limits(request, mobile: str) -> None:
    """Count one send for this IP and mobile; raise SmsError when a limit of SPEC §7 is reached."""
    try:
        if ratelimits.hit(request, group="sms:ip", key=ratelimits.client_ip(request), rate=settings.SMS_RATE_PER_IP):
            raise SmsError("当前网络请求验证码过于频繁，请稍后再试")
        wait = _take_send_slot(mobile, timezone.now())
        if wait:
            raise SmsError(f"验证码发送过于频繁，请{wait}秒后再试")
        if ratelimits.hit(request, group="sms:mobile-day", key=mobile, rate=settings.SMS_RATE_PER_MOBILE_DAY):
            raise SmsError("该手机号今日获取验证码次数已达上限，请明天再试")
    except ratelimits.RateLimitUnavailable:
        raise SmsError("短信服务暂时不可用，请稍后再试") from None


def request_code(*, request, mobile: str, purpose: str, deliver: bool = True) -> SmsCode:
    """Issue a new code for (mobile, purpose), revoking older ones, and send it once the row is committed.

    With deliver=False (a page that must not reveal whether `mobile` has an account, and it has none) everything
    is done the same way, limits, rows, hashing and the queued task, except that the message is marked never to
    be sent: the answer, the work and so the time taken do not tell the two apart.
    """
    check_send_limits(request, mobile)
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    expires_at = now + timedelta(seconds=settings.SMS_CODE_TTL_SECONDS)
    text = CODE_MESSAGE.format(code=code, purpose=Purpose(purpose).label)
    status = SmsMessage.Status.PENDING if deliver else SmsMessage.Status.SUPPRESSED
    sms_code = message = None
    try:
        with transaction.atomic():
            SmsCode.objects.filter(mobile=mobile, purpose=purpose, used_at__isnull=True, revoked_at__isnull=True).update(
                revoked_at=now
            )
            sms_code = SmsCode.objects.create(
                mobile=mobile,
                purpose=purpose,
                code_hash=_code_hash(mobile=mobile, purpose=purpose, code=code),
                expires_at=expires_at,
            )
            message = SmsMessage.objects.create(
                mobile=mobile, kind=SmsMessage.Kind.CODE, status=status, expires_at=expires_at,
                body=CODE_MESSAGE.format(code="******", purpose=Purpose(purpose).label),
            )
            # The clear text travels only in the task message, never in a table or a log.
            transaction.on_commit(lambda: _enqueue_delivery(message.pk, text))
    except BROKER_ERRORS as exc:
        logger.error("SMS broker unavailable, code for %s revoked: %s", purpose, exc)
        if sms_code is not None:
            SmsCode.objects.filter(pk=sms_code.pk).update(revoked_at=timezone.now())
            SmsMessage.objects.filter(pk=message.pk, status=SmsMessage.Status.PENDING).update(
                status=SmsMessage.Status.FAILED, last_error="broker unavailable"
            )
        raise SmsError("短信服务暂时不可用，请稍后再试") from None
    return sms_code


def check_code(*, mobile: str, purpose: str, code: str) -> CodeCheck:
    """Use up the live code for (mobile, purpose) if `code` matches; a wrong try is counted.

    Call it inside the transaction.atomic() block of the change the code authorises, and make no other write
    when it fails: it reports failure instead of raising so that the counted try commits with the block.
    """
    row = (
        SmsCode.objects.select_for_update()
        .filter(mobile=mobile, purpose=purpose, used_at__isnull=True, revoked_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )
    if row is None or row.expires_at <= timezone.now() or row.failed_attempts >= settings.SMS_CODE_MAX_TRIES:
        return CodeCheck(False, "验证码无效或已过期，请重新获取")
    if not constant_time_compare(row.code_hash, _code_hash(mobile=mobile, purpose=purpose, code=code)):
        SmsCode.objects.filter(pk=row.pk).update(failed_attempts=F("failed_attempts") + 1)
        left = settings.SMS_CODE_MAX_TRIES - row.failed_attempts - 1
        if left <= 0:
            return CodeCheck(False, "验证码错误次数过多，已失效，请重新获取")
        return CodeCheck(False, f"验证码错误，还可尝试{left}次")
    SmsCode.objects.filter(pk=row.pk).update(used_at=timezone.now())
    return CodeCheck(True)


def notify(*, mobile: str, text: str) -> SmsMessage:
    """Queue a notice to `mobile`, sent after the surrounding transaction commits.

    The row is the outbox: if the broker is down when the transaction commits, the periodic sweep sends it later.
    """
    message = SmsMessage.objects.create(mobile=mobile, kind=SmsMessage.Kind.NOTICE, body=text)

    def enqueue():
        try:
            _enqueue_delivery(message.pk)
        except BROKER_ERRORS as exc:
            logger.warning("SMS notice %s left for the sweep, broker unavailable: %s", message.pk, exc)

    transaction.on_commit(enqueue)
    return message
