"""Single sign-on with OpenID Connect, configured by DEALKENNIS_OIDC_* variables only.

`read_oidc_settings` turns them into Django settings: the OIDC_* names that
mozilla-django-oidc reads, and our own (allowed domains, the group mapping,
whether the local form stays). It reads no network: the provider's endpoints
come from its discovery document at the first sign-in (accounts.oidc), so a
provider that is down never stops the site from starting.
"""

import ipaddress
import os
import re
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from dealkennis.environment import env_bool, env_int, env_list

PREFIX = "DEALKENNIS_OIDC_"
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "ES256", "ES384", "ES512")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_LOOPBACK_NAMES = {"localhost"}

DISABLED = {
    "OIDC_ENABLED": False,
    "OIDC_ISSUER": "",
    "OIDC_DISCOVERY_URL": "",
    "OIDC_RP_CLIENT_ID": "",
    "OIDC_RP_CLIENT_SECRET": "",
    "OIDC_RP_SCOPES": "openid email profile",
    "OIDC_RP_SIGN_ALGO": "RS256",
    "OIDC_ALLOWED_DOMAINS": [],
    "OIDC_GROUPS_CLAIM": "groups",
    "OIDC_COORDINATOR_GROUPS": [],
    "OIDC_EDITOR_GROUPS": [],
    "OIDC_LOCAL_LOGIN": True,
    "OIDC_TIMEOUT": 5,
}

# How mozilla-django-oidc is used, whatever the provider: the authorization
# code flow with PKCE and a nonce, the client authenticating with HTTP Basic
# (which every provider must accept), and the ID token kept in the session as
# the hint for the provider's logout.
FIXED = {
    "OIDC_USE_NONCE": True,
    "OIDC_USE_PKCE": True,
    "OIDC_TOKEN_USE_BASIC_AUTH": True,
    "OIDC_STORE_ID_TOKEN": True,
    "OIDC_STORE_ACCESS_TOKEN": False,
    "OIDC_VERIFY_SSL": True,
    "OIDC_AUTHENTICATION_CALLBACK_URL": "oidc-callback",
}


def _url(name: str, raw: str) -> str:
    parts = urlsplit(raw)
    loopback = parts.hostname in _LOOPBACK_NAMES or _is_loopback_address(parts.hostname)
    secure = parts.scheme == "https" or (parts.scheme == "http" and loopback)
    if secure and parts.hostname and not parts.query and not parts.fragment:
        return raw
    raise ImproperlyConfigured(
        f"{name} must be an https:// URL without query or fragment (http:// only on this machine), "
        f"not {raw!r}."
    )


def _is_loopback_address(host) -> bool:
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def _required(name: str) -> str:
    value = os.environ.get(PREFIX + name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{PREFIX}{name} is required when {PREFIX}ISSUER is set.")
    return value


def _scopes() -> str:
    scopes = os.environ.get(PREFIX + "SCOPES", "").replace(",", " ").split() or ["openid", "email", "profile"]
    if "openid" not in scopes or "email" not in scopes:
        raise ImproperlyConfigured(f"{PREFIX}SCOPES must include 'openid' and 'email', not {scopes!r}.")
    return " ".join(dict.fromkeys(scopes))


def _domains() -> list[str]:
    domains = [domain.lower().lstrip("@") for domain in env_list(PREFIX + "ALLOWED_DOMAINS", [])]
    wrong = [domain for domain in domains if not _DOMAIN.match(domain)]
    if wrong:
        raise ImproperlyConfigured(f"{PREFIX}ALLOWED_DOMAINS has what is not a domain name: {wrong!r}.")
    return domains


def _choice(name: str, choices, default: str) -> str:
    value = os.environ.get(PREFIX + name, "").strip() or default
    if value not in choices:
        raise ImproperlyConfigured(f"{PREFIX}{name} must be one of {list(choices)}, not {value!r}.")
    return value


def read_oidc_settings() -> dict:
    """The OIDC settings; OIDC is off (and no other DEALKENNIS_OIDC_* may be set) without an issuer."""
    issuer = os.environ.get(PREFIX + "ISSUER", "").strip()
    if not issuer:
        stray = sorted(
            name for name, value in os.environ.items() if name.startswith(PREFIX) and value.strip()
        )
        if stray:
            raise ImproperlyConfigured(f"{stray[0]} is set but {PREFIX}ISSUER is not.")
        return {**DISABLED, **FIXED}
    issuer = _url(PREFIX + "ISSUER", issuer)
    discovery = os.environ.get(PREFIX + "DISCOVERY_URL", "").strip()
    timeout = env_int(PREFIX + "TIMEOUT", 5)
    if not 1 <= timeout <= 60:
        raise ImproperlyConfigured(f"{PREFIX}TIMEOUT must be between 1 and 60 seconds, not {timeout}.")
    claim = os.environ.get(PREFIX + "GROUPS_CLAIM", "").strip() or "groups"
    return {
        **FIXED,
        "OIDC_ENABLED": True,
        "OIDC_ISSUER": issuer,
        "OIDC_DISCOVERY_URL": (
            _url(PREFIX + "DISCOVERY_URL", discovery)
            if discovery
            else issuer.rstrip("/") + "/.well-known/openid-configuration"
        ),
        "OIDC_RP_CLIENT_ID": _required("CLIENT_ID"),
        "OIDC_RP_CLIENT_SECRET": _required("CLIENT_SECRET"),
        "OIDC_RP_SCOPES": _scopes(),
        "OIDC_RP_SIGN_ALGO": _choice("SIGN_ALGO", SIGNING_ALGORITHMS, "RS256"),
        "OIDC_ALLOWED_DOMAINS": _domains(),
        "OIDC_GROUPS_CLAIM": claim,
        "OIDC_COORDINATOR_GROUPS": env_list(PREFIX + "COORDINATOR_GROUPS", []),
        "OIDC_EDITOR_GROUPS": env_list(PREFIX + "EDITOR_GROUPS", []),
        "OIDC_LOCAL_LOGIN": env_bool(PREFIX + "LOCAL_LOGIN", False),
        "OIDC_TIMEOUT": timeout,
    }


def form_action_sources(oidc: dict) -> list[str]:
    """What the site's CSP form-action must allow besides itself.

    Signing out is a form (POST) that the site answers with a redirect to the
    provider's logout page, and browsers apply form-action to that redirect too.
    """
    if not oidc["OIDC_ENABLED"]:
        return []
    parts = urlsplit(oidc["OIDC_ISSUER"])
    return [f"{parts.scheme}://{parts.netloc}"]
