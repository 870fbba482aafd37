"""The provider's endpoints, from its discovery document, fetched at the first sign-in and then cached.

Fetching them lazily keeps the site up when the provider is down: only the
sign-in with the organisation's account fails, with a message (views).
"""

import logging

import requests
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

CACHE_SECONDS = 3600
REQUIRED = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be fetched or is not usable."""


def provider_metadata() -> dict:
    key = "oidc-discovery:" + settings.OIDC_DISCOVERY_URL
    metadata = cache.get(key)
    if metadata is None:
        metadata = _fetch(settings.OIDC_DISCOVERY_URL)
        cache.set(key, metadata, CACHE_SECONDS)
    return metadata


def _fetch(url: str) -> dict:
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT, headers={"Accept": "application/json"})
        response.raise_for_status()
        metadata = response.json()
    except (requests.RequestException, ValueError) as error:
        logger.warning("OpenID provider unavailable (%s): %s", url, error)
        raise ProviderUnavailable(str(error)) from error
    if not isinstance(metadata, dict) or not all(isinstance(metadata.get(name), str) for name in REQUIRED):
        logger.error("The discovery document at %s lacks one of %s.", url, ", ".join(REQUIRED))
        raise ProviderUnavailable("incomplete discovery document")
    # OpenID Connect Discovery: the document must name the issuer we were configured with.
    if metadata["issuer"].rstrip("/") != settings.OIDC_ISSUER.rstrip("/"):
        logger.error(
            "The discovery document names issuer %r, not %r.", metadata["issuer"], settings.OIDC_ISSUER
        )
        raise ProviderUnavailable("issuer mismatch")
    return metadata
