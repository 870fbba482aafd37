"""Limits on password-reset requests, per e-mail address and per client address.

Counted in the cache, in fixed windows from the first request. The default
cache is per process, so with several worker processes each counts its own.
The address is stored hashed: the cache holds no e-mail addresses.
"""

from django.conf import settings

from dealkennis.security import client_ip, over_limit


def _over_limit(kind, value, limit):
    return over_limit(f"reset-{kind}", value, limit, settings.PASSWORD_RESET_LIMIT_MINUTES * 60)


def reset_allowed(request, email):
    """Counts this request; False once the address or the client asked too often in the window."""
    if _over_limit("ip", client_ip(request) or "unknown", settings.PASSWORD_RESET_LIMIT_PER_IP):
        return False
    return not _over_limit("email", email.strip().lower(), settings.PASSWORD_RESET_LIMIT_PER_EMAIL)
