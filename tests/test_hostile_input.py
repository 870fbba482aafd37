"""Hostile input: whatever is sent, the answer is never a 5xx, and the API always answers JSON."""

import socket
from urllib.parse import quote

import psycopg
import pytest
import tablib
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models.sql import Query
from django.db.utils import DatabaseErrorWrapper
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dealkennis.roles import COORDINATOR
from dealkennis.search.query import MAX_QUERY_TERMS, PrefixSearchQuery, clean_query
from dealkennis.search.text import MAX_TEXT_LENGTH, MAX_TOTAL_TEXT_LENGTH
from lessons.models import Lesson
from lessons.resources import LessonResource
from tests.test_coordinators import admin_form, staff_client

pytestmark = pytest.mark.django_db

SEARCH_URLS = ["/zoeken/", "/api/zoeken/", "/kaarten/afdrukken/"]

# Inputs that once reached websearch_to_tsquery as operators without operands.
OPERATOR_FLOODS = [
    "-" * 33,
    "-" * 200,
    "- " * 40,
    "!(" * 40,
    "<->" * 40,
    "a!" + "-" * 40 + "b",
    'a"' + "-" * 40 + '"b',
    "-(" * 50,
    "-!" * 60,
    '"-' * 60,
    "or " * 60,
    "deal " + "- " * 60 + "samenwerking",
]


def _never_a_server_error(client, path, query_string):
    response = client.get(f"{path}?{query_string}")
    assert response.status_code == 200, (path, query_string, response.status_code)
    if path.startswith("/api/"):
        assert response["Content-Type"].startswith("application/json")
    return response


@pytest.fixture
def some_cards(make_card):
    make_card(title="Samenwerking in de deal", tags=["samenwerking"])
    make_card(title="Een nieuwe partij", visibility="internal")


@pytest.mark.parametrize("query", OPERATOR_FLOODS)
@pytest.mark.parametrize("path", SEARCH_URLS)
def test_operator_floods_in_the_query_are_answered_not_a_500(some_cards, path, query):
    client = Client(raise_request_exception=False)
    _never_a_server_error(client, path, f"q={quote(query)}")


@pytest.mark.parametrize("path", SEARCH_URLS)
def test_a_query_with_a_negated_word_still_excludes_it(client, make_card, path):
    make_card(title="Samenwerking met juristen")
    make_card(title="Samenwerking met gemeenten")

    response = client.get(path, {"q": "samenwerking --juristen"})

    assert response.status_code == 200
    text = response.content.decode().replace("<mark>", "").replace("</mark>", "")
    assert "met gemeenten" in text
    assert "met juristen" not in text


def test_a_query_of_many_words_is_cut_to_the_first_ones_with_a_notice(client, some_cards):
    words = [f"w{index}" for index in range(MAX_QUERY_TERMS + 10)]

    data = client.get("/api/zoeken/", {"q": " ".join(words)}).json()

    assert data["query"].split() == words[:MAX_QUERY_TERMS]
    assert any(str(MAX_QUERY_TERMS) in notice and "woorden" in notice for notice in data["notices"])


# Weighted towards the characters websearch_to_tsquery treats as syntax.
SYNTAX = st.sampled_from(list("-!&|()<>:*\"' \\\t\n\x00") + ["or", "OR", "<->", "a", "é", "ŉ", "⑴", "ﬁ"])
HOSTILE_TEXT = st.one_of(
    st.lists(SYNTAX, max_size=120).map("".join),
    st.text(max_size=250),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=80),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=HOSTILE_TEXT)
@example(raw="-" * 33)
@example(raw="a!" + "-" * 40 + "b")
def test_a_cleaned_query_is_always_valid_websearch_syntax(raw):
    query, _notices = clean_query(raw)
    compiler = Query(None).get_compiler(connection=connection)
    sql, params = compiler.compile(PrefixSearchQuery(query).resolve_expression(compiler.query))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)  # noqa: S608 - our own expression
        cursor.fetchone()
    assert len(query.split()) <= MAX_QUERY_TERMS


