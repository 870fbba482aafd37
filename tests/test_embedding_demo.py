"""The demo content is embedded as it is loaded, and found by meaning (where pgvector is).

Also: a one-word search reads its stored vector (`wordvectors`) and finds the same.
"""

import pytest
from django.db import connection

from cards.models import Card
from dealkennis.caching import clear_caches
from dealkennis.search import embedding
from dealkennis.search.embedding import embed_query
from dealkennis.search.meaning import nearest, semantic_available
from lessons.models import Lesson
from tests.test_word_vectors import store


@pytest.fixture
def semantic(db):
    if not semantic_available(connection):
        pytest.skip("this PostgreSQL has no pgvector (or the model cannot run): search by meaning is off")


def test_the_demo_content_is_embedded_and_found_by_meaning(demo_content, semantic):
    assert not Card.objects.filter(embedding=None).exists()
    assert not Lesson.objects.filter(embedding=None).exists()
    # The Health Deals items never say "gezondheid".
    found = nearest(Lesson.objects.visible_to(None), embed_query("gezondheid"), 3)
    programmes = set(
        Lesson.objects.filter(pk__in=[pk for pk, _ in found]).values_list("programme__slug", flat=True)
    )
    assert "health-deals" in programmes


def cold_search(client, query):
    """The API's search as if never asked: what it found, and whether the model ran for it."""
    clear_caches()
    embedding.forget_queries()
    before = embedding.query_seconds()
    data = client.get("/api/zoeken/", {"q": query}).json()
    found = [(result["url"], result["found_by"]) for result in data["results"]]
    return found, data["by_meaning"], embedding.query_seconds() > before


def test_a_stored_word_is_searched_with_its_vector_and_finds_the_same(client, demo_content, semantic):
    without, by_meaning, model_ran = cold_search(client, "geld")
    assert model_ran and by_meaning  # the word joins items by meaning: the vector matters
    store("geld")
    stored, stored_by_meaning, model_ran = cold_search(client, "geld")
    assert not model_ran
    assert (stored, stored_by_meaning) == (without, by_meaning)


def test_the_stored_vector_is_what_the_search_reads(client, demo_content, semantic):
    # Stored under "geld", the vector of another text: what the search joins by meaning follows it.
    own = cold_search(client, "geld")[0]
    store("geld", text="hoe krijg ik wethouders enthousiast")
    assert cold_search(client, "geld")[0] != own


def test_a_word_typed_otherwise_or_among_others_is_embedded_by_the_model(client, demo_content, semantic):
    store("geld")
    assert cold_search(client, "Geld")[2]
    assert cold_search(client, "geld zorg")[2]
