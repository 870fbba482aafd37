"""Searches with many matches and no filters: counted among the newest items, scaled, marked as estimates.

At 100,000 items a word in 5,000 of them takes this path; here the bounds are
lowered so that a handful of items does.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from cards.models import Card
from dealkennis.caching import clear_caches
from dealkennis.search import estimate, window
from lessons.models import Lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_window(monkeypatch):
    """Every unfiltered word search counts in a window of the newest 4 items per kind."""
    monkeypatch.setattr(window, "BOUND", 0)
    monkeypatch.setattr(window, "MATCHES", 4)
    monkeypatch.setattr(estimate, "SAMPLE", 4)
    monkeypatch.setattr(estimate, "MIN_MATCHES", 1)


def dated_lessons(make_lesson, titles, **values):
    start = timezone.now() - timedelta(days=100)
    return [
        make_lesson(title=title, published_at=start + timedelta(days=day), **values)
        for day, title in enumerate(titles)
    ]


def test_a_word_in_many_items_is_counted_among_the_newest_and_marked_as_estimated(
    search_page, shown_as_estimate, client, make_lesson, small_window, hundred_visible, settings
):
    settings.PAGE_SIZE = 2
    dated_lessons(make_lesson, [f"Heisessie {number}" for number in range(10)])
    outcome, page = search_page(client, "heisessie")
    # The newest 4 of 100 lessons hold it, each standing for 25.
    shown_as_estimate(client, outcome, page, "heisessie", 100)
    assert outcome.facets["stream"]["social"] == 100
    assert [hit.item.title for hit in outcome.hits] == ["Heisessie 9", "Heisessie 8"]


def test_only_the_windows_matches_are_counted_and_scaled(
    search_page, client, make_lesson, small_window, hundred_visible
):
    titles = ["Heisessie oud", "Heisessie", "Iets anders", "Heisessie", "Nog iets anders"]
    dated_lessons(make_lesson, titles)
    outcome, _page = search_page(client, "heisessie")
    # The newest 4: two hold the word, so half of the 100 do.
    assert outcome.estimated
    assert outcome.total == 50


def test_the_window_holds_only_what_the_reader_may_see(
    search_page, client, member_client, make_lesson, small_window, hundred_visible, settings
):
    settings.PAGE_SIZE = 4  # a page the window's matches fill
    dated_lessons(make_lesson, [f"Heisessie openbaar {number}" for number in range(4)], tags=["open"])
    for _number in range(4):  # newer than the public ones
        make_lesson(title="Heisessie intern", visibility="internal", tags=["geheim"])
    outcome, page = search_page(client, "heisessie")
    assert outcome.estimated and outcome.total == 100
    assert dict(outcome.facets["tags"]) == {"open": 100}
    assert all("openbaar" in hit.item.title for hit in outcome.hits)
    assert "intern" not in page and "geheim" not in page
    response = member_client.get("/zoeken/", {"q": "heisessie"})
    # A member's window is the newest 4 they may see: the internal ones.
    assert {hit.item.title for hit in response.context["outcome"].hits} == {"Heisessie intern"}


def test_a_kind_with_no_more_items_than_its_window_is_counted_exactly(
    search_page, client, make_lesson, make_card, small_window, hundred_visible
):
    dated_lessons(make_lesson, [f"Heisessie {number}" for number in range(6)])
    make_card(title="Heisessie op een kaart")
    outcome, _page = search_page(client, "heisessie")
    assert outcome.estimated
    assert outcome.facets["type"] == {"card": 1, "lesson": 100}


def test_a_filtered_search_counts_exactly(search_page, client, make_lesson, small_window, hundred_visible):
    dated_lessons(make_lesson, [f"Heisessie {number}" for number in range(6)])
    outcome, page = search_page(client, "heisessie", stream="social")
    assert not outcome.estimated
    assert outcome.total == 6
    assert "Ongeveer" not in page


def test_too_few_matches_in_the_window_are_counted_exactly(
    search_page, client, make_lesson, small_window, hundred_visible, monkeypatch
):
    monkeypatch.setattr(estimate, "MIN_MATCHES", 30)
    dated_lessons(make_lesson, [f"Heisessie {number}" for number in range(6)])
    outcome, page = search_page(client, "heisessie")
    assert not outcome.estimated
    assert outcome.total == 6
    assert "Ongeveer" not in page


def test_the_first_pages_are_ranked_as_when_counted_exactly(client, make_lesson, monkeypatch, settings):
    # A window that holds every match: the same rows in the same order as exact counting.
    settings.PAGE_SIZE = 20
    titles = ["Iets heel anders", "Heisessie", "Heisessie heisessie heisessie", "Iets anders", "Heisessie"]
    dated_lessons(make_lesson, titles)

    def searched(**params):
        response = client.get("/zoeken/", {"q": "heisessie", **params})
        outcome = response.context["outcome"]
        return outcome.estimated, [hit.item.pk for hit in outcome.hits]

    exact = searched(), searched(sort="date")
    clear_caches()
    monkeypatch.setattr(window, "BOUND", 0)
    monkeypatch.setattr(window, "MATCHES", 1)
    monkeypatch.setattr(estimate, "SAMPLE", 4)
    monkeypatch.setattr(estimate, "MIN_MATCHES", 1)
    # One item of each kind in a thousand holds the words, and four items
    # exist: a window of the newest 4, which holds all three matches.
    monkeypatch.setattr(estimate, "expected_rows", lambda querysets: [1, 1, 1000, 1000, 4, 4])
    windowed = searched(), searched(sort="date")
    assert [estimated for estimated, _rows in windowed] == [True, True]
    assert [rows for _estimated, rows in windowed] == [rows for _estimated, rows in exact]
    assert len(exact[0][1]) == 3


def test_a_window_is_taken_above_its_bound_without_filters_nor_very_common_words_nor_phrases(make_lesson):
    make_lesson(title="Heisessie")
    base = {"card": Card.objects.published(), "lesson": Lesson.objects.published()}
    many = [50_000, 50_000, 90_000, 90_000]
    assert window.windows(base, (None, [2000, 2000, *many]), narrowed=False).keys() == base.keys()
    # A word in a sixth of the items: the newest 200 of each kind would hold too few.
    assert window.windows(base, (None, [8000, 15_000, *many]), narrowed=False).keys() == base.keys()
    # A word in most items: they hold plenty, and a sample reads no more.
    assert window.windows(base, (None, [30_000, 50_000, *many]), narrowed=False) is None
    assert window.windows(base, (None, [1000, 1000, *many]), narrowed=False) is None
    assert window.windows(base, (None, [2000, 2000, *many]), narrowed=True) is None
    # A phrase has its own sample.
    assert window.windows(base, ("phrase", [2000, 2000, *many]), narrowed=False) is None
