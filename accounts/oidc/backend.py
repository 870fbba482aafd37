"""mozilla-django-oidc's backend, made strict and lazy.

- Endpoints come from the discovery document at sign-in, not from settings.
- The ID token must carry our client as audience, the provider as issuer, an
  expiry still ahead and the nonce of this sign-in (the library itself checks
  neither audience nor issuer, and lets an expired token raise an error).
- Users are matched by e-mail address, ignoring case; a new one gets only a
  name and the address, with the address as username, as invited accounts do.
- Only our callback calls it (with the nonce): a username and password never
  reach it, and django-axes, which guards the local form, never sees it.
"""

import logging

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.invitations import username_for
from accounts.oidc.discovery import provider_metadata
from accounts.oidc.roles import sync_roles

logger = logging.getLogger(__name__)

CLOCK_SKEW_SECONDS = 60
REQUIRED_CLAIMS = ["iss", "sub", "aud", "exp", "iat"]
# Claims about the token itself, not about the person.
PROTOCOL_CLAIMS = {
    *REQUIRED_CLAIMS,
    *("nbf", "nonce", "azp", "at_hash", "c_hash", "auth_time", "sid", "jti"),
} - {"sub"}

NO_EMAIL = _(
    "Je organisatie gaf geen bruikbaar e-mailadres door, en zonder e-mailadres kun je hier niet inloggen. "
    "Vraag je eigen ICT-afdeling om hulp."
)
UNVERIFIED = _(
    "Je organisatie heeft je e-mailadres nog niet bevestigd, dus kun je er hier niet mee inloggen. "
    "Bevestig eerst je e-mailadres bij je organisatie."
)
DOMAIN_REFUSED = _(
    "Met een e-mailadres op %(domain)s kun je hier niet inloggen: die organisatie hoort niet bij "
    "Dealkennis. Vraag de coördinator van je dealprogramma om hulp."
)
DUPLICATE = _("Er zijn hier meer accounts met jouw e-mailadres. Vraag een beheerder om dat op te lossen.")


class SignInRefused(Exception):
    """The provider vouched for someone we do not let in; `message` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class OIDCBackend(OIDCAuthenticationBackend):
    def __init__(self, *args, **kwargs):
        # The library reads endpoints from settings here; ours come from discovery in authenticate().
        self.UserModel = get_user_model()

    def authenticate(self, request, nonce=None, code_verifier=None, **credentials):
        if request is None or nonce is None or credentials or not settings.OIDC_ENABLED:
            return None
        metadata = provider_metadata()
        self.issuer = metadata["issuer"]
        self.OIDC_OP_TOKEN_ENDPOINT = metadata["token_endpoint"]
        self.OIDC_OP_USER_ENDPOINT = metadata.get("userinfo_endpoint")
        self.OIDC_OP_JWKS_ENDPOINT = metadata["jwks_uri"]
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, nonce=nonce, code_verifier=code_verifier)

    def get_user(self, user_id):
        # The library's version would keep a deactivated account's session alive.
        return ModelBackend.get_user(self, user_id)

    def store_tokens(self, access_token, id_token):
        # The callback keeps the ID token once the session belongs to the user (login() may flush it).
        self.id_token = id_token

    def _verify_jws(self, payload, key):
        try:
            algorithm = jwt.get_unverified_header(payload).get("alg")
            if algorithm != self.OIDC_RP_SIGN_ALGO:
                raise jwt.InvalidAlgorithmError(f"algorithm {algorithm!r}")
            claims = jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=self.issuer,
                leeway=CLOCK_SKEW_SECONDS,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"ID token refused, {type(error).__name__}: {error}") from error
        # With more than one audience, the token must say it was issued to us (OIDC Core 3.1.3.7).
        several = isinstance(claims["aud"], list) and len(claims["aud"]) > 1
        if several and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("ID token refused: issued to another party (azp)")
        return claims

    def get_userinfo(self, access_token, id_token, payload):
        """The person's claims from the ID token, completed by the userinfo endpoint if there is one."""
        claims = {name: value for name, value in payload.items() if name not in PROTOCOL_CLAIMS}
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
            if not isinstance(userinfo, dict) or userinfo.get("sub") != payload["sub"]:
                raise SuspiciousOperation("userinfo is about someone else than the ID token")
            claims.update(userinfo)
        return claims

    def verify_claims(self, claims):
        email = claims.get("email")
        try:
            validate_email(email)
        except ValidationError:
            raise SignInRefused(NO_EMAIL) from None
        # Absent means the provider does not say (many organisations' providers never do);
        # only an explicit "not verified" is refused, as an unverified address could claim someone's account.
        if str(claims.get("email_verified", "")).lower() == "false":
            raise SignInRefused(UNVERIFIED)
        domain = email.rsplit("@", 1)[1].lower()
        if settings.OIDC_ALLOWED_DOMAINS and domain not in settings.OIDC_ALLOWED_DOMAINS:
            raise SignInRefused(DOMAIN_REFUSED % {"domain": domain})
        return True

    def filter_users_by_claims(self, claims):
        users = list(self.UserModel.objects.filter(email__iexact=claims["email"].strip())[:2])
        if len(users) > 1:
            logger.error("More than one account has the e-mail address %s.", claims["email"])
            raise SignInRefused(DUPLICATE)
        return users

    @transaction.atomic
    def create_user(self, claims):
        email = claims["email"].strip()
        user = self.UserModel(email=email, username=self._free_username(email), **_names(claims))
        user.set_unusable_password()
        user.save()
        logger.info("Account %s made at its first sign-in with the organisation's account.", user.username)
        sync_roles(user, claims)
        return user

    @transaction.atomic
    def update_user(self, user, claims):
        if not user.is_active:
            return user  # refused by the callback; a deactivated account stays as it was
        names = {field: value for field, value in _names(claims).items() if value}
        if any(getattr(user, field) != value for field, value in names.items()):
            for field, value in names.items():
                setattr(user, field, value)
            user.save(update_fields=list(names))
        sync_roles(user, claims)
        return user

    def _free_username(self, email):
        base = username_for(email)
        candidate, number = base, 1
        while self.UserModel.objects.filter(username__iexact=candidate).exists():
            number += 1
            candidate = f"{base[:140]}-{number}"
        return candidate


def _names(claims):
    """First and last name from given_name/family_name, or else split from name."""
    first, last = claims.get("given_name"), claims.get("family_name")
    if not first and not last and isinstance(claims.get("name"), str):
        first, _space, last = claims["name"].strip().partition(" ")
    return {
        "first_name": str(first or "")[:150],
        "last_name": str(last or "")[:150],
    }
