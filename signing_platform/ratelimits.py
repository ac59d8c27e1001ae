"""Rate limits on the shared cache (Redis in production), through django-ratelimit's counters."""

import logging

from django_ratelimit.core import get_usage

logger = logging.getLogger(__name__)


class RateLimitUnavailable(Exception):
    """The cache that holds the counters did not answer; callers refuse the request (fail closed)."""


def client_ip(request) -> str:
    # TrustedProxyMiddleware has already put the client's address here when the peer is one of our proxies.
    return request.META.get("REMOTE_ADDR") or "unknown"


def _usage(request, *, group: str, key: str, rate: str, increment: bool):
    try:
        return get_usage(request, group=group, key=lambda _group, _request: key, rate=rate, increment=increment)
    except Exception as exc:  # the cache client's errors differ by backend; all mean "no counter"
        logger.error("rate-limit cache unavailable for %s: %s", group, exc)
        raise RateLimitUnavailable from exc


def hit(request, *, group: str, key: str, rate: str) -> bool:
    """Count one event for `key` in `group`; True when this event is over the limit."""
    usage = _usage(request, group=group, key=key, rate=rate, increment=True)
    return bool(usage and usage["should_limit"])


def exceeded(request, *, group: str, key: str, rate: str) -> bool:
    """Whether `key` is already over the limit, without counting."""
    usage = _usage(request, group=group, key=key, rate=rate, increment=False)
    return bool(usage and usage["count"] >= usage["limit"])