def _query_string(raw):
    """`raw` as a browser would send it, lone surrogates and all (as invalid UTF-8 bytes)."""
    return "q=" + quote(raw.encode("utf-8", "surrogatepass"), safe="")


@pytest.mark.parametrize("path", SEARCH_URLS)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.one_of(HOSTILE_TEXT, st.text(alphabet=st.characters(categories=["Cs", "Cc", "Pd"]))))
@example(raw="\ud800" * 3)
@example(raw="x" * 5000)
@example(raw="- " * 40)
def test_any_text_as_query_never_gives_a_server_error(some_cards, path, raw):
    _never_a_server_error(Client(raise_request_exception=False), path, _query_string(raw))


# --- JSON errors for every URL under /api/ ----------------------------------------------------------------


API_DETAILS = ["/api/kaarten/", "/api/lessen/", "/api/programmas/"]


@pytest.mark.parametrize("slug", ["%00", "a%00b", "%ff", "%ED%A0%80", "x" * 3000, "..", "%2e%2e", "-"])
@pytest.mark.parametrize("prefix", API_DETAILS)
def test_a_hostile_slug_is_a_json_404(programme, prefix, slug):
    response = Client(raise_request_exception=False).get(f"{prefix}{slug}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


@pytest.mark.parametrize(
    "path", ["/api/", "/api/bestaat-niet/", "/api/kaarten/a/b/", "/api/kaarten/%00/extra/", "/api/zoeken/x/"]
)
def test_an_unknown_api_url_is_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": "Deze API-URL bestaat niet."}


def test_an_api_error_speaks_the_chosen_language_and_varies_by_cookie(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/api/bestaat-niet/")
    assert response.json() == {"error": "This API URL does not exist."}
    assert "Cookie" in response["Vary"]


API_URLS = [
    "/api/kaarten/",
    "/api/kaarten/een-kaart/",
    "/api/lessen/",
    "/api/lessen/een-les/",
    "/api/programmas/",
    "/api/programmas/green-deals/",
    "/api/zoeken/",
    "/api/openapi.json",
]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "QUERY", "TRACE", "OPTIONS"])
@pytest.mark.parametrize("path", API_URLS)
def test_the_api_refuses_other_methods_with_a_json_405_even_without_a_csrf_token(
    member, programme, path, method
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.generic(method, path, "{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]


@pytest.mark.parametrize("path", API_URLS)
def test_an_api_answers_head_like_get(client, programme, path):
    response = client.head(path)
    assert response.status_code in (200, 404)


def _real_connection_error():
    """A connection refused by the operating system, as psycopg and Django report it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with DatabaseErrorWrapper(connection):
        psycopg.connect(host="127.0.0.1", port=port, dbname="x", connect_timeout=2)


def _real_program_limit_error():
    """A query PostgreSQL refuses (54000: a tsvector over 1 MB), on a connection that is fine."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT string_agg(md5(i::text), ' ')::tsvector FROM generate_series(1, 40000) AS i")


@pytest.mark.parametrize(
    "path, html", [("/programmas/", True), ("/api/kaarten/", False), ("/api/zoeken/?q=deal", False)]
)
@pytest.mark.parametrize(
    "fault, status",
    [(_real_connection_error, 503), (_real_program_limit_error, 500), (ZeroDivisionError, 500)],
)
def test_only_a_lost_database_connection_is_a_503(
    monkeypatch, settings, programme, path, html, fault, status
):
    settings.DEBUG = False

    def broken(*args, **kwargs):
        if isinstance(fault, type):
            raise fault
        fault()

    monkeypatch.setattr("dealkennis.models.Programme.objects.all", broken)
    response = Client(raise_request_exception=False).get(path)

    assert response.status_code == status
    assert (response.get("Retry-After") == "30") == (status == 503)
    if html:
        text = response.content.decode()
        assert ("even niet beschikbaar" in text) == (status == 503)
        assert "Traceback" not in text and "psycopg" not in text
    else:
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]


# --- text too large for the search index ------------------------------------------------------------------


