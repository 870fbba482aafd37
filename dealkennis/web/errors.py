"""The error pages: 404, and 500 or 503 when the database cannot be reached."""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


# SQLSTATEs of a server that is going away or not yet taking connections;
# class 08 is a connection that failed or broke.
SERVER_UNAVAILABLE_STATES = {"57P01", "57P02", "57P03"}


def database_unavailable(error):
    """Whether `error` means the database cannot be reached, rather than that it refused a query.

    Both are OperationalErrors to Django: so is, say, a search vector over
    PostgreSQL's size limit, which is a bug to fix and no reason to come back
    later. An error PostgreSQL sends carries an SQLSTATE; a connection that
    could not be made or was lost has none (psycopg) or one of class 08.
    """
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    state = getattr(error.__cause__, "sqlstate", None)
    return state is None or state.startswith("08") or state in SERVER_UNAVAILABLE_STATES


@requires_csrf_token
def server_error(request):
    # Rendered without context processors or the database: whatever broke may
    # be one of them. A database that is down is a 503, which tells load
    # balancers and people alike to come back shortly.
    if database_unavailable(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())
