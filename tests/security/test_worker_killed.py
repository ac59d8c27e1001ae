"""The worker killed in the middle of a delivery (SIGKILL, after the gateway took the message, before the answer was
recorded): nothing is lost and nothing is sent twice. A notice queued meanwhile is delivered by the next worker; the
sweep finds the interrupted one in `sending`, re-sends it with the same idempotency key, and the gateway (which honours
the key, as the outbox does) delivers it once. The worker's own restart is compose's `restart:` policy."""

from datetime import timedelta

import pytest
from django.db.models import F

from signing_platform.sms.models import OutboxMessage, SmsMessage
from signing_platform.sms.services import notify
from signing_platform.sms.tasks import STALE_CLAIM, sweep_unsent_sms
from tests.celery_helpers import celery_broker
from tests.conftest import celery_worker
from tests.redis_server import redis_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]

INTERRUPTED, QUEUED_MEANWHILE = "13800138011", "13800138012"


def delivered(mobile) -> int:
    return OutboxMessage.objects.filter(mobile=mobile).count()


def test_a_worker_killed_mid_delivery_loses_no_notice_and_sends_none_twice(wait_for):
    with redis_server() as redis, celery_broker(redis.url):
        with celery_worker(redis.url, SMS_BACKEND="tests.security.hanging_gateway.HandsOverThenHangs") as first:
            interrupted = notify(mobile=INTERRUPTED, text="【网签平台】您的签约邀请已被学生接受")
            wait_for(lambda: delivered(INTERRUPTED) == 1, worker=first)
            first.kill()
            first.wait()
        interrupted.refresh_from_db()
        assert interrupted.status == SmsMessage.Status.SENDING  # its outcome is unknown to the platform

        meanwhile = notify(mobile=QUEUED_MEANWHILE, text="【网签平台】您有新的签约邀请")
        with celery_worker(redis.url) as second:
            wait_for(lambda: delivered(QUEUED_MEANWHILE) == 1, worker=second)
            # The sweep's next run after the claim went stale (ten minutes), brought forward.
            SmsMessage.objects.filter(pk=interrupted.pk).update(
                claimed_at=F("claimed_at") - STALE_CLAIM - timedelta(seconds=1)
            )
            sweep_unsent_sms.delay()
            wait_for(lambda: SmsMessage.objects.get(pk=interrupted.pk).status == SmsMessage.Status.SENT, worker=second)

    assert (delivered(INTERRUPTED), delivered(QUEUED_MEANWHILE)) == (1, 1)
    assert SmsMessage.objects.get(pk=meanwhile.pk).status == SmsMessage.Status.SENT
    interrupted.refresh_from_db()
    assert interrupted.attempts == 2  # handed over twice, with one key: delivered once
