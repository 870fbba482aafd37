"""Request middleware: the reader's chosen language, JSON errors under /api/, NUL bytes in the admin,
and which database a request reads from."""

import json
from http.client import responses

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponseBadRequest
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from dealkennis.db import router


class ChosenLanguageMiddleware:
    """Dutch unless the reader chose another language with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a
    civil servant with an English browser would get an English interface they
    never asked for; the product speaks Dutch by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


def api_error_messages():
    return {
        400: _("Dit verzoek kan de API niet lezen."),
        403: _("Dit mag je niet opvragen."),
        404: _("Deze API-URL bestaat niet."),
        405: _("De API is alleen te lezen: gebruik GET (of HEAD)."),
        500: _("Er ging iets mis op de server. Probeer het later nog eens."),
        503: _("De database is even niet beschikbaar. Probeer het over een halve minuut opnieuw."),
    }


class ApiErrorMiddleware:
    """Every error under /api/ answered as JSON, {"error": "..."}, with its own status.

    Whatever made it: the URL resolver (404), the method check (405), a CSRF
    or permission refusal (403), the error handlers (500, 503). An API client
    should never have to read an HTML page. Only the body changes: headers
    such as Allow, Retry-After and Vary stay as they were.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not request.path_info.startswith("/api/")
            or response.status_code < 400
            or response.streaming
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        message = api_error_messages().get(response.status_code) or responses.get(response.status_code, "")
        response.content = json.dumps({"error": str(message)}, ensure_ascii=False)
        response["Content-Type"] = "application/json"
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response


class AdminNulMiddleware:
    """A NUL character in an admin URL is refused with 400 before any view reads it.

    The admin's filters, search, autocomplete and object URLs pass such values
    straight to PostgreSQL, whose text cannot hold NUL (a 500). The public
    pages read their few parameters themselves and explain the refusal there.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/admin/") and (
            "\x00" in request.path_info or "%00" in request.META.get("QUERY_STRING", "")
        ):
            return HttpResponseBadRequest(
                _("Een adres in het beheer mag geen NUL-teken (0x00) bevatten; haal dat teken weg."),
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


READ_YOUR_WRITES_COOKIE = "dk_primary"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# The admin, accounts, the share form and one's own submissions: pages whose
# reader expects what they just did, or whose data is small and personal.
PRIMARY_PATHS = ("/admin/", "/account/", "/i18n/", "/lessen/delen/", "/lessen/mijn-inzendingen/")


class PrimaryReadsMiddleware:
    """Which database this request reads from: a replica for the public site, else the primary.

    The primary for any method that may write, the paths above, signed-in
    staff (who edit), and for DEALKENNIS_READ_YOUR_WRITES_SECONDS after the
    browser's last successful write, marked by a signed cookie so every app
    server honours it. A safe request whose replica fails is answered once
    more from the primary, and the replica is skipped until it checks out.
    Only installed when DATABASE_REPLICA_URLS names replicas.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def reads_from_primary(self, request):
        if request.method not in _SAFE_METHODS or request.path_info.startswith(PRIMARY_PATHS):
            return True
        if request.get_signed_cookie(
            READ_YOUR_WRITES_COOKIE,
            default=None,
            salt=READ_YOUR_WRITES_COOKIE,
            max_age=settings.DEALKENNIS_READ_YOUR_WRITES_SECONDS,
        ):
            return True
        # Only a request with a session cookie can be signed in; the others
        # never load a user.
        return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_staff

    def __call__(self, request):
        if self.reads_from_primary(request):
            response = self.get_response(request)
        else:
            token = router.allow_replica_reads()
            try:
                response = self.get_response(request)
                failed = getattr(request, "_failed_replica", None)
                if failed:
                    router.mark_down(failed)
                    router.use_primary_for_rest_of_request()
                    response = self.get_response(request)
            finally:
                router.end_request(token)
        if request.method not in _SAFE_METHODS and response.status_code < 400:
            response.set_signed_cookie(
                READ_YOUR_WRITES_COOKIE,
                "1",
                salt=READ_YOUR_WRITES_COOKIE,
                max_age=settings.DEALKENNIS_READ_YOUR_WRITES_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response

    def process_exception(self, request, exception):
        replica = router.request_replica()
        if (
            replica
            and replica != router.PRIMARY
            and isinstance(exception, (OperationalError, InterfaceError))
        ):
            request._failed_replica = replica
