"""An SMS backend for a worker under test: the gateway takes the message (it lands in the outbox, as a real
gateway would deliver it), and then its answer never comes — the moment a worker can die with the outcome unknown."""

import time

from signing_platform.sms.backends import OutboxBackend


class HandsOverThenHangs(OutboxBackend):
    def send(self, *, mobile: str, text: str, idempotency_key: str) -> None:
        super().send(mobile=mobile, text=text, idempotency_key=idempotency_key)
        time.sleep(600)
