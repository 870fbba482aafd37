"""Related items by meaning: nearest neighbours join the shared tags and classification.

These need search by meaning (pgvector and the model: the embedded
PostgreSQL 18) and skip, saying why, elsewhere; on PostgreSQL 15 the tests in
test_related.py prove that related items work as before.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from dealkennis.related import related_items
from dealkennis.search.meaning import semantic_available, vector_of
from tests.test_related import ELSEWHERE

pytestmark = pytest.mark.django_db

# Long enough that the item's own words, not the programme and classification
# every item's passage also names, decide what it is near.
START = {
    "title": "Een nieuwe partij wil aansluiten bij de deal",
    "summary": "Een gemeente die later wil meedoen, tekent een toetredingsverklaring.",
    "body": "Halverwege de looptijd meldde een gemeente zich die ook wilde meedoen. De partners spraken af"
    " dat zij een toetredingsverklaring tekent, dezelfde afspraken aanvaardt en een plek krijgt in de"
    " stuurgroep. Zo groeide de deal zonder de overeenkomst opnieuw te onderhandelen.",
}
CLOSE = {
    "title": "Toetreden tot een lopende deal",
    "summary": "Een partner die halverwege instapt, sluit aan met een toetredingsverklaring.",
    "body": "Toen de deal al liep, wilde een provincie alsnog meedoen. Met een verklaring van toetreding"
    " nam de nieuwe partner de bestaande afspraken over en schoof aan bij de stuurgroep, zonder dat"
    " de overeenkomst opnieuw onderhandeld hoefde te worden.",
}
FAR = [
    {
        "title": "Een fietsenstalling bij het station",
        "summary": "De stalling gaat om middernacht dicht.",
        "body": "Reizigers zetten hun fiets in de bewaakte stalling onder het station. Die gaat om"
        " middernacht dicht en om vijf uur weer open; wie later komt, gebruikt de rekken buiten op"
        " het plein.",
    },
    {
        "title": "Appeltaart bakken",
        "summary": "Een recept voor een klassieke appeltaart.",
        "body": "Meng bloem, boter, suiker en een ei tot een deeg. Snijd de appels in partjes, bestrooi ze"
        " met kaneel en bak de taart ruim een uur in een voorverwarmde oven op honderdzeventig graden.",
    },
    {
        "title": "Het weer in april",
        "summary": "Regen, zon en hagel wisselen elkaar af.",
        "body": "In april doet het weer wat het wil. Een zonnige ochtend gaat over in buien met hagel, en de"
        " temperatuur springt binnen een dag van vijf naar zeventien graden.",
    },
]


@pytest.fixture
def semantic(db):
    if not semantic_available(connection):
        pytest.skip("this PostgreSQL has no pgvector (or the model cannot run): related items use tags only")


@pytest.fixture
def embedded(django_capture_on_commit_callbacks):
    """Run the block's saves' embedding, as a committed save does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def make_card(make_card):
    """Cards whose question is their title: related items name a card by its question (name_field)."""

    def make(**values):
        if "title" in values:
            values.setdefault("question", values["title"])
        return make_card(**values)

    return make


def titles(item, user=None):
    return [related.title for related in related_items(item, user or AnonymousUser())]


def test_an_item_close_in_meaning_is_related_without_a_shared_tag(
    semantic, embedded, make_card, make_lesson, monkeypatch
):
    with embedded():
        lesson = make_lesson(tags=["toetreding"], **START)
        make_card(tags=["samenwerking"], **CLOSE, **ELSEWHERE)
        for far in FAR:
            make_card(**far, **ELSEWHERE)
    assert vector_of(lesson) is not None
    assert titles(lesson) == [CLOSE["title"]]
    # Nothing else relates them: without meaning the list is empty.
    monkeypatch.setattr("dealkennis.related.semantic_available", lambda: False)
    assert related_items(lesson, AnonymousUser(), limit=4) == []


def test_sharing_tags_and_meaning_ranks_above_sharing_tags_alone(semantic, embedded, make_card, make_lesson):
    with embedded():
        card = make_card(tags=["juristen"], **START)
        make_lesson(tags=["juristen"], **CLOSE, **ELSEWHERE)
        # Newer, so it would come first on tags alone.
        make_lesson(tags=["juristen"], **FAR[0], **ELSEWHERE)
        for far in FAR[1:]:
            make_lesson(**far, **ELSEWHERE)
    assert titles(card) == [CLOSE["title"], FAR[0]["title"]]


def test_neighbours_by_meaning_follow_the_readers_access(semantic, embedded, make_card, make_lesson, member):
    with embedded():
        lesson = make_lesson(**START)
        # Nearer than the public card: all but the item's own words.
        make_lesson(**{**START, "title": "Intern"}, visibility="internal", **ELSEWHERE)
        make_lesson(**{**START, "title": "Concept"}, status="draft", **ELSEWHERE)
        make_card(**{**CLOSE, "title": "Openbaar"}, **ELSEWHERE)
        for far in FAR:
            make_card(**far, **ELSEWHERE)
    # The nearest the reader may see sets the scale: hidden lessons neither
    # show nor push the public card out for an anonymous reader.
    assert titles(lesson) == ["Openbaar"]
    assert "Intern" in titles(lesson, member)
    assert "Concept" not in titles(lesson, member)


def test_an_item_is_never_its_own_neighbour_but_the_other_type_with_its_id_is(
    semantic, embedded, make_card, make_lesson
):
    with embedded():
        lesson = make_lesson(**START)
        make_card(id=lesson.pk, **CLOSE, **ELSEWHERE)
        for far in FAR:
            make_lesson(**far, **ELSEWHERE)
    assert titles(lesson) == [CLOSE["title"]]


def test_items_from_other_programmes_still_come_first(
    semantic, embedded, make_card, make_lesson, other_programme
):
    with embedded():
        card = make_card(tags=["stuurgroep"], **START)
        make_lesson(**CLOSE, programme=other_programme, **ELSEWHERE)
        make_lesson(tags=["stuurgroep"], **FAR[0], **ELSEWHERE)
        for far in FAR[1:]:
            make_lesson(**far, **ELSEWHERE)
    related = related_items(card, AnonymousUser())
    assert [(item.title, item.other_programme) for item in related] == [
        (CLOSE["title"], True),
        (FAR[0]["title"], False),
    ]


def test_related_items_by_meaning_add_no_query_to_the_page(
    semantic, embedded, client, make_card, make_lesson, django_assert_num_queries
):
    with embedded():
        card = make_card(**START)
        make_lesson(**CLOSE, **ELSEWHERE)
        for far in FAR:
            make_lesson(**far, **ELSEWHERE)
    # As for a card without vectors (test_query_counts): the item's vector and
    # its neighbours are read inside the one statement that chooses related items.
    with django_assert_num_queries(5):
        response = client.get(card.get_absolute_url())
    assert CLOSE["title"] in response.content.decode()
