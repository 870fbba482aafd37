import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import set_script_prefix

from cards.models import Card
from dealkennis.search import embedding
from dealkennis.search.meaning import semantic_available
from lessons.models import Lesson

pytestmark = pytest.mark.django_db


def found_titles(client, query, **params):
    response = client.get("/zoeken/", {"q": query, **params})
    assert response.status_code == 200
    return [hit.item.title for hit in response.context["outcome"].hits]


@pytest.mark.parametrize(
    "stored, typed",
    [
        ("De rol van de coördinator", "coordinator"),
        ("De rol van de coordinator", "coördinator"),
        ("Creërend leren in een deal", "creerend"),
        ("Creerend leren in een deal", "creërend"),
    ],
)
def test_search_ignores_diacritics_in_both_directions(client, make_card, stored, typed):
    make_card(title=stored)
    make_card(title="Iets heel anders")
    assert found_titles(client, typed) == [stored]


@pytest.mark.parametrize(
    "stored, typed",
    [
        ("Afspraken over een deal", "deals"),
        ("Nieuwe deals sluiten", "deal"),
        ("Het financieringsinstrument kiezen", "financiering"),
        ("Lessen van dealmakers", "deal"),
        ("Samenwerkingen die stoppen", "samenwerking"),
    ],
)
def test_search_finds_word_forms_and_compounds(client, make_lesson, stored, typed):
    make_lesson(title=stored)
    make_lesson(title="Iets heel anders")
    # Every item matches "deal" through its programme name (Green Deals), so
    # the item must rank first rather than be the only hit.
    assert found_titles(client, typed)[0] == stored


def test_quoted_phrase_needs_the_words_together(client, make_lesson):
    make_lesson(title="Een community of practice opzetten")
    make_lesson(title="Practice maakt de community sterker")
    assert found_titles(client, '"community of practice"') == ["Een community of practice opzetten"]


def test_minus_excludes_and_or_combines(client, make_lesson):
    make_lesson(title="Juristen als geheugen")
    make_lesson(title="Juristen aan tafel")
    make_lesson(title="Een fishbowl houden")
    assert found_titles(client, "juristen -geheugen") == ["Juristen aan tafel"]
    assert sorted(found_titles(client, "geheugen or fishbowl")) == [
        "Een fishbowl houden",
        "Juristen als geheugen",
    ]


def test_title_and_tags_weigh_more_than_the_body(client, make_card):
    make_card(title="Over iets anders", body="Hier staat de heisessie pas in de tekst.")
    make_card(title="De heisessie voorbereiden")
    make_card(title="Teamvorming", tags=["heisessie"])
    titles = found_titles(client, "heisessie")
    assert titles[-1] == "Over iets anders"
    assert set(titles[:2]) == {"De heisessie voorbereiden", "Teamvorming"}


def test_search_covers_deal_and_programme_names(client, make_lesson, deal):
    make_lesson(title="Een les", deal=deal)
    make_lesson(title="Andere les")
    assert found_titles(client, "voorbeeld") == ["Een les"]


def test_a_typo_still_finds_its_item_and_suggests_the_right_word(client, make_lesson):
    make_lesson(title="Financiering van een Regio Deal")
    make_lesson(title="Werken in duo's")
    response = client.get("/zoeken/", {"q": "finnaciering"})
    outcome = response.context["outcome"]
    assert [hit.item.title for hit in outcome.hits] == ["Financiering van een Regio Deal"]
    assert outcome.fuzzy
    assert outcome.suggestion == "financiering"
    content = response.content.decode()
    assert "Bedoelde je" in content
    assert "q=financiering" in content


@pytest.mark.parametrize("stream, offered", [("social", True), ("cognitive", False)])
def test_a_correction_is_offered_only_where_it_finds_something_with_the_chosen_filters(
    client, make_lesson, stream, offered
):
    make_lesson(title="Financiering van een Regio Deal", stream="social")
    make_lesson(title="Werken in duo's", stream="cognitive")
    outcome = client.get("/zoeken/", {"q": "finnaciering", "stream": stream}).context["outcome"]
    assert outcome.suggestion == ("financiering" if offered else "")
    assert outcome.fuzzy is offered
    assert [hit.item.title for hit in outcome.hits] == (
        ["Financiering van een Regio Deal"] if offered else []
    )
    assert outcome.total == (1 if offered else 0)


