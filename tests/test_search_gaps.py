"""Searches that helped nobody: counted per week and programme filter, without identity, for coordinators."""

from types import SimpleNamespace

import pytest
from django.core import signing

from dealkennis.roles import COORDINATOR, EDITOR
from dealkennis.search import embedding
from questions import gaps
from questions.models import GapOutcome, Question, SearchGap, week_of
from tests.conftest import staff_client

pytestmark = pytest.mark.django_db

BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0"}
NOTHING = "kwartelkoningen"


@pytest.fixture
def words_only(settings):
    """Search by words alone, so that what finds nothing does not depend on the model."""
    settings.SEARCH_EMBEDDING_BACKEND = ""
    embedding.reset()
    yield
    embedding.reset()


def search(client, query, **params):
    return client.get("/zoeken/", {"q": query, **params}, **BROWSER)


def counts():
    return {
        (gap.query, gap.programme_id, gap.outcome): (gap.searches, gap.clicks)
        for gap in SearchGap.objects.all()
    }


def signal_token(content):
    start = content.index('data-token="') + len('data-token="')
    return content[start : content.index('"', start)]


def test_a_search_that_finds_nothing_is_counted_and_offers_to_ask(client, words_only, make_card, programme):
    make_card(title="Een deal opzeggen")
    response = search(client, NOTHING)
    content = response.content.decode()
    assert "Stel je vraag aan een coördinator" in content
    assert f"/vragen/stellen/?q={NOTHING}" in content
    assert counts() == {(NOTHING, None, "nothing"): (1, 0)}
    [gap] = SearchGap.objects.all()
    assert gap.week == week_of() and gap.week.weekday() == 0
    # Nothing to click: no signal script.
    assert "search-signal" not in content


def test_case_accents_and_spaces_merge_and_the_programme_filter_counts_apart(
    client, words_only, make_card, programme
):
    make_card(title="Een deal opzeggen")
    search(client, "Coördinatie  Kwartel")
    search(client, "coordinatie kwartel")
    search(client, "coordinatie kwartel", programme=programme.slug)
    assert counts() == {
        ("coordinatie kwartel", None, "nothing"): (2, 0),
        ("coordinatie kwartel", programme.pk, "nothing"): (1, 0),
    }


@pytest.mark.parametrize(
    "params, agent",
    [
        ({"q": ""}, BROWSER),
        ({"q": NOTHING, "page": "2"}, BROWSER),
        ({"q": "kwartel " * 40}, BROWSER),
        ({"q": NOTHING}, {"HTTP_USER_AGENT": "Googlebot/2.1 (+http://www.google.com/bot.html)"}),
        ({"q": NOTHING}, {}),
    ],
    ids=["empty", "second-page", "too-long", "bot", "no-agent"],
)
def test_what_is_not_counted(client, words_only, make_card, params, agent):
    make_card(title="Een deal opzeggen")
    assert client.get("/zoeken/", params, **agent).status_code == 200
    assert counts() == {}


def test_a_search_that_finds_something_costs_no_query_and_carries_a_signed_token(
    client, words_only, make_card, django_assert_num_queries
):
    make_card(title="Een deal opzeggen")
    search(client, "opzeggen")  # the synonym table and content types, as a running server has them
    response = search(client, "opzeggen", sort="date")
    content = response.content.decode()
    assert counts() == {}
    assert "Stel je vraag aan een coördinator" not in content
    assert "js/search-signal.js" in content
    token = signal_token(content)
    assert signing.loads(token, salt=gaps.SALT) == ["opzeggen", None]
    assert 'data-seen-url="/vragen/zoeksignaal/seen/"' in content


def test_a_search_that_finds_nothing_runs_a_fixed_number_of_queries(
    client, words_only, make_card, django_assert_num_queries
):
    make_card(title="Een deal opzeggen")
    search(client, "iets anders")  # the synonym table, read once per content version
    # The search's own statements for a word nobody uses (the typo vocabulary
    # included, its threshold set with the search's settings), and one upsert
    # for the gap: nothing else.
    with django_assert_num_queries(9) as captured:
        search(client, NOTHING)
    assert [query["sql"] for query in captured.captured_queries if "questions_" in query["sql"]] == [
        captured.captured_queries[-1]["sql"]
    ]
    assert "ON CONFLICT" in captured.captured_queries[-1]["sql"]
    # Cached: the version, and the upsert.
    with django_assert_num_queries(2):
        search(client, NOTHING)
    assert counts()[NOTHING, None, "nothing"] == (2, 0)


def test_the_signals_count_seen_and_clicked(client, words_only, make_card, programme):
    make_card(title="Een deal opzeggen")
    token = signal_token(search(client, "opzeggen", programme=programme.slug).content.decode())
    for event in ("seen", "seen", "click"):
        response = client.post(f"/vragen/zoeksignaal/{event}/", token, content_type="text/plain", **BROWSER)
        assert response.status_code == 204
    assert counts() == {("opzeggen", programme.pk, "found"): (2, 1)}


@pytest.mark.parametrize(
    "body, event",
    [
        ("opzeggen", "seen"),
        (signing.dumps(["opzeggen", None], salt="iets anders"), "seen"),
        (signing.dumps(["opzeggen", None], salt=gaps.SALT), "delete"),
        (signing.dumps({"q": 1}, salt=gaps.SALT), "seen"),
        ("x" * 5000, "click"),
    ],
    ids=["unsigned", "other-salt", "unknown-event", "bad-shape", "huge"],
)
def test_a_forged_or_strange_signal_counts_nothing_and_answers_the_same(client, body, event):
    response = client.post(f"/vragen/zoeksignaal/{event}/", body, content_type="text/plain", **BROWSER)
    assert response.status_code == 204
    assert counts() == {}


