"""The public checks (毕业去向核验, 协议书核验): the URLs their QR codes carry, and one rate-limited lookup.

Every check costs the client address one try of VERIFY_RATE_PER_IP (the address comes from
signing_platform.ratelimits, which trusts proxy headers only from configured proxies), whether it finds something or
not, so neither 核验编号 nor 验证码 can be enumerated; a miss says the same whatever input was wrong.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from signing_platform import ratelimits

NOT_FOUND = "未查询到匹配的记录，请核对输入的信息后重试"
TOO_MANY = "查询过于频繁，请稍后再试"
UNAVAILABLE = "核验服务暂时不可用，请稍后再试"


def _absolute(request, path: str) -> str:
    return f"{settings.SITE_URL}{path}" if settings.SITE_URL else request.build_absolute_uri(path)


def destination_check_path(record) -> str:
    """毕业去向核验 with the 核验编号 filled in: whoever scans it types the name printed beside it."""
    return f"{reverse('destinations:verify_destination')}?{urlencode({'no': record.verification_no})}"


def agreement_check_path(contract) -> str:
    """协议书核验 with 协议书编号 and 验证码 filled in: opening it shows the check."""
    query = urlencode({"no": contract.agreement_no, "code": contract.verification_code})
    return f"{reverse('destinations:verify_agreement')}?{query}"


def destination_check_url(request, record) -> str:
    return _absolute(request, destination_check_path(record))


def agreement_check_url(request, contract) -> str:
    return _absolute(request, agreement_check_path(contract))


@dataclass(frozen=True)
class Outcome:
    found: object | None = None
    error: str = ""
    status: int = 200


def check(request, lookup) -> Outcome:
    """Count the try against the client address, then `lookup()`; what was found, or the one message for a miss."""
    try:
        limited = ratelimits.hit(request, group="public-verify", key=ratelimits.client_ip(request),
                                 rate=settings.VERIFY_RATE_PER_IP)
    except ratelimits.RateLimitUnavailable:
        return Outcome(error=UNAVAILABLE, status=503)
    if limited:
        return Outcome(error=TOO_MANY, status=429)
    found = lookup()
    return Outcome(found=found) if found is not None else Outcome(error=NOT_FOUND)
