"""Rate limits on the shared cache (Redis in production), through django-ratelimit's counters."""

import logging

from django.conf import settings
from django.core.cache import caches
from django_ratelimit import ALL
from django_ratelimit.core import _get_window, _make_cache_key, _split_rate, get_usage

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


# The counters `unlock` clears: (group, name of the setting holding its rate), by what they count. (The 60-second
# wait between two codes to one mobile is not a counter here but a row of sms.MobileLastSend; it passes by itself.)
_MOBILE_COUNTERS = (("login:account", "LOGIN_FAILURES_PER_ACCOUNT"), ("sms:mobile-day", "SMS_RATE_PER_MOBILE_DAY"))
_IP_COUNTERS = (("login:ip", "LOGIN_FAILURES_PER_IP"), ("sms:ip", "SMS_RATE_PER_IP"))


def unlock(*, mobile: str = "", username: str = "", ip: str = "") -> None:
    """Start the sign-in failure and SMS counters of a mobile, a username (its sign-in failures) and/or a client
    address from zero again (an operator's 解除限制). Raises RateLimitUnavailable when the cache does not answer."""
    counters = [(group, setting, mobile) for group, setting in _MOBILE_COUNTERS if mobile]
    counters += [("login:account", "LOGIN_FAILURES_PER_ACCOUNT", username.strip().lower())] if username else []
    counters += [(group, setting, ip) for group, setting in _IP_COUNTERS if ip]
    keys = []
    for group, setting, value in counters:
        rate = getattr(settings, setting)
        # django-ratelimit's key of the current window, the only one still counted (its private helpers, pinned
        # in constraints.txt; tests/accounts/test_admin.py locks a key out through `hit` and unlocks it here).
        keys.append(_make_cache_key(group, _get_window(value, _split_rate(rate)[1]), rate, value, ALL))
    try:
        caches[settings.RATELIMIT_USE_CACHE].delete_many(keys)
    except Exception as exc:  # as in _usage: every backend's error means the counters could not be cleared
        logger.error("rate-limit cache unavailable for unlock: %s", exc)
        raise RateLimitUnavailable from exc