def _distinct_words(characters):
    """Text of different made-up words, so every word is a lexeme of its own."""
    words, length, number = [], 0, 0
    while length < characters:
        word = f"w{number:x}q{number * 7919:x}"
        words.append(word)
        length += len(word) + 1
        number += 1
    return " ".join(words)


def test_sharing_a_lesson_of_more_than_a_megabyte_is_refused_with_a_clear_message(
    settings, member_client, programme
):
    settings.DEBUG = False
    member_client.raise_request_exception = False
    body = _distinct_words(1_100_000)

    response = member_client.post(
        "/lessen/delen/",
        {
            "title": "Groot",
            "summary": "Kort.",
            "body": body,
            "insight": "i",
            "change": "c",
            "programme": programme.pk,
        },
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "utrecht-alert--error" in text
    assert "Deze tekst is te lang" in text
    assert not Lesson.objects.exists()


def test_all_text_together_has_a_limit_below_what_the_search_index_holds(make_lesson, make_card):
    part = _distinct_words(MAX_TEXT_LENGTH - 10)
    lesson = Lesson(
        title="Groot",
        summary="Kort.",
        body=part,
        insight=part,
        change=part,
        programme=make_lesson().programme,
        source="Eigen praktijk",
    )
    with pytest.raises(ValidationError) as refused:
        lesson.full_clean()
    assert "Alle tekst samen is te lang" in str(refused.value)
    assert MAX_TOTAL_TEXT_LENGTH < MAX_TEXT_LENGTH * 3

    card = make_card()
    card.answer = "a" * (MAX_TEXT_LENGTH + 1)
    with pytest.raises(ValidationError) as refused:
        card.full_clean()
    assert "answer" in refused.value.message_dict


def _four_byte_words(characters, first):
    """Distinct six-letter words of CJK Extension B ideographs: four bytes a letter in UTF-8."""
    words, number = [], first
    while 7 * len(words) < characters:
        digits, rest = [], number
        for _ in range(6):
            rest, digit = divmod(rest, 40_000)
            digits.append(chr(0x20000 + digit))
        words.append("".join(digits))
        number += 7919
    return " ".join(words)[:characters]


def test_the_largest_allowed_text_fits_the_search_index(make_lesson):
    """The limits hold with room to spare: every character of every distinct word four bytes long."""
    per_field = MAX_TOTAL_TEXT_LENGTH // 5
    lesson = make_lesson()
    lesson.title, lesson.summary = "Groot", "Kort."
    for first, name in enumerate(["body", "insight", "change", "takeaway", "reflection"]):
        setattr(lesson, name, _four_byte_words(per_field - 20, first))
    lesson.full_clean()
    lesson.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT length(search_vector) FROM lessons_lesson WHERE id = %s", [lesson.pk])
        assert cursor.fetchone()[0] > 10_000


def test_the_admin_refuses_text_too_large_to_index(make_lesson):
    lesson = make_lesson(status="draft")
    client, _user = staff_client(COORDINATOR, "coordinator")
    client.raise_request_exception = False

    response = client.post(
        f"/admin/lessons/lesson/{lesson.pk}/change/",
        admin_form(lesson, body=_distinct_words(MAX_TEXT_LENGTH + 100)),
    )

    assert response.status_code == 200
    assert "Deze tekst is te lang" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.body == "Wat er gebeurde."


def test_an_import_refuses_text_too_large_to_index(programme):
    dataset = tablib.Dataset(headers=["slug", "title", "summary", "body", "programme", "status", "source"])
    dataset.append(
        [
            "grote-les",
            "Grote les",
            "Kort.",
            _distinct_words(MAX_TEXT_LENGTH + 100),
            programme.slug,
            "draft",
            "x",
        ]
    )

    result = LessonResource().import_data(dataset, dry_run=False, use_transactions=True)

    assert result.has_validation_errors()
    messages = " ".join(m for row in result.invalid_rows for ms in row.error_dict.values() for m in ms)
    assert "Deze tekst is te lang" in messages
    assert not Lesson.objects.exists()