def test_snippet_highlights_matches_and_escapes_the_text(client, make_lesson):
    make_lesson(
        title="Een les",
        summary='Over de <img src=x onerror="alert(1)"> juristen & hun rol',
    )
    response = client.get("/zoeken/", {"q": "juristen"})
    content = response.content.decode()
    snippet = str(response.context["outcome"].hits[0].snippet)
    assert "<mark>juristen</mark>" in snippet
    assert "&amp; hun rol" in snippet
    assert "<img" not in content and "onerror" not in snippet


def test_headlines_are_computed_only_for_the_page_shown(client, make_lesson, settings):
    settings.PAGE_SIZE = 3
    for number in range(7):
        make_lesson(title=f"Heisessie {number}")
    with CaptureQueriesContext(connection) as queries:
        client.get("/zoeken/", {"q": "heisessie"})
    headline_queries = [q["sql"] for q in queries.captured_queries if "ts_headline" in q["sql"]]
    assert len(headline_queries) == 1
    # The page's ids, as one array: "= ANY(ARRAY[1,2,3])" or "= ANY('{1,2,3}')".
    ids = re.search(r"= ANY\((?:ARRAY\[|'\{)([^\]}]*)", headline_queries[0]).group(1)
    assert len(ids.split(",")) == 3


def test_facet_counts_equal_the_items_their_links_list(client, make_card, make_lesson, other_programme):
    make_card(title="Heisessie kaart", stream="cognitive", tags=["team"])
    make_lesson(title="Heisessie les", stream="cognitive", mode="deliberate", tags=["team", "regio"])
    make_lesson(title="Heisessie city", programme=other_programme, order="third")
    response = client.get("/zoeken/", {"q": "heisessie"})
    groups = response.context["facet_groups"]
    assert {group["name"] for group in groups} >= {
        "type",
        "programme",
        "stream",
        "mode",
        "order",
        "level",
        "tag",
    }
    for group in groups:
        for option in group["options"]:
            narrowed = client.get("/zoeken/" + option["url"])
            assert narrowed.context["outcome"].total == option["count"], (group["name"], option["value"])
            assert len(narrowed.context["outcome"].hits) == option["count"]


def test_choosing_a_facet_narrows_results_and_counts_follow(client, make_card, make_lesson):
    make_card(title="Heisessie kaart", stream="cognitive")
    make_lesson(title="Heisessie les", stream="social")
    response = client.get("/zoeken/", {"q": "heisessie", "type": "lesson"})
    outcome = response.context["outcome"]
    assert [hit.item.title for hit in outcome.hits] == ["Heisessie les"]
    assert outcome.facets["stream"] == {
        "social": 1,
        "cognitive": 0,
        "behavioural": 0,
        "relational": 0,
        "constructivist": 0,
    }


def test_sort_by_date_puts_the_newest_first(client, make_lesson):
    older = make_lesson(title="Heisessie heisessie heisessie")
    make_lesson(title="Heisessie later")
    type(older).objects.filter(pk=older.pk).update(published_at="2020-01-01T00:00:00Z")
    assert found_titles(client, "heisessie", sort="date") == [
        "Heisessie later",
        "Heisessie heisessie heisessie",
    ]


def test_result_pages_keep_query_and_filters(client, make_lesson, settings):
    settings.PAGE_SIZE = 2
    for number in range(5):
        make_lesson(title=f"Heisessie {number}", level="collaboration")
    response = client.get("/zoeken/", {"q": "heisessie", "level": "collaboration", "page": 2})
    content = response.content.decode()
    assert response.context["outcome"].page.number == 2
    assert "q=heisessie&amp;level=collaboration&amp;page=3" in content
    assert len(response.context["outcome"].hits) == 2


