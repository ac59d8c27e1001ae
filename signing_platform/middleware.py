"""Request-wide middleware of the project: which proxy headers to believe, and the Content-Security-Policy."""

import functools
import ipaddress

from django.conf import settings

# Headers a proxy in front uses to pass on the client's address and the scheme it was reached with. Anyone can
# send them, so they mean something only when the peer is one of our proxies.
_FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_X_FORWARDED_PROTO")


@functools.cache
def _networks(cidrs: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


class TrustedProxyMiddleware:
    """Set REMOTE_ADDR and the scheme from X-Forwarded-For / X-Real-IP / X-Forwarded-Proto, only behind a proxy
    of settings.TRUSTED_PROXIES, and drop those headers in every case: everything after this middleware (the
    HTTPS redirect, HSTS, the rate limits per address, the logs) reads REMOTE_ADDR and request.is_secure() only.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        meta = request.META
        forwarded = {name: meta.pop(name, "") for name in _FORWARDED_HEADERS}
        networks = _networks(tuple(settings.TRUSTED_PROXIES))

        def trusted(address) -> bool:
            return address is not None and any(address in network for network in networks)

        if networks and trusted(_address(meta.get("REMOTE_ADDR", ""))):
            client = self._client(forwarded, trusted)
            if client is not None:
                meta["REMOTE_ADDR"] = str(client)
            # The proxy nearest to us wrote the last value; earlier ones may come from the client.
            scheme = forwarded["HTTP_X_FORWARDED_PROTO"].rsplit(",", 1)[-1].strip().lower()
            if scheme in ("http", "https"):
                meta["wsgi.url_scheme"] = scheme  # what request.scheme reads under WSGI (gunicorn)
                if hasattr(request, "scope"):
                    request.scope["scheme"] = scheme  # and under ASGI
        return self.get_response(request)

    @staticmethod
    def _client(forwarded, trusted):
        """The first address, read from the right, that is not one of our proxies: entries left of it were
        written by the client or its own proxies and prove nothing."""
        hops = [hop for hop in forwarded["HTTP_X_FORWARDED_FOR"].split(",") if hop.strip()]
        if not hops:
            return _address(forwarded["HTTP_X_REAL_IP"])
        client = None
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                break
            client = address
            if not trusted(address):
                break
        return client


# Everything comes from our own origin: htmx and app.js are static files, no template has an inline script, event
# handler or style attribute (tests/test_content_security_policy.py checks), and htmx's indicator style is in
# app.css. Django 5.2's admin needs no exception either: its scripts are files too.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Send CONTENT_SECURITY_POLICY with every response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # With DEBUG, Django's own error pages are styled and scripted inline; they are never shown in production.
        if not (settings.DEBUG and response.status_code in (404, 500)):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
