"""Work beside the request, on a connection of its own (`aside`): a search's items found by meaning
and an item page's related items.

Outside a transaction only: these tests commit their content (`transactional_db`)
as a running site has it. Elsewhere the suite runs in transactions, where the
work stays in the request's thread (proven last).
"""

import re
import threading

import pytest
from django.db import connection

from cards.models import Card
from dealkennis import related
from dealkennis.caching import clear_caches
from dealkennis.content.demo import load_demo_content
from dealkennis.db import aside
from dealkennis.models import Programme
from dealkennis.search import hybrid
from dealkennis.search.meaning import semantic_available
from tests.conftest import _item_values, internal_care_card


@pytest.fixture
def committed_demo(transactional_db):
    load_demo_content()
    yield
    # Before the flush that ends the test: the thread's connection holds no lock, but need not stay.
    aside.close()


@pytest.fixture
def meaning(committed_demo):
    if not semantic_available(connection):
        pytest.skip("this server searches by words only (no pgvector, or the model cannot run)")


@pytest.fixture
def threads_reading_by_meaning(monkeypatch):
    """The names of the threads in which the statement that reads by meaning ran, in order."""
    names = []
    candidates = hybrid.candidates

    def recorded(base, wanted):
        names.append(threading.current_thread().name)
        return candidates(base, wanted)

    monkeypatch.setattr(hybrid, "candidates", recorded)
    return names


@pytest.fixture
def threads_reading_related(monkeypatch):
    """The names of the threads in which an item page's related items were read, in order."""
    names = []
    related_rows = related._related_rows

    def recorded(*args, **kwargs):
        names.append(threading.current_thread().name)
        return related_rows(*args, **kwargs)

    monkeypatch.setattr(related, "_related_rows", recorded)
    return names


def related_on_page(client, item):
    clear_caches()
    page = client.get(item.get_absolute_url()).content.decode()
    section = page.split('id="related-title"', 1)[1].split("</section>", 1)[0]
    return re.findall(r'href="([^"]+)"', section)


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
    client, meaning, threads_reading_by_meaning, monkeypatch
):
    beside = results(client, "gezondheid")
    assert threads_reading_by_meaning == ["search-beside_0"]
    assert beside[1] > 0
    in_callers_thread(monkeypatch)
    assert results(client, "gezondheid") == beside
    assert threads_reading_by_meaning[1] == threading.current_thread().name


def test_internal_items_join_by_meaning_beside_the_request_only_for_readers_who_may_see_them(
    client, member_client, meaning, threads_reading_by_meaning
):
    programme = Programme.objects.get(slug="health-deals")
    secret = internal_care_card(programme)
    query = "goedkopere gezondheidszorg dichtbij huis"
    anonymous = results(client, query)[2]
    signed_in = results(member_client, query)[2]
    assert threads_reading_by_meaning == ["search-beside_0"] * 2
    assert not any(secret.slug in url for url, _found_by in anonymous)
    assert any(url.endswith(secret.get_absolute_url()) and by == "meaning" for url, by in signed_in)


def test_an_item_pages_related_items_are_read_beside_the_request_and_are_those_read_in_it(
    client, committed_demo, threads_reading_related, monkeypatch
):
    card = Card.objects.get(slug="nieuwe-partij-wil-toetreden")
    beside = related_on_page(client, card)
    assert threads_reading_related == ["search-beside_0"]
    assert beside
    in_callers_thread(monkeypatch)
    assert related_on_page(client, card) == beside
    assert threads_reading_related[1] == threading.current_thread().name
    # A page whose body is cached reads no related items at all.
    client.get(card.get_absolute_url())
    assert len(threads_reading_related) == 2


def test_an_item_pages_related_items_beside_the_request_show_nothing_the_reader_may_not_see(
    client, member_client, committed_demo, threads_reading_related
):
    card = Card.objects.get(slug="nieuwe-partij-wil-toetreden")
    internal = Card.objects.create(
        **_item_values(
            card.programme,
            title="Toetreden zonder gedoe",
            summary=card.summary,
            question=card.question,
            answer=card.answer,
            stream=card.stream,
            order=card.order,
            level=card.level,
            visibility="internal",
        )
    )
    internal.tags.set(list(card.tags.all()))
    assert internal.get_absolute_url() not in related_on_page(client, card)
    assert internal.get_absolute_url() in related_on_page(member_client, card)
    assert threads_reading_related == ["search-beside_0"] * 2


def test_a_broken_connection_beside_the_request_costs_no_result(client, committed_demo, caplog):
    card = Card.objects.get(slug="nieuwe-partij-wil-toetreden")
    before = related_on_page(client, card)
    pid = aside.beside(lambda: _backend_pid(), {}).result()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert related_on_page(client, card) == before
    assert "doing it in the request's thread" in caplog.text
    # The next work opens a new connection beside the request.
    assert aside.beside(lambda: _backend_pid(), {}).result() not in (pid, _backend_pid())


def test_the_connection_beside_has_the_settings_each_work_asks_for(transactional_db):
    def setting():
        return _one("SELECT current_setting('enable_seqscan')")

    assert aside.beside(setting, {"enable_seqscan": "off"}).result() == "off"
    # What the work before set and this one does not is back to the server's default.
    assert aside.beside(setting, {}).result() == "on"
    assert aside.beside(setting, {"enable_seqscan": "off"}).result() == "off"
    # Killed, the connection fails its next work, which the caller does instead;
    # the connection that replaces it gets the settings too.
    pid = aside.beside(_backend_pid, {"enable_seqscan": "off"}).result()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    assert aside.beside(_backend_pid, {"enable_seqscan": "off"}).result() == _backend_pid()
    assert aside.beside(setting, {"enable_seqscan": "off"}).result() == "off"
    assert aside.beside(_backend_pid, {}).result() not in (pid, _backend_pid())
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