def test_empty_query_shows_ways_to_browse(client, make_lesson, programme):
    make_lesson(title="Recente les")
    response = client.get("/zoeken/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Recente les" in content
    assert "/zoeken/?programme=green-deals" in content
    assert "/zoeken/?order=first&amp;level=task" in content


def test_a_query_without_results_says_so_and_offers_what_to_try(client, make_lesson):
    make_lesson(title="Iets")
    response = client.get("/zoeken/", {"q": "xylofoonconcert", "stream": "social"})
    content = response.content.decode()
    assert "Geen resultaten" in content
    assert "minder of algemenere woorden" in content
    assert "haal de filters weg" in content


def test_a_query_of_only_stop_words_explains_itself(client, make_lesson):
    make_lesson(title="De les")
    content = client.get("/zoeken/", {"q": "de het een"}).content.decode()
    assert "alleen heel gewone woorden" in content


@pytest.mark.parametrize(
    "query",
    ["\x00", "a\x00b", "' OR 1=1 --", "!!! & | <-> :*", "{{ 7*7 }}", "\u202eheisessie", ")(", "x" * 5000],
)
def test_strange_queries_never_break_the_page(client, make_lesson, query):
    make_lesson(title="Heisessie")
    response = client.get("/zoeken/", {"q": query})
    assert response.status_code == 200
    assert "49" not in response.content.decode().split("<main", 1)[1][:200]


def test_a_very_long_query_is_cut_with_a_notice(client, make_lesson):
    make_lesson(title="Heisessie")
    response = client.get("/zoeken/", {"q": "heisessie " * 100})
    assert "ingekort" in response.content.decode()
    assert len(response.context["outcome"].query) <= 200


class TestVisibility:
    @pytest.fixture
    def items(self, make_card, make_lesson):
        make_card(title="Geheimproject openbaar", tags=["geheimproject"])
        make_card(title="Geheimproject intern", visibility="internal", tags=["geheimproject", "binnenkant"])
        make_lesson(title="Geheimproject concept", status="draft", tags=["geheimproject"])
        make_lesson(title="Zwartboek notitie", visibility="internal", summary="Over het zwartboek.")

    def test_anonymous_user_never_sees_internal_lesson_in_search(self, client, items):
        response = client.get("/zoeken/", {"q": "geheimproject"})
        content = response.content.decode()
        outcome = response.context["outcome"]
        assert [hit.item.title for hit in outcome.hits] == ["Geheimproject openbaar"]
        assert outcome.total == 1
        assert "intern" not in " ".join(h.item.title for h in outcome.hits)
        assert "Geheimproject intern" not in content and "concept" not in content
        assert "binnenkant" not in content
        assert sum(outcome.facets["type"].values()) == 1

    def test_anonymous_user_gets_no_suggestion_from_internal_words(self, client, items):
        response = client.get("/zoeken/", {"q": "zwartbeok"})
        outcome = response.context["outcome"]
        assert outcome.total == 0
        assert outcome.suggestion == ""
        assert "zwartboek" not in response.content.decode().lower()

    def test_signed_in_user_finds_internal_but_never_drafts(self, member_client, items):
        response = member_client.get("/zoeken/", {"q": "geheimproject"})
        titles = {hit.item.title for hit in response.context["outcome"].hits}
        assert titles == {"Geheimproject openbaar", "Geheimproject intern"}
        assert member_client.get("/zoeken/", {"q": "zwartbeok"}).context["outcome"].suggestion == "zwartboek"

    def test_api_hides_internal_items_from_anonymous_callers(self, client, items):
        data = client.get("/api/zoeken/", {"q": "geheimproject"}).json()
        assert [result["title"] for result in data["results"]] == ["Geheimproject openbaar"]
        assert data["total"] == 1
        assert "binnenkant" not in str(data)


def test_api_returns_the_same_ranked_results_as_the_page(client, make_card, make_lesson):
    make_card(title="Heisessie organiseren", tags=["heisessie"])
    make_lesson(title="Team en heisessie", stream="relational")
    make_lesson(title="Over teams", body="Ook een heisessie hoort erbij.")
    page_titles = found_titles(client, "heisessie")
    data = client.get("/api/zoeken/", {"q": "heisessie"}).json()
    assert [result["title"] for result in data["results"]] == page_titles
    assert [result["rank"] for result in data["results"]] == [1, 2, 3]
    first = data["results"][0]
    assert first["type"] == "card"
    assert first["url"].endswith("/kaarten/heisessie-organiseren/")
    assert first["programme"] == {"slug": "green-deals", "name": "Green Deals"}
    assert set(first["classification"]) == {"stream", "mode", "order", "level"}
    assert data["page"] == {"number": 1, "pages": 1, "size": 20, "next": None, "previous": None}
    assert {"value": "relational", "count": 1} in data["facets"]["stream"]


def test_api_pagination_links_to_the_next_page(client, make_lesson, settings):
    settings.PAGE_SIZE = 2
    for number in range(3):
        make_lesson(title=f"Heisessie {number}")
    data = client.get("/api/zoeken/", {"q": "heisessie"}).json()
    assert data["page"]["pages"] == 2
    assert "page=2" in data["page"]["next"]
    second = client.get(data["page"]["next"]).json()
    assert [result["rank"] for result in second["results"]] == [3]


def meaning_queries():
    """The statements search by meaning adds to a one-word search where the server runs it, any corpus.

    The word's stored vector (`wordvectors`), and the nearest items of both kinds.
    """
    return 2 if semantic_available(connection) else 0


@pytest.mark.parametrize("count", [2, 25])
def test_search_page_uses_a_fixed_number_of_queries(
    client, make_card, make_lesson, django_assert_num_queries, count
):
    # One strong card and many lessons, so every first page shows both kinds.
    make_card(title="Heisessie heisessie kaart", tags=["heisessie"])
    for number in range(count):
        make_card(title=f"Kaart {number}", body="heisessie", tags=["team", f"t{number}"])
        make_lesson(title=f"Heisessie les {number}", tags=["team"])
    # Of these, the synonym table takes one: its rows, read once per content
    # version; search by meaning, where it runs, two more (the word's stored
    # vector, and both kinds' nearest).
    with django_assert_num_queries(9 + meaning_queries()):
        assert client.get("/zoeken/", {"q": "heisessie", "stream": "social"}).status_code == 200
    # Another page: matches, facets, order and programmes come from the cache;
    # only the content version (read once per request) and the shown items
    # (both kinds in one statement) are read.
    with django_assert_num_queries(2):
        assert client.get("/zoeken/", {"q": "heisessie", "stream": "social", "page": 2}).status_code == 200
    # The same page again is rendered from the cache.
    with django_assert_num_queries(1):
        assert client.get("/zoeken/", {"q": "heisessie", "stream": "social", "page": 2}).status_code == 200


@pytest.mark.parametrize("count", [2, 25])
@pytest.mark.parametrize("by_meaning", [True, False])
def test_a_typos_page_uses_a_fixed_number_of_queries(
    client, make_card, make_lesson, django_assert_num_queries, settings, count, by_meaning
):
    if by_meaning and not semantic_available(connection):
        pytest.skip("this server has no pgvector: search by meaning does not run")
    if not by_meaning:
        settings.SEARCH_EMBEDDING_BACKEND = ""
        embedding.reset()
    make_card(title="Heisessie heisessie kaart", tags=["heisessie"])
    for number in range(count):
        make_lesson(title=f"Heisessie les {number}", tags=["team"])
    # The nine of any search (the typo's own, empty, counts among them), one
    # to find the correction (whether it begins or is made of known words,
    # and the closest known words; the trigram threshold is set with the
    # search's settings) and two for its counts (PostgreSQL's estimate,
    # then the counts). Searching by meaning, one more finds the nearest items
    # and one asks for the word's stored vector (`wordvectors`); the correction
    # is counted while the query embeds: its counts tell whether it finds
    # anything. By words alone the correction comes after the words' counts,
    # and one statement asks whether it finds more.
    try:
        with django_assert_num_queries(14 if by_meaning else 13):
            response = client.get("/zoeken/", {"q": "heisesie"})
    finally:
        embedding.reset()
    assert response.context["outcome"].suggestion == "heisessie"


def test_cached_results_follow_every_change_to_the_content(client, make_lesson):
    make_lesson(title="Heisessie een")
    assert found_titles(client, "heisessie") == ["Heisessie een"]
    later = make_lesson(title="Heisessie twee")
    assert sorted(found_titles(client, "heisessie")) == ["Heisessie een", "Heisessie twee"]
    later.visibility = "internal"
    later.save()
    assert found_titles(client, "heisessie") == ["Heisessie een"]
    later.tags.add("heisessie")
    later.visibility = "public"
    later.save()
    assert found_titles(client, "heisessie")[0] == "Heisessie twee"


def test_pages_beyond_the_cached_rows_still_list_the_right_items(client, make_lesson, settings, monkeypatch):
    monkeypatch.setattr("dealkennis.search.engine.CACHED_ROWS", 4)
    settings.PAGE_SIZE = 3
    for number in range(8):
        make_lesson(title=f"Heisessie {number}")
    seen = []
    for page in (1, 2, 3):
        seen += found_titles(client, "heisessie", page=page)
    assert sorted(seen) == sorted(f"Heisessie {number}" for number in range(8))


def test_a_very_common_word_ranks_only_the_newest_matches_but_counts_all(client, make_lesson, monkeypatch):
    monkeypatch.setattr("dealkennis.search.ranking.RANK_LIMIT", 3)
    oldest = make_lesson(title="Heisessie heisessie heisessie")
    type(oldest).objects.filter(pk=oldest.pk).update(published_at="2020-01-01T00:00:00Z")
    for number in range(4):
        make_lesson(title=f"Heisessie {number}", body="Verder niets.")
    response = client.get("/zoeken/", {"q": "heisessie"})
    outcome = response.context["outcome"]
    titles = [hit.item.title for hit in outcome.hits]
    assert outcome.total == outcome.facets["type"]["lesson"] == len(titles) == 5
    # The best match is the oldest: outside the ranked few, it comes last.
    assert titles[-1] == "Heisessie heisessie heisessie"


def test_the_first_page_ranks_the_newest_matches_the_reader_may_see(
    client, make_lesson, monkeypatch, settings
):
    # As in production, the cached rows are the ranked ones: the facets' statement finds them.
    monkeypatch.setattr("dealkennis.search.ranking.RANK_LIMIT", 3)
    monkeypatch.setattr("dealkennis.search.engine.CACHED_ROWS", 3)
    settings.PAGE_SIZE = 3
    oldest = make_lesson(title="Heisessie heisessie heisessie")
    type(oldest).objects.filter(pk=oldest.pk).update(published_at="2020-01-01T00:00:00Z")
    for number in range(4):
        make_lesson(title=f"Heisessie {number}", body="Verder niets.")
    make_lesson(title="Heisessie intern", visibility="internal")
    outcome = client.get("/zoeken/", {"q": "heisessie"}).context["outcome"]
    assert outcome.total == 5
    assert sorted(hit.item.title for hit in outcome.hits) == ["Heisessie 1", "Heisessie 2", "Heisessie 3"]


def test_related_items_prefer_other_programmes_and_respect_visibility(
    client, make_card, make_lesson, other_programme
):
    card = make_card(title="Startkaart", tags=["juristen", "toetreding"])
    make_lesson(title="Zelfde programma", tags=["juristen", "toetreding"])
    make_lesson(title="Ander programma", programme=other_programme, tags=["juristen"])
    make_lesson(
        title="Interne verwante les", programme=other_programme, tags=["juristen"], visibility="internal"
    )
    make_lesson(title="Niets gemeen", tags=["geld"], stream="cognitive", mode="deliberate", order="third")
    response = client.get(card.get_absolute_url())
    related = [item.title for item in response.context["related"]()]
    assert related[0] == "Ander programma"
    assert "Zelfde programma" in related
    assert "Interne verwante les" not in related
    assert "Niets gemeen" not in related
    assert "Uit andere programma" in response.content.decode()


def test_cached_results_page_is_never_shared_between_audiences(client, member_client, make_lesson):
    make_lesson(title="Heisessie openbaar")
    make_lesson(title="Heisessie intern", visibility="internal")
    assert found_titles(client, "heisessie") == ["Heisessie openbaar"]
    response = member_client.get("/zoeken/", {"q": "heisessie"})
    assert "Heisessie intern" in response.content.decode()
    assert "Heisessie intern" not in client.get("/zoeken/", {"q": "heisessie"}).content.decode()


def test_cached_results_page_follows_the_chosen_language(client, make_lesson):
    make_lesson(title="Heisessie voorbereiden", stream="social")
    dutch = client.get("/zoeken/", {"q": "heisessie"}).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/zoeken/", {"q": "heisessie"}).content.decode()
    assert "Verfijn" in dutch and "Verfijn" not in english
    assert "1 result" in english


def test_search_api_uses_a_fixed_number_of_queries(client, make_card, make_lesson, django_assert_num_queries):
    for number in range(12):
        make_card(title=f"Heisessie kaart {number}")
        make_lesson(title=f"Heisessie les {number}")
    # Content types are cached per process; a long-running server has them already.
    ContentType.objects.get_for_models(Card, Lesson)
    # As the page: nothing in a result is read item by item.
    with django_assert_num_queries(9 + meaning_queries()):
        data = client.get("/api/zoeken/", {"q": "heisessie"}).json()
    assert {result["type"] for result in data["results"]} == {"card", "lesson"}
    assert all(result["classification"]["stream"]["label"] for result in data["results"])


def test_a_hyphenated_name_and_a_phrase_with_short_words_are_found(client, make_lesson):
    # Between two quoted lexemes an operator such as ' <-> ' once passed for a
    # lexeme of its own when prefix matching was added, so these found nothing.
    make_lesson(title="Bouwen in s-Hertogenbosch")
    make_lesson(title="De rol van de wet bij het maken van afspraken")
    make_lesson(title="Over iets anders")
    assert found_titles(client, "s-hertogenbosch") == ["Bouwen in s-Hertogenbosch"]
    assert found_titles(client, '"rol van de wet"') == ["De rol van de wet bij het maken van afspraken"]


def test_a_letter_that_unaccents_to_a_quote_is_searched_without_error(client, make_lesson):
    make_lesson(title="Iets")
    # "ŉ" becomes "'n" in the lexeme, which the tsquery text quotes by doubling.
    for query in ("zaaaŉooo bbbb", "aaaaŉ " * 3):
        response = client.get("/zoeken/", {"q": query})
        assert response.status_code == 200
        assert response.context["outcome"].total == 0


def test_a_notice_from_a_cached_search_follows_the_chosen_language(client, make_lesson):
    # The matches are cached across languages; their notices must not be
    # frozen in the language of whoever searched first.
    make_lesson(title="Heisessie")
    assert "alleen heel gewone woorden" in client.get("/zoeken/", {"q": "de het"}).content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/zoeken/", {"q": "de het"}).content.decode()
    assert "alleen heel gewone woorden" not in english


def test_result_links_follow_a_site_served_under_a_sub_path(client, make_card, make_lesson):
    card = make_card(title="Heisessie kaart")
    lesson = make_lesson(title="Heisessie les")
    # What Django's WSGI handler does for a site under /kennis/ (the test client does not).
    set_script_prefix("/kennis/")
    try:
        html = client.get("/zoeken/", {"q": "heisessie"}).content.decode()
    finally:
        set_script_prefix("/")
    for item in (card, lesson):
        assert f'href="/kennis{item.get_absolute_url()}"' in html
        assert f'href="{item.get_absolute_url()}"' not in html
