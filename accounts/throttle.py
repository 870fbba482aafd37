"""Limits on password-reset requests, per e-mail address and per client address.

Counted in the cache, in fixed windows from the first request. The default
cache is per process, so with several worker processes each counts its own.
The address is stored hashed: the cache holds no e-mail addresses.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from dealkennis.security import client_ip


def _over_limit(kind, value, limit):
    key = "reset-limit:" + hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()
    window = settings.PASSWORD_RESET_LIMIT_MINUTES * 60
    cache.add(key, 0, window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, window)
        count = 1
    return count > limit


def reset_allowed(request, email):
    """Counts this request; False once the address or the client asked too often in the window."""
    if _over_limit("ip", client_ip(request) or "unknown", settings.PASSWORD_RESET_LIMIT_PER_IP):
        return False
    return not _over_limit("email", email.strip().lower(), settings.PASSWORD_RESET_LIMIT_PER_EMAIL)
