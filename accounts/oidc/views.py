"""Signing in with the organisation's account: start, callback, and logout at the provider too.

Whatever goes wrong comes back to the login page as a Dutch message, never as
an error page: a provider that is down, a tampered or replayed answer, a token
that does not hold, an address we do not let in.
"""

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from accounts.oidc.backend import OIDCBackend, SignInRefused
from accounts.oidc.discovery import ProviderUnavailable, provider_metadata

logger = logging.getLogger(__name__)

BACKEND = "accounts.oidc.backend.OIDCBackend"
UNAVAILABLE = _(
    "Inloggen met je organisatieaccount lukt nu niet: de inlogdienst van je organisatie is niet "
    "bereikbaar. Probeer het later opnieuw."
)
FAILED = _("Inloggen met je organisatieaccount is niet gelukt. Probeer het opnieuw.")
CANCELLED = _("Het inloggen bij je organisatie is afgebroken. Je bent niet ingelogd.")
INACTIVE = _("Je account op Dealkennis is gedeactiveerd. Vraag de coördinator van je dealprogramma om hulp.")
# The failures an answer from the provider (or a forged one) can cause.
BAD_ANSWER = (SuspiciousOperation, requests.RequestException, jwt.PyJWTError, KeyError, ValueError, TypeError)


def _back_to_login(request, message, next_url=None):
    messages.error(request, message)
    url = reverse("login")
    if next_url:
        url += "?" + urlencode({"next": next_url})
    return redirect(url)


def _safe_next(request):
    next_url = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure())
    return next_url if safe else None


class StartView(OIDCAuthenticationRequestView):
    """Off to the provider, with state, nonce and PKCE kept in the session."""

    def __init__(self, **kwargs):
        # The library reads the endpoint from settings here; ours comes from discovery in get().
        View.__init__(self, **kwargs)

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404
        try:
            metadata = provider_metadata()
        except ProviderUnavailable:
            return _back_to_login(request, UNAVAILABLE, _safe_next(request))
        self.OIDC_OP_AUTH_ENDPOINT = metadata["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class CallbackView(View):
    """The provider's answer: the state must be one this session started, used once.

    Calls the backend itself rather than django.contrib.auth.authenticate(), so
    django-axes (the first backend) neither blocks nor counts these sign-ins.
    """

    http_method_names = ["get"]

    def get(self, request):
        if not settings.OIDC_ENABLED:
            raise Http404
        try:
            return self.sign_in(request)
        except SignInRefused as refusal:
            logger.info("Sign-in with the organisation's account refused: %s", refusal)
            return _back_to_login(request, refusal.message)
        except ProviderUnavailable:
            return _back_to_login(request, UNAVAILABLE)
        except BAD_ANSWER as error:
            logger.warning("Sign-in with the organisation's account failed: %r", error)
            return _back_to_login(request, FAILED)

    def sign_in(self, request):
        flow = self.take_state(request)
        if request.GET.get("error"):
            raise SignInRefused(CANCELLED if request.GET["error"] == "access_denied" else FAILED)
        if flow is None or not request.GET.get("code"):
            raise SuspiciousOperation("the callback's state is not one this session started")
        # RFC 9207: an answer that names an issuer must name ours (no mix-up with another provider).
        if "iss" in request.GET and request.GET["iss"] != provider_metadata()["issuer"]:
            raise SuspiciousOperation("the callback names another issuer")
        next_url = request.session.get("oidc_login_next")
        backend = OIDCBackend()
        user = backend.authenticate(request, nonce=flow["nonce"], code_verifier=flow.get("code_verifier"))
        if user is None:
            raise SuspiciousOperation("the backend found no user")
        if not user.is_active:
            raise SignInRefused(INACTIVE)
        auth.login(request, user, backend=BACKEND)
        request.session["oidc_id_token"] = backend.id_token
        return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))

    @staticmethod
    def take_state(request):
        """This state's nonce and PKCE verifier, removed from the session so no answer is used twice."""
        states = request.session.get("oidc_states")
        if not isinstance(states, dict):
            return None
        flow = states.pop(request.GET.get("state", ""), None)
        request.session["oidc_states"] = states
        return flow if isinstance(flow, dict) and flow.get("nonce") else None


class LogoutView(auth_views.LogoutView):
    """Signs out here and, after a sign-in at the provider, there too (RP-initiated logout)."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        provider_url = provider_logout_url(request, id_token) if id_token and settings.OIDC_ENABLED else None
        return HttpResponseRedirect(provider_url) if provider_url else response


def provider_logout_url(request, id_token):
    try:
        endpoint = provider_metadata().get("end_session_endpoint")
    except ProviderUnavailable:
        return None
    if not isinstance(endpoint, str) or not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL)),
        }
    )
    return endpoint + ("&" if "?" in endpoint else "?") + query
