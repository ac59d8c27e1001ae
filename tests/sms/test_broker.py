"""Delivery through a real broker: a worker process consuming from Redis, and the broker being down."""

import pytest
from django.db import transaction
from django.urls import reverse

from signing_platform.accounts.models import User
from signing_platform.sms.models import OutboxMessage, SmsCode, SmsMessage
from signing_platform.sms.services import notify
from tests.celery_helpers import celery_broker

pytestmark = pytest.mark.django_db(transaction=True)

DEAD_BROKER = "redis://127.0.0.1:1/0"


@pytest.mark.celery_worker
def test_a_real_worker_delivers_an_enqueued_sms(worker, redis_url, wait_for):
    with celery_broker(redis_url):
        with transaction.atomic():
            message = notify(mobile="13800138000", text="您有一份新的签约邀请函")
        wait_for(OutboxMessage.objects.exists, worker=worker)
    assert OutboxMessage.objects.get().body == "您有一份新的签约邀请函"
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.SENT


@pytest.mark.parametrize("htmx", [True, False])
def test_broker_down_gives_a_clear_message_and_leaves_no_usable_code(client, htmx):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    with celery_broker(DEAD_BROKER):
        response = client.post(reverse("accounts:register"), {"mobile": "13800138000", "send_code": "1"}, **headers)
    assert response.status_code == 200
    assert "短信服务暂时不可用，请稍后再试" in response.content.decode()
    assert not SmsCode.objects.filter(revoked_at__isnull=True).exists()
    assert SmsMessage.objects.get().status == SmsMessage.Status.FAILED
    assert not OutboxMessage.objects.exists() and not User.objects.exists()


def test_broker_down_after_a_change_keeps_the_notice_for_the_sweep():
    from signing_platform.sms.tasks import sweep_unsent_sms

    with celery_broker(DEAD_BROKER):
        with transaction.atomic():
            message = notify(mobile="13800138000", text="您的单位认证已通过")
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.PENDING
    SmsMessage.objects.filter(pk=message.pk).update(created_at=message.created_at.replace(year=2020))
    assert sweep_unsent_sms() == 1
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.SENT
    assert OutboxMessage.objects.get().body == "您的单位认证已通过"
