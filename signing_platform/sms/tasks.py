import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from .backends import SmsDeliveryError, get_backend
from .models import SmsMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
STALE_CLAIM = timedelta(minutes=10)


@shared_task(bind=True, max_retries=MAX_ATTEMPTS - 1, retry_backoff=True)
def deliver_sms(self, message_id: int, text: str | None = None) -> None:
    """Send one queued message. Safe to run twice: only the run that claims the pending row sends it."""
    claimed = SmsMessage.objects.filter(pk=message_id, status=SmsMessage.Status.PENDING).update(
        status=SmsMessage.Status.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
    )
    if not claimed:
        return
    message = SmsMessage.objects.get(pk=message_id)
    try:
        get_backend().send(mobile=message.mobile, text=text if text is not None else message.body)
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
    """Re-queue notices whose enqueue was lost (broker down) or whose worker died; codes older than their
    lifetime are given up, since their text exists only in the lost task message."""
    now = timezone.now()
    stuck = Q(status=SmsMessage.Status.SENDING, claimed_at__lt=now - STALE_CLAIM)
    SmsMessage.objects.filter(
        stuck | Q(status=SmsMessage.Status.PENDING, created_at__lt=now - timedelta(seconds=settings.SMS_CODE_TTL_SECONDS)),
        kind=SmsMessage.Kind.CODE,
    ).update(status=SmsMessage.Status.FAILED, last_error="code message lost before delivery")
    stale = stuck | Q(status=SmsMessage.Status.PENDING, created_at__lt=now - timedelta(minutes=1))
    requeued = 0
    for message_id in SmsMessage.objects.filter(stale, kind=SmsMessage.Kind.NOTICE).values_list("pk", flat=True)[:500]:
        SmsMessage.objects.filter(pk=message_id, status=SmsMessage.Status.SENDING).update(status=SmsMessage.Status.PENDING)
        deliver_sms.delay(message_id)
        requeued += 1
    return requeued
