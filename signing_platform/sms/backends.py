"""SMS backends. A backend is a class with `send(*, mobile, text, idempotency_key)` that raises SmsDeliveryError on
failure.

To use a real provider, write a subclass of SmsBackend (it is constructed once per delivery, with no arguments,
and reads its own settings) and point the SMS_BACKEND environment variable at its dotted path. Pass the
idempotency key on to the provider if it takes one: a message whose first outcome is unknown is sent again with
the same key (see tasks.py), and only a provider that honours it can then deliver it exactly once.
"""

import json
import logging
import re
import urllib.error
import urllib.request
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from signing_platform.validators import mask_mobile

logger = logging.getLogger(__name__)

_DIGIT_RUN_RE = re.compile(r"\d{4,}")


class SmsDeliveryError(Exception):
    """The provider did not accept the message; the task retries it."""


def redact(text: str) -> str:
    """Hide digit runs (codes, numbers) so that a log line never carries a secret."""
    return _DIGIT_RUN_RE.sub(lambda m: "*" * len(m.group()), text)


class SmsBackend:
    def send(self, *, mobile: str, text: str, idempotency_key: str) -> None:
        raise NotImplementedError


class OutboxBackend(SmsBackend):
    """Development and tests: keep the message in the 短信发件箱 table and log a redacted line.

    It honours the idempotency key as a good gateway does: a repeated key delivers nothing new.
    """

    def send(self, *, mobile: str, text: str, idempotency_key: str) -> None:
        from .models import OutboxMessage

        _, created = OutboxMessage.objects.get_or_create(
            idempotency_key=idempotency_key, defaults={"mobile": mobile, "body": text}
        )
        if created:
            logger.info("SMS to %s (see 短信发件箱 /dev/outbox/): %s", mask_mobile(mobile), redact(text))


class HttpGatewayBackend(SmsBackend):
    """POST {"mobile", "text"} as JSON to SMS_GATEWAY_URL with a bearer token and an Idempotency-Key header;
    any 2xx answer means accepted."""

    timeout_seconds = 10

    def send(self, *, mobile: str, text: str, idempotency_key: str) -> None:
        if not settings.SMS_GATEWAY_URL:
            raise SmsDeliveryError("SMS_GATEWAY_URL is not set")
        request = urllib.request.Request(
            settings.SMS_GATEWAY_URL,
            data=json.dumps({"mobile": mobile, "text": text}, ensure_ascii=False).encode(),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_TOKEN}",
                "Idempotency-Key": idempotency_key,
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_seconds) as response:
                status = response.status
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsDeliveryError(f"gateway unreachable: {exc}") from exc
        if not 200 <= status < 300:
            raise SmsDeliveryError(f"gateway answered {status}")
        logger.info("SMS to %s accepted by gateway", mask_mobile(mobile))


@cache
def _backend_class(path: str) -> type[SmsBackend]:
    return import_string(path)


def get_backend() -> SmsBackend:
    return _backend_class(settings.SMS_BACKEND)()
