"""Shared test setup: fast hashing, a clean cache, tasks run inline, and the browser for e2e tests."""

import contextlib
import os
import re
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from signing_platform.celery import app as celery_app

# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be usable there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT


@pytest.fixture(autouse=True)
def eager_tasks():
    """Tasks run inline in tests, with or without REDIS_URL; tests of the real worker switch this off."""
    # Set under the settings' own (CELERY_) names: celery 5.6 does not let the short name override them at run time.
    previous = celery_app.conf.task_always_eager
    celery_app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    celery_app.conf.CELERY_TASK_ALWAYS_EAGER = previous


@pytest.fixture
def ask_code(client, django_capture_on_commit_callbacks):
    """Press 免费获取 on the page at `url` for `mobile`; the SMS is delivered (on-commit work runs) before it returns.

    Test transactions never commit, so work queued with transaction.on_commit is run here explicitly.
    """

    def ask(url, mobile, **extra):
        headers = {key: value for key, value in extra.items() if key.startswith("HTTP_")}
        data = {key: value for key, value in extra.items() if not key.startswith("HTTP_")}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, {"mobile": mobile, "send_code": "1", **data}, **headers)

    return ask


@pytest.fixture
def clock(monkeypatch):
    """Django's clock (`timezone.now`) held still at the real time; `clock.advance(seconds=…)` moves it on."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta):
            self.now += timedelta(**delta)

    held = Clock()
    monkeypatch.setattr(timezone, "now", lambda: held.now)
    return held


@pytest.fixture
def outbox_code():
    """The code in the latest SMS to a mobile, as the user reads it on their phone."""
    from signing_platform.sms.models import OutboxMessage

    def read(mobile: str) -> str:
        message = OutboxMessage.objects.filter(mobile=mobile).first()
        assert message is not None, f"no SMS was sent to {mobile}"
        return re.search(r"\d{6}", message.body).group()

    return read


def _required(variable: str) -> bool:
    return os.environ.get(variable, "").lower() == "required"


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if _required("BROWSER_TESTS"):
            pytest.fail(f"{CHROMIUM} is missing and BROWSER_TESTS=required")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    """A fresh browser context on the live server, with DEBUG on so the 短信发件箱 page exists."""
    settings.DEBUG = True
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def redis_url():
    url = os.environ.get("REDIS_URL")
    if not url:
        if _required("CELERY_WORKER_TESTS"):
            pytest.fail("REDIS_URL is not set and CELERY_WORKER_TESTS=required")
        pytest.skip("REDIS_URL is not set: no broker for a real worker")
    return url


def _test_database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("a worker process can share only a PostgreSQL test database")
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@contextlib.contextmanager
def celery_worker(redis_url: str, **env):
    """A real `celery worker` process on the test database, consuming from `redis_url` (`env`: more settings of its
    own); stopped when the block ends (if the test has not killed it)."""
    # Files it writes (exports) land where this test process reads them.
    env = {**os.environ, "DATABASE_URL": _test_database_url(), "REDIS_URL": redis_url,
           "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT), **env}
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "signing_platform", "worker", "--pool", "solo", "--loglevel", "WARNING",
         "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def worker(redis_url, transactional_db):
    """A real worker on the test database, consuming from Redis; stopped after the test."""
    with celery_worker(redis_url) as process:
        yield process


@pytest.fixture
def wait_for():
    """Poll `condition` until it holds (or fail after `seconds`), checking the worker is still alive."""

    def wait(condition, *, worker, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if condition():
                return
            assert worker.poll() is None, "the worker process died"
            time.sleep(0.3)
        raise AssertionError("the worker did not do it in time")

    return wait
