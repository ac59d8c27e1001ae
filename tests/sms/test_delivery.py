"""Delivery: a code is never sent after it expired, and a retry after an unknown outcome never delivers twice."""

import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.db import OperationalError
from django.db.models import QuerySet

from signing_platform.sms.models import OutboxMessage, Purpose, SmsMessage
from signing_platform.sms.services import notify, request_code
from signing_platform.sms.tasks import STALE_CLAIM, sweep_unsent_sms

pytestmark = pytest.mark.django_db

MOBILE = "13800138000"


def test_a_code_that_expired_while_queued_is_not_sent(make_request, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        request_code(request=make_request(), mobile=MOBILE, purpose=Purpose.REGISTER)
    clock.advance(minutes=5)
    for enqueue in queued:
        enqueue()
    message = SmsMessage.objects.get()
    assert message.status == SmsMessage.Status.EXPIRED and message.attempts == 0
    assert not OutboxMessage.objects.exists()


def test_a_code_still_valid_when_its_turn_comes_is_sent(make_request, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        request_code(request=make_request(), mobile=MOBILE, purpose=Purpose.REGISTER)
    clock.advance(minutes=4, seconds=59)
    for enqueue in queued:
        enqueue()
    assert SmsMessage.objects.get().status == SmsMessage.Status.SENT
    assert OutboxMessage.objects.get().mobile == MOBILE


def test_the_sweep_gives_up_codes_past_their_expiry_and_never_resends_a_code(make_request, clock,
                                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():  # the enqueue is lost: never run
        request_code(request=make_request(), mobile=MOBILE, purpose=Purpose.REGISTER)
    stuck = SmsMessage.objects.create(
        mobile="13900139000", kind=SmsMessage.Kind.CODE, body="…", status=SmsMessage.Status.SENDING,
        claimed_at=clock.now, expires_at=clock.now + timedelta(minutes=5),
    )
    clock.advance(minutes=11)
    assert sweep_unsent_sms() == 0
    assert SmsMessage.objects.get(mobile=MOBILE).status == SmsMessage.Status.EXPIRED
    stuck.refresh_from_db()
    assert stuck.status == SmsMessage.Status.FAILED
    assert not OutboxMessage.objects.exists()


@pytest.fixture
def recording_failure(monkeypatch):
    """The database fails once, at the write that records a delivery (as when PostgreSQL connections were
    terminated right after the gateway accepted the message)."""
    update = QuerySet.update
    failed = []

    def update_failing_once(self, **values):
        if self.model is SmsMessage and values.get("status") == SmsMessage.Status.SENT and not failed:
            failed.append(True)
            raise OperationalError("terminating connection due to administrator command")
        return update(self, **values)

    monkeypatch.setattr(QuerySet, "update", update_failing_once)
    return failed


def send_notice_whose_recording_fails(recording_failure, committed) -> SmsMessage:
    with pytest.raises(OperationalError):
        with committed(execute=True):
            message = notify(mobile=MOBILE, text="您有一份新的签约邀请函")
    assert recording_failure
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.SENDING
    return message


def test_a_notice_whose_delivery_was_not_recorded_is_not_delivered_twice(
    recording_failure, clock, django_capture_on_commit_callbacks
):
    message = send_notice_whose_recording_fails(recording_failure, django_capture_on_commit_callbacks)
    clock.advance(minutes=5)
    assert sweep_unsent_sms() == 0  # not yet: it may still be on its way
    clock.advance(seconds=STALE_CLAIM.total_seconds())
    assert sweep_unsent_sms() == 1
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.SENT and message.attempts == 2
    assert OutboxMessage.objects.get().idempotency_key == message.idempotency_key


class Gateway(BaseHTTPRequestHandler):
    """An SMS gateway that accepts everything and remembers what it was sent."""

    received: list

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append({"key": self.headers["Idempotency-Key"], "auth": self.headers["Authorization"], **body})
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    Gateway.received = []
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.SMS_BACKEND = "signing_platform.sms.backends.HttpGatewayBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_GATEWAY_TOKEN = "secret-token"
    yield Gateway.received
    server.shutdown()
    server.server_close()


def test_the_gateway_gets_the_message_with_its_idempotency_key(gateway, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = notify(mobile=MOBILE, text="您的单位认证已通过")
    assert gateway == [
        {"key": str(message.idempotency_key), "auth": "Bearer secret-token", "mobile": MOBILE, "text": "您的单位认证已通过"}
    ]


def test_the_sweeps_retry_of_an_unrecorded_delivery_carries_the_same_key(
    gateway, recording_failure, clock, django_capture_on_commit_callbacks
):
    message = send_notice_whose_recording_fails(recording_failure, django_capture_on_commit_callbacks)
    clock.advance(seconds=STALE_CLAIM.total_seconds() + 1)
    assert sweep_unsent_sms() == 1
    assert [sent["key"] for sent in gateway] == [str(message.idempotency_key)] * 2
    message.refresh_from_db()
    assert message.status == SmsMessage.Status.SENT


def test_every_message_has_its_own_key(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = notify(mobile=MOBILE, text="一")
        second = notify(mobile=MOBILE, text="二")
    assert first.idempotency_key != second.idempotency_key
    assert OutboxMessage.objects.count() == 2
