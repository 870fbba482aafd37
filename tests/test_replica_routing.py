"""Which database a query goes to, decided without replicas running (the real ones: test_scaleout.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import RequestFactory

from dealkennis.db import router
from dealkennis.db.router import ReplicaRouter, ReplicaStatus
from dealkennis.middleware import READ_YOUR_WRITES_COOKIE, PrimaryReadsMiddleware
from dealkennis.models import Programme


@pytest.fixture
def one_replica(settings, monkeypatch):
    """A replica alias the router believes healthy (it is never connected to)."""
    settings.DATABASE_REPLICAS = ["replica1"]
    monkeypatch.setattr(router, "replica_status", lambda alias: ReplicaStatus("up", 0.0, 0.0))


def routed_reads(request, monkeypatch, model=Programme):
    """Where the router sends a read of `model` while the middleware handles `request`."""
    seen = []

    def view(request):
        seen.append(ReplicaRouter().db_for_read(model))
        return HttpResponse("ok", status=getattr(request, "answer_status", 200))

    response = PrimaryReadsMiddleware(view)(request)
    return seen[0], response


def anonymous(request):
    request.user = AnonymousUser()
    return request


def test_outside_a_request_everything_reads_from_the_primary(one_replica):
    assert ReplicaRouter().db_for_read(Programme) == "default"
    assert ReplicaRouter().db_for_write(Programme) == "default"


def test_only_the_primary_is_migrated():
    assert ReplicaRouter().allow_migrate("default", "dealkennis")
    assert not ReplicaRouter().allow_migrate("replica1", "dealkennis")


def test_a_public_page_reads_from_the_replica_and_sessions_from_the_primary(one_replica, monkeypatch):
    factory = RequestFactory()
    assert routed_reads(anonymous(factory.get("/programmas/")), monkeypatch)[0] == "replica1"
    assert routed_reads(anonymous(factory.get("/programmas/")), monkeypatch, Session)[0] == "default"


@pytest.mark.parametrize(
    "path", ["/admin/", "/account/login/", "/lessen/delen/", "/lessen/mijn-inzendingen/"]
)
def test_the_admin_accounts_and_the_share_form_read_from_the_primary(one_replica, monkeypatch, path):
    assert routed_reads(anonymous(RequestFactory().get(path)), monkeypatch)[0] == "default"


def test_staff_read_from_the_primary(one_replica, monkeypatch, db, settings):
    request = RequestFactory().get("/programmas/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "x"
    request.user = get_user_model()(username="c", is_staff=True)
    assert routed_reads(request, monkeypatch)[0] == "default"


def test_a_successful_write_sends_the_writers_reads_to_the_primary_for_a_while(one_replica, monkeypatch):
    factory = RequestFactory()
    where, response = routed_reads(anonymous(factory.post("/lessen/delen/")), monkeypatch)
    assert where == "default"
    cookie = response.cookies[READ_YOUR_WRITES_COOKIE]
    assert cookie["max-age"] == 10 and cookie["httponly"]
    after = anonymous(factory.get("/programmas/"))
    after.COOKIES[READ_YOUR_WRITES_COOKIE] = cookie.value
    assert routed_reads(after, monkeypatch)[0] == "default"
    forged = anonymous(factory.get("/programmas/"))
    forged.COOKIES[READ_YOUR_WRITES_COOKIE] = "1"
    assert routed_reads(forged, monkeypatch)[0] == "replica1"


def test_a_refused_write_or_a_read_sets_no_cookie(one_replica, monkeypatch):
    refused = anonymous(RequestFactory().post("/lessen/delen/"))
    refused.answer_status = 403
    assert READ_YOUR_WRITES_COOKIE not in routed_reads(refused, monkeypatch)[1].cookies
    read = anonymous(RequestFactory().get("/programmas/"))
    assert READ_YOUR_WRITES_COOKIE not in routed_reads(read, monkeypatch)[1].cookies


def test_without_a_healthy_replica_the_primary_serves(settings, monkeypatch):
    settings.DATABASE_REPLICAS = ["replica1"]
    monkeypatch.setattr(router, "replica_status", lambda alias: ReplicaStatus("lagging", 30.0, 0.0))
    assert routed_reads(anonymous(RequestFactory().get("/programmas/")), monkeypatch)[0] == "default"


def test_sessions_and_sign_in_lockouts_live_in_the_database_shared_by_all_servers(settings):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
