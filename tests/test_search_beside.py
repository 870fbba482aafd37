"""The items found by meaning are read beside the request, on a connection of its own (`aside`).

Outside a transaction only: these tests commit their content (`transactional_db`)
as a running site has it. Elsewhere the suite runs in transactions, where the
work stays in the request's thread (proven last).
"""

import threading

import pytest
from django.db import connection

from cards.models import Card
from dealkennis.caching import clear_caches
from dealkennis.content.demo import load_demo_content
from dealkennis.models import Programme
from dealkennis.search import aside, hybrid
from dealkennis.search.meaning import semantic_available
from tests.conftest import _item_values


@pytest.fixture
def committed_demo(transactional_db):
    if not semantic_available(connection):
        pytest.skip("this server searches by words only (no pgvector, or the model cannot run)")
    load_demo_content()
    yield
    # Before the flush that ends the test: the thread's connection holds no lock, but need not stay.
    aside.close()


@pytest.fixture
def threads_reading_by_meaning(monkeypatch):
    """The names of the threads in which the statement that reads by meaning ran, in order."""
    names = []
    candidates = hybrid.candidates

    def recorded(base, query, words=()):
        names.append(threading.current_thread().name)
        return candidates(base, query, words)

    monkeypatch.setattr(hybrid, "candidates", recorded)
    return names


def results(client, query):
    clear_caches()
    data = client.get("/api/zoeken/", {"q": query}).json()
    return (
        data["total"],
        data["by_meaning"],
        [(result["url"], result["found_by"]) for result in data["results"]],
    )


def in_callers_thread(monkeypatch):
    monkeypatch.setattr(aside, "beside", lambda work, settings, using="default": aside.InCaller(work))


def test_items_found_by_meaning_beside_the_request_are_those_found_in_it(
    client, committed_demo, threads_reading_by_meaning, monkeypatch
):
    beside = results(client, "gezondheid")
    assert threads_reading_by_meaning == ["search-beside_0"]
    assert beside[1] > 0
    in_callers_thread(monkeypatch)
    assert results(client, "gezondheid") == beside
    assert threads_reading_by_meaning[1] == threading.current_thread().name


def test_internal_items_join_by_meaning_beside_the_request_only_for_readers_who_may_see_them(
    client, member_client, committed_demo, threads_reading_by_meaning
):
    programme = Programme.objects.get(slug="health-deals")
    secret = Card.objects.create(
        **_item_values(
            programme,
            title="Zorgkosten in de wijk beperken",
            summary="Hoe huisartsen en wijkteams samen minder dure zorg nodig maakten.",
            question="Hoe houd je de zorg in een wijk betaalbaar?",
            answer="Door huisartsen en wijkteams samen te laten werken.",
            visibility="internal",
        )
    )
    query = "goedkopere gezondheidszorg dichtbij huis"
    anonymous = results(client, query)[2]
    signed_in = results(member_client, query)[2]
    assert threads_reading_by_meaning == ["search-beside_0"] * 2
    assert not any(secret.slug in url for url, _found_by in anonymous)
    assert (f"/kaarten/{secret.slug}/", "meaning") in [
        (url[-len(secret.slug) - 10 :], by) for url, by in signed_in
    ]


def test_a_broken_connection_beside_the_request_costs_no_result(client, committed_demo, caplog):
    before = results(client, "gezondheid")
    pid = aside.beside(lambda: _backend_pid(), {}).result()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert results(client, "gezondheid") == before
    assert "doing it in the request's thread" in caplog.text
    # The next search opens a new connection beside the request.
    assert aside.beside(lambda: _backend_pid(), {}).result() not in (pid, _backend_pid())


def test_the_connection_beside_has_the_settings_each_work_asks_for(transactional_db):
    setting = "SELECT current_setting('enable_seqscan')"
    assert aside.beside(lambda: _one(setting), {"enable_seqscan": "off"}).result() == "off"
    assert aside.beside(lambda: _one(setting), {"enable_seqscan": "on"}).result() == "on"
    aside.close()


@pytest.mark.django_db
def test_in_a_transaction_the_work_stays_in_the_callers_thread_and_sees_what_it_wrote(programme):
    card = Card.objects.create(**_item_values(programme))
    work = aside.beside(
        lambda: (
            threading.current_thread().name,
            _one("SELECT title FROM cards_card WHERE id = %s", card.pk),
        ),
        {},
    )
    assert isinstance(work, aside.InCaller)
    assert work.result() == (threading.current_thread().name, card.title)


def _backend_pid():
    return _one("SELECT pg_backend_pid()")


def _one(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]
