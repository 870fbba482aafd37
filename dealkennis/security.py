"""Security pieces: trusted client IP, rate limits, response headers, and the health check."""

import datetime
import hashlib
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dealkennis.db import router

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)


def client_ip(request):
    """The client's address, read from X-Forwarded-For only behind known proxies.

    With DJANGO_TRUSTED_PROXY_COUNT=n, the n-th address from the right of
    X-Forwarded-For is the one our outermost trusted proxy saw; anything to
    its left could be forged by the client, so it is never used.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR", "")
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


def over_limit(name, value, limit, window):
    """Count one more for `value`; True once it passed `limit` within `window` seconds of its first count.

    Kept in the default cache, hashed (the cache holds no addresses): per process,
    or shared by every server when CACHE_URL points at Redis.
    """
    key = f"limit:{name}:" + hashlib.sha256(str(value).encode()).hexdigest()
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, window)
        count = 1
    return count > limit


class SecurityHeadersMiddleware:
    """Headers Django does not set itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


@never_cache
@require_GET
def health(request):
    """For load balancers: 200 when the primary answers, 503 when it does not.

    Each replica is reported as the router sees it (checked at most every
    DEALKENNIS_REPLICA_CHECK_SECONDS), so a dead replica never slows this
    answer down more than once per interval, nor fails it: the primary serves.
    """
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        primary = "up"
    except DatabaseError:
        primary = "down"
    databases = {"default": {"role": "primary", "status": primary}}
    for alias in router.replica_aliases():
        status = router.replica_status(alias)
        lag = None if status.lag is None else round(status.lag, 1)
        databases[alias] = {"role": "replica", "status": status.state, "lag_seconds": lag}
    body = {"status": "ok" if primary == "up" else "unavailable", "database": primary, "databases": databases}
    return JsonResponse(body, status=200 if primary == "up" else 503)


@require_GET
def security_txt(request):
    """RFC 9116: where to report a vulnerability; renewed on every request."""
    expires = timezone.now().replace(microsecond=0) + datetime.timedelta(days=180)
    lines = [
        f"Contact: {settings.SECURITY_CONTACT}",
        f"Expires: {expires.astimezone(datetime.UTC).isoformat().replace('+00:00', 'Z')}",
        "Preferred-Languages: nl, en",
        f"Canonical: {request.build_absolute_uri('/.well-known/security.txt')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def login_username(request, credentials):
    """The username django-axes records: what was typed, cut to what the database holds.

    Axes stores it in a 255-character column; an overlong or NUL-containing
    value would otherwise make a failed sign-in a server error.
    """
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).replace("\x00", "")[:150]