def test_a_signal_is_only_a_post(client):
    assert client.get("/vragen/zoeksignaal/seen/", **BROWSER).status_code == 405


def test_a_signal_for_a_deleted_programme_is_counted_without_it(client, other_programme):
    token = signing.dumps(["opzeggen", other_programme.pk], salt=gaps.SALT, compress=True)
    other_programme.delete()
    client.post("/vragen/zoeksignaal/click/", token, content_type="text/plain", **BROWSER)
    assert counts() == {("opzeggen", None, "found"): (0, 1)}


def test_no_identity_is_stored():
    columns = {field.column for field in SearchGap._meta.get_fields() if hasattr(field, "column")}
    assert columns == {"id", "query", "week", "programme_id", "outcome", "searches", "clicks"}


@pytest.mark.parametrize(
    "total, by_meaning, expected",
    [(0, 0, GapOutcome.NOTHING), (3, 3, GapOutcome.MEANING), (3, 1, GapOutcome.FOUND)],
)
def test_only_hits_by_meaning_count_as_a_gap(total, by_meaning, expected):
    assert gaps.outcome_of(SimpleNamespace(total=total, by_meaning=by_meaning)) == expected


# The attention page and who may see the gaps


def test_the_attention_page_lists_gaps_most_searched_first_and_the_open_questions(
    coordinator_client, programme
):
    SearchGap.count("zelden gezocht", None, GapOutcome.NOTHING, searches=1)
    SearchGap.count("vaak gezocht", programme.pk, GapOutcome.NOTHING, searches=7)
    SearchGap.count("gevonden en aangeklikt", None, GapOutcome.FOUND, searches=9, clicks=2)
    SearchGap.count("gevonden, nooit aangeklikt", None, GapOutcome.FOUND, searches=4)
    Question.objects.create(text="Een open vraag van iemand", email="a@example.nl")
    content = coordinator_client.get("/admin/aandacht/").content.decode()
    assert "Zoekvragen zonder antwoord" in content
    assert (
        content.index("vaak gezocht") < content.index("gevonden, nooit aangeklikt") < content.index("zelden")
    )
    assert "gevonden en aangeklikt" not in content
    assert "1 open vraag" in content
    assert "Maak een kaartconcept" in content


def test_one_click_turns_a_gap_into_a_card_draft(coordinator_client, programme):
    SearchGap.count("deal verlengen", programme.pk, GapOutcome.NOTHING, searches=3)
    gap = SearchGap.objects.get()
    response = coordinator_client.post(f"/vragen/zoekvraag/{gap.pk}/kaartconcept/")
    from cards.models import Card

    card = Card.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/admin/cards/card/{card.pk}/change/"
    assert (card.title, card.question, card.status, card.visibility) == (
        "deal verlengen",
        "deal verlengen",
        "draft",
        "internal",
    )
    assert card.programme == programme


def _gap_paths():
    gap = SearchGap.objects.get()
    question = Question.objects.get()
    return [
        ("get", "/admin/aandacht/"),
        ("get", "/admin/questions/question/"),
        ("get", f"/admin/questions/question/{question.pk}/change/"),
        ("get", "/admin/questions/searchgap/"),
        ("get", f"/admin/questions/searchgap/{gap.pk}/change/"),
        ("post", f"/vragen/zoekvraag/{gap.pk}/kaartconcept/"),
    ]


@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_readers_and_visitors_never_reach_questions_or_gaps(client, member_client, who):
    SearchGap.count("geheime zoekvraag", None, GapOutcome.NOTHING, searches=1)
    Question.objects.create(text="Een vraag die niemand mag lezen", email="a@example.nl")
    reader = client if who == "anonymous" else member_client
    for method, path in _gap_paths():
        response = getattr(reader, method)(path)
        assert response.status_code == 302 and "/login/" in response["Location"], path
        assert b"geheime zoekvraag" not in response.content
    from cards.models import Card

    assert not Card.objects.exists()


def test_staff_without_the_rights_get_403_or_see_no_gaps(programme):
    from django.contrib.auth import get_user_model
    from django.test import Client

    SearchGap.count("geheime zoekvraag", None, GapOutcome.NOTHING, searches=1)
    Question.objects.create(text="Een vraag die niemand mag lezen", email="a@example.nl")
    user = get_user_model().objects.create_user("staf", "staf@example.nl", "x", is_staff=True)
    client = Client()
    client.force_login(user)
    for method, path in _gap_paths():
        response = getattr(client, method)(path)
        if path == "/admin/aandacht/":
            assert response.status_code == 200
            assert "geheime zoekvraag" not in response.content.decode()
            assert "Zoekvragen zonder antwoord" not in response.content.decode()
        else:
            assert response.status_code == 403, path


def test_an_editor_sees_the_gaps_but_may_not_delete_them():
    client, _ = staff_client(EDITOR, "redacteur")
    SearchGap.count("zoekvraag", None, GapOutcome.NOTHING, searches=1)
    gap = SearchGap.objects.get()
    assert client.get("/admin/questions/searchgap/").status_code == 200
    assert client.get(f"/admin/questions/searchgap/{gap.pk}/delete/").status_code == 403
    coordinator, _ = staff_client(COORDINATOR, "coordinator")
    assert coordinator.get(f"/admin/questions/searchgap/{gap.pk}/delete/").status_code == 200
