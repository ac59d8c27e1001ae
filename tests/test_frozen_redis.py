"""A frozen Redis (the process stopped, its sockets open) must not hold requests: the cache and the broker give up
within about a second, and the page says so or carries on without it."""

import time

import pytest
from django.db import transaction
from django.urls import reverse

from signing_platform.accounts.models import User
from signing_platform.sms.models import SmsCode, SmsMessage
from signing_platform.sms.services import notify
from tests.celery_helpers import celery_broker
from tests.factories import PASSWORD, EmployerUserFactory
from tests.redis_server import cache_on, redis_server

pytestmark = pytest.mark.django_db(transaction=True)

# What a user may wait at most: the settings allow about one second on Redis; the rest is the page itself.
PATIENCE = 2.0
UNAVAILABLE = "短信服务暂时不可用，请稍后再试"


@pytest.fixture
def redis():
    with redis_server() as server:
        yield server


@pytest.fixture
def redis_cache(redis):
    """The rate-limit counters on the test's own Redis, with the production client options."""
    with cache_on(redis):
        yield


@pytest.fixture
def redis_broker(redis):
    with celery_broker(redis.url):
        yield


def timed(call):
    start = time.monotonic()
    result = call()
    return result, time.monotonic() - start


def ask_code(client, mobile="13800138000"):
    return client.post(reverse("accounts:register"), {"mobile": mobile, "send_code": "1"})


def test_a_code_request_answers_quickly_when_redis_is_frozen(client, redis, redis_cache, redis_broker):
    assert "验证码已发送" in ask_code(client, "13800138001").content.decode()  # pooled connections exist now
    redis.freeze()
    response, elapsed = timed(lambda: ask_code(client))
    assert elapsed < PATIENCE
    assert response.status_code == 200 and UNAVAILABLE in response.content.decode()
    assert not SmsCode.objects.filter(mobile="13800138000").exists()


def test_a_code_request_answers_quickly_when_only_the_broker_is_frozen(client, redis, redis_broker):
    assert "验证码已发送" in ask_code(client, "13800138001").content.decode()
    redis.freeze()
    response, elapsed = timed(lambda: ask_code(client))
    assert elapsed < PATIENCE
    assert response.status_code == 200 and UNAVAILABLE in response.content.decode()
    assert not SmsCode.objects.filter(mobile="13800138000", revoked_at__isnull=True).exists()


def test_a_fresh_connection_to_a_frozen_broker_gives_up_quickly_too(client, redis, redis_broker):
    redis.freeze()
    response, elapsed = timed(lambda: ask_code(client))
    assert elapsed < PATIENCE and UNAVAILABLE in response.content.decode()


def test_sign_in_answers_quickly_when_the_counters_are_frozen(client, redis, redis_cache):
    EmployerUserFactory(mobile="13800138000")
    redis.freeze()
    response, elapsed = timed(
        lambda: client.post(reverse("accounts:login"), {"login": "13800138000", "password": PASSWORD})
    )
    assert elapsed < PATIENCE
    assert response.status_code == 200 and "系统繁忙，请稍后再试" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_notice_is_left_for_the_sweep_quickly_when_the_broker_is_frozen(redis, redis_broker):
    redis.freeze()

    def change_with_a_notice():
        with transaction.atomic():
            return notify(mobile="13800138000", text="您有一份新的签约邀请函")

    message, elapsed = timed(change_with_a_notice)
    assert elapsed < PATIENCE
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.PENDING


def test_the_health_check_reports_a_frozen_redis_quickly(client, redis, settings):
    settings.REDIS_URL = redis.url
    redis.freeze()
    response, elapsed = timed(lambda: client.get(reverse("healthz")))
    assert elapsed < PATIENCE
    assert response.status_code == 503 and response.json()["redis"] == "unavailable"


def test_everything_works_again_once_redis_thaws(client, redis, redis_cache, redis_broker):
    redis.freeze()
    assert UNAVAILABLE in ask_code(client).content.decode()
    redis.thaw()
    assert "验证码已发送" in ask_code(client, "13800138002").content.decode()
    EmployerUserFactory(mobile="13800138000")
    response = client.post(reverse("accounts:login"), {"login": "13800138000", "password": PASSWORD})
    assert response.status_code == 302 and User.objects.count() == 1
