"""Searches with very many matches: counted from the newest items the reader may see, and marked as estimates.

At 100,000 items a word such as "deal" is in most of them; here the bounds are
lowered so that a handful of items takes the same path.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from cards.models import Card
from dealkennis.search import estimate
from lessons.models import Lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_bounds(monkeypatch):
    """Every search takes the estimated path; the sample is the newest 4 items per kind."""
    monkeypatch.setattr(estimate, "BOUND", 0)
    monkeypatch.setattr(estimate, "PHRASE_BOUND", 0)
    monkeypatch.setattr(estimate, "SAMPLE", 4)
    monkeypatch.setattr(estimate, "MIN_MATCHES", 1)


def test_a_very_common_word_is_counted_from_the_newest_items_and_marked_as_estimated(
    search_page, shown_as_estimate, client, make_lesson, small_bounds, hundred_visible, settings
):
    settings.PAGE_SIZE = 2
    for number in range(10):
        make_lesson(title=f"Heisessie {number}")
    outcome, page = search_page(client, "heisessie")
    # The 4 newest of 100 lessons all match: about 100 match.
    shown_as_estimate(client, outcome, page, "heisessie", 100)
    assert outcome.facets["stream"]["social"] == 100
    # Equally relevant: the newest first.
    assert [hit.item.title for hit in outcome.hits] == ["Heisessie 9", "Heisessie 8"]


def test_estimated_counts_never_read_items_the_reader_may_not_see(
    search_page, client, member_client, make_lesson, small_bounds
):
    for number in range(3):
        make_lesson(title=f"Heisessie openbaar {number}")
    for number in range(6):
        make_lesson(title=f"Heisessie intern {number}", visibility="internal")
    outcome, page = search_page(client, "heisessie")
    # Only 3 items are visible: the sample holds them all, so the count is exact.
    assert not outcome.estimated
    assert outcome.total == 3
    assert all("openbaar" in hit.item.title for hit in outcome.hits)
    assert "intern" not in page
    response = member_client.get("/zoeken/", {"q": "heisessie"})
    assert any("intern" in hit.item.title for hit in response.context["outcome"].hits)


def test_a_common_phrase_is_checked_on_the_newest_items_holding_its_words(
    search_page, client, make_card, small_bounds, hundred_visible
):
    make_card(title="Het team op heisessie")
    make_card(title="Een heisessie voor het hele team")
    make_card(title="Heisessie zonder iets anders")
    outcome, _page = search_page(client, '"team op heisessie"')
    # The two cards holding all three words are the candidates; one holds the phrase.
    assert [hit.item.title for hit in outcome.hits] == ["Het team op heisessie"]
    assert outcome.total == outcome.facets["type"]["card"] == 1


@pytest.mark.parametrize("walk", [False, True], ids=["gin-index", "date-index"])
def test_a_common_phrase_finds_the_same_newest_candidates_however_they_are_found(
    search_page, client, make_card, small_bounds, hundred_visible, monkeypatch, settings, walk
):
    settings.PAGE_SIZE = 3
    monkeypatch.setattr(estimate, "_walk", lambda candidates, total: walk)
    start = timezone.now() - timedelta(days=30)
    make_card(title="Het oudste: team op heisessie", published_at=start)
    names = ["Anna", "Bram", "Cor", "Dirk"]
    for day, name in enumerate(names, start=1):
        make_card(title=f"{name}: team op heisessie", published_at=start + timedelta(days=day))
    make_card(title="Een heisessie voor het team", published_at=start + timedelta(days=9))
    outcome, _page = search_page(client, '"team op heisessie"')
    # The newest 4 candidates are the sample, 3 of them with the phrase, each
    # standing for 100 / 4 items; the two oldest are left out either way.
    assert outcome.estimated
    assert outcome.total == 75
    titles = sorted(hit.item.title for hit in outcome.hits)
    assert titles == [f"{name}: team op heisessie" for name in names[1:]]


def test_a_phrase_most_items_hold_walks_the_date_index_and_a_rarer_one_does_not():
    assert estimate._walk(candidates=30_000, total=40_000)
    assert not estimate._walk(candidates=1_500, total=40_000)
    # In a small corpus the GIN index reads fewer rows, however common the phrase.
    assert not estimate._walk(candidates=600, total=1_000)
    assert not estimate._walk(candidates=0, total=0)


def test_too_few_matches_in_the_sample_are_counted_exactly(
    search_page, client, make_card, make_lesson, small_bounds, monkeypatch
):
    monkeypatch.setattr(estimate, "MIN_MATCHES", 30)
    for number in range(6):
        make_lesson(title=f"Heisessie {number}")
        make_card(title=f"Iets anders {number}")
    outcome, page = search_page(client, "heisessie")
    assert not outcome.estimated
    assert outcome.total == 6
    assert "Ongeveer" not in page


def test_the_statistics_give_one_expectation_per_queryset():
    expected = estimate.expected_rows([Card.objects.all(), Lesson.objects.filter(status="published")])
    assert len(expected) == 2
    assert all(isinstance(rows, int) and rows >= 0 for rows in expected)


def test_an_estimated_search_sorted_by_date_shows_the_newest_matches_first(
    search_page, client, make_lesson, small_bounds, hundred_visible, settings
):
    settings.PAGE_SIZE = 3
    make_lesson(title="Heisessie heisessie heisessie")
    for number in range(5):
        make_lesson(title=f"Heisessie {number}", body="Verder niets.")
    outcome, _page = search_page(client, "heisessie", sort="date")
    assert outcome.estimated
    assert [hit.item.title for hit in outcome.hits] == ["Heisessie 4", "Heisessie 3", "Heisessie 2"]


def test_estimated_tag_counts_are_scaled_from_the_sample_like_every_other_count(
    search_page, client, make_lesson, small_bounds, hundred_visible
):
    make_lesson(title="Heisessie oud", tags=["archief"])
    make_lesson(title="Heisessie een", tags=["vertrouwen"])
    make_lesson(title="Heisessie twee", tags=["vertrouwen", "regio"])
    make_lesson(title="Heisessie drie", tags=["vertrouwen"])
    make_lesson(title="Heisessie vier", tags=["regio"])
    make_lesson(title="Heisessie geheim", tags=["geheim"], visibility="internal")
    outcome, page = search_page(client, "heisessie")
    # The 4 newest public lessons stand for the 100 lessons: each for 25.
    assert outcome.estimated
    assert outcome.facets["tags"] == [("vertrouwen", 75), ("regio", 50)]
    assert "geheim" not in page and "archief" not in page
