"""Synonyms coordinators keep in the admin widen what a search finds, and nothing else."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.models.sql import Query
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dealkennis.content.demo import DEMO_DIR, read_demo
from dealkennis.roles import COORDINATOR, EDITOR
from dealkennis.search.query import SYNONYM_MARKER, PrefixSearchQuery, clean_query, with_synonyms
from dealkennis.search.synonyms import MAX_TERMS, SynonymGroup, term_words
from lessons.models import Lesson

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/dealkennis/synonymgroup/add/"
LIST_URL = "/admin/dealkennis/synonymgroup/"


def found_titles(client, query):
    response = client.get("/zoeken/", {"q": query})
    assert response.status_code == 200
    return sorted(hit.item.title for hit in response.context["outcome"].hits)


def group(terms):
    made = SynonymGroup(terms=terms)
    made.full_clean()
    made.save()
    return made


@pytest.fixture
def money(make_lesson):
    """A lesson about an uitkering that never says "subsidie", and one about something else."""
    make_lesson(title="Decentralisatie-uitkering", body="Geld voor de regio: een uitkering aanvragen.")
    make_lesson(title="Heisessie", body="Een dag samen op de hei.")


# --- Expansion -------------------------------------------------------------------------------------------


def test_a_synonym_finds_an_item_that_never_uses_the_word(client, money):
    assert found_titles(client, "subsidie") == []
    group("subsidie, uitkering, bijdrage")
    assert found_titles(client, "subsidie") == ["Decentralisatie-uitkering"]
    assert found_titles(client, "Subsidie?") == ["Decentralisatie-uitkering"]


def test_the_other_words_of_the_query_are_still_required(money, make_lesson):
    make_lesson(title="Een uitkering verantwoorden", body="Achteraf verantwoording afleggen.")
    group("subsidie, uitkering")
    # The model itself: with one match, the search page would widen to any word.
    matches = Lesson.objects.filter(search_vector=PrefixSearchQuery("subsidie aanvragen"))
    assert [lesson.title for lesson in matches] == ["Decentralisatie-uitkering"]


def test_a_multi_word_synonym_is_a_phrase(client, make_lesson):
    make_lesson(title="Regio Deal met BZK", body="Het ministerie betaalde.")
    make_lesson(title="Woondeal", body="Het ministerie van Binnenlandse Zaken tekende mee.")
    make_lesson(title="Zaken doen", body="Binnenlandse partners en buitenlandse zaken.")
    group("BZK, Binnenlandse Zaken, Ministerie van Binnenlandse Zaken en Koninkrijksrelaties")
    # The abbreviation finds the full name only where its words stand together.
    assert found_titles(client, "BZK") == ["Regio Deal met BZK", "Woondeal"]
    assert found_titles(client, "binnenlandse zaken") == ["Regio Deal met BZK", "Woondeal", "Zaken doen"]


def test_an_expanded_query_finds_all_it_found_before(client, make_lesson):
    make_lesson(title="Zaken doen", body="Binnenlandse partners en buitenlandse zaken.")
    before = found_titles(client, "binnenlandse zaken")
    group("BZK, Binnenlandse Zaken")
    assert before == ["Zaken doen"]
    assert found_titles(client, "binnenlandse zaken") == before


def test_a_negated_word_leaves_out_its_whole_group(client, money, make_lesson):
    make_lesson(title="Subsidie voor de hei", body="Een subsidie voor een dag op de hei.")
    assert found_titles(client, "geld -subsidie") == ["Decentralisatie-uitkering"]
    group("subsidie, uitkering")
    assert found_titles(client, "geld -subsidie") == []
    assert found_titles(client, "hei -uitkering") == ["Heisessie"]


def test_a_quoted_word_is_not_expanded(client, money):
    group("subsidie, uitkering")
    assert found_titles(client, '"subsidie"') == []
    assert found_titles(client, '"subsidie aanvragen"') == []
    assert found_titles(client, "subsidie aanvragen") == ["Decentralisatie-uitkering"]


def test_a_search_takes_the_synonym_table_from_the_cache_once(client, money, monkeypatch):
    from django.core.cache import caches

    from dealkennis.search import synonyms

    cache, reads = caches["default"], []
    real_get = cache.get

    def counting_get(key, *args, **kwargs):
        if key == synonyms.CACHE_KEY:
            reads.append(key)
        return real_get(key, *args, **kwargs)

    client.get("/zoeken/", {"q": "geld"})  # cached now
    monkeypatch.setattr(cache, "get", counting_get)
    # Words, the highlight and the any-word fallback each build a query from it.
    client.get("/zoeken/", {"q": "geld subsidie onbekendwoord"})
    assert len(reads) == 1


def test_the_longest_term_wins_and_or_stays_an_operator():
    group("BZK, Binnenlandse Zaken")
    group("ministerie, departement")
    group("Ministerie van BZK, BZK-ministerie")
    text, found = with_synonyms("ministerie van bzk or departement")
    assert text == f"{SYNONYM_MARKER}0 or {SYNONYM_MARKER}1"
    assert found == [
        (f"{SYNONYM_MARKER}0", '"ministerie" "van" "bzk" or "bzk ministerie"'),
        (f"{SYNONYM_MARKER}1", '"departement" or "ministerie"'),
    ]


def test_a_typed_marker_word_is_never_taken_for_a_synonym():
    group("subsidie, uitkering")
    text, found = with_synonyms(f"{SYNONYM_MARKER}0 subsidie")
    assert text == f"{SYNONYM_MARKER}0 {SYNONYM_MARKER}x0"
    assert [marker for marker, _alternatives in found] == [f"{SYNONYM_MARKER}x0"]


def test_a_query_without_synonyms_is_left_as_it_is():
    group("subsidie, uitkering")
    assert with_synonyms('heisessie -"op de hei" or duo') == ('heisessie -"op de hei" or duo', [])


def test_the_print_deck_uses_synonyms_too(client, make_card):
    make_card(title="Een uitkering aanvragen")
    group("subsidie, uitkering")
    assert "Een uitkering aanvragen" in client.get("/kaarten/afdrukken/", {"q": "subsidie"}).content.decode()


WORDS = ["or", "OR", "subsidie", "BZK", "binnenlandse", "zaken", "I&W", "de"]
SYNTAX = st.sampled_from(list('-"&|!() ') + WORDS)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.one_of(st.lists(SYNTAX, max_size=40).map(" ".join), st.lists(SYNTAX, max_size=60).map("".join)))
@example(raw="-" * 40 + "subsidie")
@example(raw='"subsidie binnenlandse zaken" -BZK or or subsidie"')
def test_an_expanded_query_is_always_valid(raw):
    if not SynonymGroup.objects.exists():
        group("subsidie, uitkering, Binnenlandse Zaken")
        group("BZK, I&W, de grote zaken, or else")
    query, _notices = clean_query(raw)
    compiler = Query(None).get_compiler(connection=connection)
    for any_word in (False, True):
        expression = PrefixSearchQuery(query, any_word=any_word).resolve_expression(compiler.query)
        sql, params = compiler.compile(expression)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {sql}", params)  # noqa: S608 - our own expression
            assert SYNONYM_MARKER not in cursor.fetchone()[0]


# --- The admin -------------------------------------------------------------------------------------------


def test_a_group_a_coordinator_saves_takes_effect_in_the_next_search(client, coordinator_client, money):
    assert found_titles(client, "subsidie") == []  # now cached
    response = coordinator_client.post(ADD_URL, {"terms": " subsidie ,uitkering,  eigen   bijdrage "})
    assert response.status_code == 302
    saved = SynonymGroup.objects.get()
    assert saved.terms == "subsidie, uitkering, eigen bijdrage"
    assert found_titles(client, "subsidie") == ["Decentralisatie-uitkering"]

    change_url = f"/admin/dealkennis/synonymgroup/{saved.pk}/change/"
    assert coordinator_client.post(change_url, {"terms": "subsidie, bijdrage"}).status_code == 302
    assert found_titles(client, "subsidie") == []

    assert coordinator_client.post(change_url, {"terms": "subsidie, uitkering"}).status_code == 302
    delete_url = f"/admin/dealkennis/synonymgroup/{saved.pk}/delete/"
    assert found_titles(client, "subsidie") == ["Decentralisatie-uitkering"]
    assert coordinator_client.post(delete_url, {"post": "yes"}).status_code == 302
    assert found_titles(client, "subsidie") == []


def test_an_editor_sees_the_synonyms_but_cannot_change_them(editor_client):
    saved = group("subsidie, uitkering")
    assert "subsidie, uitkering" in editor_client.get(LIST_URL).content.decode()
    change_url = f"/admin/dealkennis/synonymgroup/{saved.pk}/change/"
    assert editor_client.get(change_url).status_code == 200
    assert editor_client.post(change_url, {"terms": "subsidie, bijdrage"}).status_code == 403
    assert editor_client.get(ADD_URL).status_code == 403
    assert editor_client.post(ADD_URL, {"terms": "a, b"}).status_code == 403
    delete_url = f"/admin/dealkennis/synonymgroup/{saved.pk}/delete/"
    assert editor_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert SynonymGroup.objects.get().terms == "subsidie, uitkering"


def test_the_roles_hold_exactly_these_synonym_permissions():
    def granted(role):
        permissions = Group.objects.get(name=role).permissions.filter(codename__endswith="_synonymgroup")
        return sorted(permissions.values_list("codename", flat=True))

    assert granted(COORDINATOR) == [
        "add_synonymgroup",
        "change_synonymgroup",
        "delete_synonymgroup",
        "view_synonymgroup",
    ]
    assert granted(EDITOR) == ["view_synonymgroup"]


@pytest.mark.parametrize("path", [LIST_URL, ADD_URL])
def test_visitors_and_members_never_reach_the_synonyms(client, member_client, path):
    group("subsidie, uitkering")
    for visitor in (client, member_client):
        response = visitor.get(path)
        assert response.status_code == 302
        assert "/login/" in response["Location"]
        assert "uitkering" not in response.content.decode()


@pytest.mark.parametrize(
    "terms, message",
    [
        ("subsidie", "Geef minstens twee termen"),
        ("subsidie,, uitkering", "lege term"),
        ("subsidie, uitkering,", "lege term"),
        ("subsidie, Subsidie", "staat twee keer in deze groep"),
        ("subsidie, subsídie", "staat twee keer in deze groep"),
        ("BZK, de", "bestaat alleen uit heel gewone woorden"),
        ("ervaringsleren, leren door doen", "Van “leren door doen” telt maar één woord mee"),
        ("BZK, <b>Binnenlandse Zaken</b>", "bevat een teken dat niet in een zoekterm hoort: “&lt;”"),
        ('BZK, "Binnenlandse Zaken"', "bevat een teken dat niet in een zoekterm hoort"),
        ("BZK, - -", "bevat geen letters of cijfers"),
        ("BZK, " + "lang" * 30, "is te lang: een term heeft hoogstens 100 tekens"),
        ("BZK, een twee drie vier vijf zes zeven acht negen", "heeft te veel woorden"),
        (", ".join(f"term{n}" for n in range(MAX_TERMS + 1)), "hoogstens 20 termen; deze heeft er 21"),
        ("ministerie, BZK", "“BZK” staat al in een andere groep: “BZK, Binnenlandse Zaken”"),
        ("ministerie, binnenlandse  zaken", "staat al in een andere groep"),
        ("x" * 2001, "niet meer dan 2000 tekens"),
        ("", "Dit veld is verplicht"),
    ],
)
def test_wrong_terms_get_a_dutch_message_and_nothing_is_saved(coordinator_client, terms, message):
    group("BZK, Binnenlandse Zaken")
    response = coordinator_client.post(ADD_URL, {"terms": terms})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert SynonymGroup.objects.count() == 1


def test_the_number_of_groups_is_bounded(coordinator_client, monkeypatch):
    saved = group("BZK, Binnenlandse Zaken")
    monkeypatch.setattr("dealkennis.search.synonyms.MAX_GROUPS", 1)
    content = coordinator_client.post(ADD_URL, {"terms": "subsidie, uitkering"}).content.decode()
    assert "Er zijn al 1 synoniemgroepen" in content
    change_url = f"/admin/dealkennis/synonymgroup/{saved.pk}/change/"
    assert coordinator_client.post(change_url, {"terms": "BZK, BiZa"}).status_code == 302
    assert SynonymGroup.objects.count() == 1


def test_a_group_may_keep_its_own_terms_when_it_is_changed(coordinator_client):
    saved = group("BZK, Binnenlandse Zaken")
    change_url = f"/admin/dealkennis/synonymgroup/{saved.pk}/change/"
    assert coordinator_client.post(change_url, {"terms": "BZK, Binnenlandse Zaken, BiZa"}).status_code == 302
    assert SynonymGroup.objects.get().terms == "BZK, Binnenlandse Zaken, BiZa"


def test_the_messages_are_in_english_for_an_english_coordinator(coordinator_client):
    coordinator_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    content = coordinator_client.post(ADD_URL, {"terms": "subsidie"}).content.decode()
    assert "Give at least two terms" in content
    assert "Synonym group" in content or "synonym group" in content


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(terms=st.text(max_size=300))
@example(terms="\x00, a")
@example(terms="a, b" + ", c" * 600)
def test_any_text_as_terms_never_gives_a_server_error(coordinator_client, terms):
    response = coordinator_client.post(ADD_URL, {"terms": terms})
    assert response.status_code in (200, 302)
    SynonymGroup.objects.all().delete()


# --- Nothing leaks ---------------------------------------------------------------------------------------


def test_a_synonym_never_shows_an_item_its_reader_may_not_see(client, member_client, make_lesson):
    make_lesson(title="Interne uitkering", body="Een uitkering.", visibility="internal")
    make_lesson(title="Concept uitkering", body="Een uitkering.", status="draft")
    group("subsidie, uitkering")
    assert found_titles(client, "subsidie") == []
    assert found_titles(member_client, "subsidie") == ["Interne uitkering"]
    data = client.get("/api/zoeken/", {"q": "subsidie"}).json()
    assert data["results"] == []
    assert data["query"] == "subsidie"


def test_the_expansion_is_never_shown_to_a_reader(client, money):
    group("subsidie, uitkering")
    page = client.get("/zoeken/", {"q": "subsidie"}).content.decode()
    api = client.get("/api/zoeken/", {"q": "subsidie"}).content.decode()
    for shown in (page, api):
        assert SYNONYM_MARKER not in shown
    assert "<mark>uitkering</mark>" in page


# --- The demo list ---------------------------------------------------------------------------------------


def test_every_demo_group_holds_a_term_the_demo_content_uses():
    text = " ".join(path.read_text() for path in DEMO_DIR.glob("*.toml") if path.name != "synonyms.toml")
    words = " ".join(term_words(text))
    unused = [
        entry["terms"]
        for entry in read_demo("synonyms")["group"]
        if not any(re.search(rf"\b{' '.join(term_words(term))}\b", words) for term in entry["terms"])
    ]
    assert unused == []


def test_the_demo_synonyms_are_loaded_with_the_demo_content(db, demo_content, client):
    assert demo_content["synonyms"] == SynonymGroup.objects.count() >= 15

    def total(query):
        # Found by words: where search by meaning runs, it adds its own nearest items.
        outcome = client.get("/zoeken/", {"q": query}).context["outcome"]
        return outcome.total - outcome.by_meaning

    # The demo texts write "BZK" only; its full name finds what the abbreviation finds.
    assert total("BZK") >= 3
    assert total("Binnenlandse Zaken") == total("BZK")
