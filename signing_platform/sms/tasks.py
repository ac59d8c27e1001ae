"""Delivery of queued SMS messages.

Guarantee: every message is handed to the gateway at least once. Each attempt carries the message's idempotency
key, and an attempt whose outcome is unknown (the worker or the database was lost between handing the message over
and recording it) is repeated only with that same key, so a gateway that honours Idempotency-Key delivers it once.
"""

import logging
from datetime import timedelta

from celery import shared_task
from django.db.models import F, Q
from django.utils import timezone

from .backends import SmsDeliveryError, get_backend
from .models import SmsMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STALE_CLAIM = timedelta(minutes=10)


@shared_task(bind=True, max_retries=MAX_ATTEMPTS - 1, retry_backoff=True)
def deliver_sms(self, message_id: int, text: str | None = None) -> None:
    """Send one queued message, unless it is a code past its expiry. Safe to run twice: only the run that claims
    the pending row sends it."""
    now = timezone.now()
    if SmsMessage.objects.filter(pk=message_id, status=SmsMessage.Status.PENDING, expires_at__lte=now).update(
        status=SmsMessage.Status.EXPIRED, last_error="验证码在发出前已过期"
    ):
        logger.warning("SMS %s not sent: its code expired while it was queued", message_id)
        return
    # Marked before the gateway is called: a row left in `sending` is one whose outcome is unknown.
    claimed = SmsMessage.objects.filter(pk=message_id, status=SmsMessage.Status.PENDING).update(
        status=SmsMessage.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return
    message = SmsMessage.objects.get(pk=message_id)
    try:
        get_backend().send(
            mobile=message.mobile,
            text=text if text is not None else message.body,
            idempotency_key=str(message.idempotency_key),
        )
    except SmsDeliveryError as exc:
        gave_up = message.attempts >= MAX_ATTEMPTS
        SmsMessage.objects.filter(pk=message_id, status=SmsMessage.Status.SENDING).update(
            status=SmsMessage.Status.FAILED if gave_up else SmsMessage.Status.PENDING, last_error=str(exc)[:300]
        )
        logger.warning("SMS %s not delivered (attempt %s): %s", message_id, message.attempts, exc)
        if not gave_up:
            raise self.retry(exc=exc, countdown=2**message.attempts) from exc
        return
    SmsMessage.objects.filter(pk=message_id, status=SmsMessage.Status.SENDING).update(
        status=SmsMessage.Status.SENT, sent_at=timezone.now(), last_error=""
    )


@shared_task
def sweep_unsent_sms() -> int:
    """Settle what delivery left behind: re-queue notices whose enqueue was lost (broker down) or whose outcome is
    unknown (stuck in `sending`: re-sent with the same idempotency key); give up codes, whose text existed only in
    the lost task message."""
    now = timezone.now()
    stuck = Q(status=SmsMessage.Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
    codes = SmsMessage.objects.filter(kind=SmsMessage.Kind.CODE)
    codes.filter(status=SmsMessage.Status.PENDING, expires_at__lte=now).update(
        status=SmsMessage.Status.EXPIRED, last_error="验证码在有效期内未能发出"
    )
    codes.filter(stuck).update(status=SmsMessage.Status.FAILED, last_error="发送结果未知（发送中断）")
    notices = SmsMessage.objects.filter(kind=SmsMessage.Kind.NOTICE)
    notices.filter(stuck, attempts__gte=MAX_ATTEMPTS).update(
        status=SmsMessage.Status.FAILED, last_error="发送结果未知（多次中断）"
    )
    stale = stuck | Q(status=SmsMessage.Status.PENDING, created_at__lt=now - timedelta(minutes=1))
    requeued = 0
    for message_id in notices.filter(stale).values_list("pk", flat=True)[:500]:
        notices.filter(stuck, pk=message_id).update(
            status=SmsMessage.Status.PENDING, last_error="发送结果未知，以同一幂等键重发"
        )
        deliver_sms.delay(message_id)
        requeued += 1
    return requeued
