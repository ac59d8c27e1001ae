"""Faults the pages must ride out, beyond those tested where they belong (tests/security/README.md lists them):
every role's pages while the test's own Redis is frozen or stopped, and recovery without a restart; PostgreSQL
backends of the running app terminated under it."""

import subprocess
import time

import pytest
from django.db import connection
from django.urls import reverse

from tests.celery_helpers import celery_broker
from tests.redis_server import _answers, cache_on, redis_server

from .access import ACCESS, Reach

# One identity per role and the pages it opens without a record in the URL (the cache and the broker are behind
# the rate limits, the code requests and the notices these pages and their forms use).
ROLE_PAGES = {
    who: [name for name, rule in ACCESS.items() if isinstance(rule, Reach) and rule.build is None and who in rule.who
          and not name.startswith(("exports:", "accounts:password_change"))]
    for who in ("employer", "student", "college_reviewer", "school_reviewer")
}


@pytest.fixture
def redis():
    with redis_server() as server:
        yield server


@pytest.fixture
def redis_everywhere(redis):
    """The cache (rate limits) and the broker on the test's own Redis, with the production client options."""
    with cache_on(redis), celery_broker(redis.url):
        yield redis


def restart(redis):
    """Start a redis-server again on the port of the one that was killed (the app is not restarted)."""
    redis.process = subprocess.Popen(
        ["redis-server", "--port", str(redis.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 5
    while not _answers(redis.port):
        assert time.monotonic() < deadline, "redis-server did not start again"
        time.sleep(0.05)


def sweep(clients) -> list[str]:
    """Every role's pages, the sign-in and a code request: the 5xx answers."""
    failures = []
    for who, names in ROLE_PAGES.items():
        for name in names:
            response = clients[who].get(reverse(name))
            if response.status_code >= 500:
                failures.append(f"{who} GET {name} → {response.status_code}")
    for name, data in (("accounts:login", {"login": "13900000001", "password": "wrong"}),
                       ("accounts:register", {"mobile": "13800138000", "send_code": "1"})):
        response = clients["anonymous"].post(reverse(name), data)
        if response.status_code >= 500:
            failures.append(f"anonymous POST {name} → {response.status_code}")
    return failures


def test_the_sweep_covers_every_role():
    assert all(len(names) >= 4 for names in ROLE_PAGES.values()), ROLE_PAGES


def test_no_page_fails_while_redis_is_frozen_or_stopped_and_all_recover(world, clients, redis_everywhere):
    redis = redis_everywhere
    assert not sweep(clients)

    redis.freeze()
    start = time.monotonic()
    assert not sweep(clients), "a page failed while Redis was frozen"
    frozen_for = time.monotonic() - start
    redis.thaw()
    assert not sweep(clients)

    redis.process.kill()
    redis.process.wait()
    assert not sweep(clients), "a page failed while Redis was stopped"
    restart(redis)
    assert not sweep(clients), "a page failed after Redis came back"
    response = clients["anonymous"].post(reverse("accounts:register"), {"mobile": "13800138009", "send_code": "1"})
    assert "验证码已发送" in response.content.decode(), "code requests did not recover without a restart"
    # Each page waits about a second at most on a frozen Redis (tests/test_frozen_redis.py times single requests).
    assert frozen_for < 2.0 * sum(map(len, ROLE_PAGES.values())) + 10


# ---------------------------------------------------------------------------------------------- PostgreSQL


def _terminate(pid: int) -> None:
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                         password=db["PASSWORD"] or None, dbname=db["NAME"], autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.django_db(transaction=True)
def test_the_app_recovers_when_its_database_connection_is_terminated(client):
    """The app's persistent connection is killed between requests (a PostgreSQL restart, a failover, an idle
    timeout): the next request reconnects. Requests go through the WSGI handler itself, which — unlike the test
    client — runs Django's per-request connection checks as a server does."""
    if connection.vendor != "postgresql":
        pytest.skip("terminating backends needs PostgreSQL")
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import RequestFactory

    from tests.factories import EmployerUserFactory

    client.force_login(EmployerUserFactory())
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    handler = WSGIHandler()

    def get(path) -> int:
        statuses = []
        handler(RequestFactory().get(path, HTTP_COOKIE=cookie).environ, lambda status, headers: statuses.append(status))
        return int(statuses[0].split()[0])

    pages = [reverse("employers:home"), reverse("employers:account"), reverse("contracts:employer_list")]
    assert all(get(path) in (200, 302) for path in pages)
    connection.ensure_connection()
    _terminate(connection.connection.info.backend_pid)
    statuses = [get(path) for path in pages * 2]
    assert all(status < 500 for status in statuses), statuses
