"""The worker rides out a broker outage: its Redis is killed and started again on the same port, and the same worker
process delivers the codes queued afterwards, without sending one that expired while it was queued."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from signing_platform.sms.models import OutboxMessage, Purpose, SmsMessage
from signing_platform.sms.services import request_code
from signing_platform.sms.tasks import deliver_sms, sweep_unsent_sms
from tests.celery_helpers import celery_broker
from tests.redis_server import redis_server

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.celery_worker]


@pytest.fixture
def own_redis():
    with redis_server() as server:
        yield server


@pytest.fixture
def redis_url(own_redis):
    """The `worker` fixture consumes from this test's own Redis."""
    return own_redis.url


def ask(mobile, make_request):
    request_code(request=make_request(), mobile=mobile, purpose=Purpose.REGISTER)


def delivered(mobile):
    return OutboxMessage.objects.filter(mobile=mobile).exists()


def test_the_worker_survives_redis_dying_and_delivers_what_is_queued_after(worker, own_redis, wait_for, make_request):
    with celery_broker(own_redis.url):
        # A job the worker holds unacknowledged when Redis dies: with celery 5.7.0 this made the worker exit.
        sweep_unsent_sms.apply_async(countdown=3600)
        ask("13800138001", make_request)
        wait_for(lambda: delivered("13800138001"), worker=worker)

        own_redis.kill()
        time.sleep(3)  # the worker has lost its connection and is trying to get it back
        assert worker.poll() is None, "the worker exited when Redis went away"
        own_redis.start()

        ask("13800138002", make_request)
        ask("13800138003", make_request)
        # A code whose lifetime ended while it waited in the queue.
        stale = SmsMessage.objects.create(
            mobile="13800138004", kind=SmsMessage.Kind.CODE, body="【网签平台】您的验证码为******",
            expires_at=timezone.now() - timedelta(seconds=1),
        )
        deliver_sms.delay(stale.pk, "【网签平台】您的验证码为123456")
        wait_for(lambda: delivered("13800138002") and delivered("13800138003"), worker=worker)
        wait_for(lambda: SmsMessage.objects.get(pk=stale.pk).status == SmsMessage.Status.EXPIRED, worker=worker)
    assert not delivered("13800138004")
    assert worker.poll() is None
