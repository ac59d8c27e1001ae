"""Delivery through a real broker: a worker process consuming from Redis, and the broker being down."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.urls import reverse

from signing_platform.accounts.models import User
from signing_platform.sms.models import OutboxMessage, SmsCode, SmsMessage
from signing_platform.sms.services import notify
from tests.celery_helpers import celery_broker

pytestmark = pytest.mark.django_db(transaction=True)

BASE_DIR = Path(django_settings.BASE_DIR)
DEAD_BROKER = "redis://127.0.0.1:1/0"


def _test_database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("a worker process can share only a PostgreSQL test database")
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(redis_url):
    env = {**os.environ, "DATABASE_URL": _test_database_url(), "REDIS_URL": redis_url}
    log = open(BASE_DIR / "var" / "test-worker.log", "w") if (BASE_DIR / "var").is_dir() else subprocess.DEVNULL
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "signing_platform", "worker", "--pool", "solo", "--loglevel", "INFO",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.mark.celery_worker
def test_a_real_worker_delivers_an_enqueued_sms(worker, redis_url):
    with celery_broker(redis_url):
        with transaction.atomic():
            message = notify(mobile="13800138000", text="您有一份新的签约邀请函")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not OutboxMessage.objects.exists():
            assert worker.poll() is None, "the worker process died"
            time.sleep(0.3)
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
