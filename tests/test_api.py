"""The read-only JSON API: same visibility as the pages, fixed query counts, documented shape."""

import re
from datetime import date, datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from dealkennis.classification import VOCABULARIES
from dealkennis.models import Deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_pages(settings):
    settings.PAGE_SIZE = 2


def _titles(response):
    assert response.status_code == 200
    return sorted(item["title"] for item in response.json()["results"])


# --- lists -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, make", [("/api/kaarten/", "make_card"), ("/api/lessen/", "make_lesson")])
def test_list_shows_anonymous_visitors_only_published_public_items(request, client, path, make):
    make = request.getfixturevalue(make)
    make(title="Openbaar")
    make(title="Intern", visibility="internal")
    make(title="Concept", status="draft")
    make(title="In review", status="review", visibility="internal")

    response = client.get(path)

    assert _titles(response) == ["Openbaar"]
    assert response.json()["count"] == 1


@pytest.mark.parametrize("path, make", [("/api/kaarten/", "make_card"), ("/api/lessen/", "make_lesson")])
def test_list_shows_signed_in_users_internal_items_but_never_drafts(request, member_client, path, make):
    make = request.getfixturevalue(make)
    make(title="Openbaar")
    make(title="Intern", visibility="internal")
    make(title="Concept", status="draft")
    make(title="Gearchiveerd", status="archived")

    assert _titles(member_client.get(path)) == ["Intern", "Openbaar"]


def test_list_item_carries_links_programme_deal_classification_and_tags(client, make_card, deal):
    card = make_card(
        title="Kaart", summary="Kort.", deal=deal, tags=["zeker", "Afspraken"], stream="relational"
    )

    item = client.get("/api/kaarten/").json()["results"][0]

    assert item["type"] == "card"
    assert item["slug"] == card.slug
    assert item["summary"] == "Kort."
    assert item["url"] == f"http://testserver/kaarten/{card.slug}/"
    assert item["api_url"] == f"http://testserver/api/kaarten/{card.slug}/"
    assert item["programme"] == {"slug": "green-deals", "name": "Green Deals"}
    assert item["deal"] == {"slug": "green-deal-voorbeeld", "name": "Green Deal Voorbeeld"}
    assert item["classification"] == {
        "stream": {"code": "relational", "label": "Relationeel"},
        "mode": {"code": "experiential", "label": "Ervaringsleren"},
        "order": {"code": "first", "label": "Eerste orde"},
        "level": {"code": "task", "label": "Taakniveau"},
    }
    assert item["tags"] == ["Afspraken", "zeker"]
    card.refresh_from_db()
    assert datetime.fromisoformat(item["updated_at"]) == card.updated_at
    assert client.get(item["api_url"]).json()["slug"] == card.slug


def test_list_item_without_deal_has_null_deal(client, make_lesson):
    make_lesson()
    assert client.get("/api/lessen/").json()["results"][0]["deal"] is None


def test_list_applies_the_same_filters_as_the_pages(client, make_card, other_programme):
    make_card(title="Sociaal groen", stream="social", tags=["Subsidie"])
    make_card(title="Cognitief groen", stream="cognitive")
    make_card(title="Sociaal stad", stream="social", programme=other_programme, tags=["subsidie"])

    assert _titles(client.get("/api/kaarten/?stream=social")) == ["Sociaal groen", "Sociaal stad"]
    assert _titles(client.get("/api/kaarten/?stream=social&programme=green-deals")) == ["Sociaal groen"]
    assert _titles(client.get("/api/kaarten/?tag=SUBSIDIE")) == ["Sociaal groen", "Sociaal stad"]
    response = client.get("/api/kaarten/?order=second&level=task")
    assert response.json()["count"] == 0
    assert response.json()["filters"] == {"order": "second", "level": "task"}


def test_list_ignores_unknown_filter_values_and_reports_them(client, make_card):
    make_card(title="Een")
    make_card(title="Twee", stream="cognitive")

    response = client.get("/api/kaarten/?stream=bestaat-niet&programme=nergens&mode=experiential")

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 2
    assert body["filters"] == {"mode": "experiential"}
    assert len(body["notices"]) == 2
    assert any("bestaat-niet" in notice for notice in body["notices"])
    assert any("nergens" in notice for notice in body["notices"])


def test_list_is_paginated_with_absolute_links_that_keep_the_filters(client, make_card, small_pages):
    for number in range(5):
        make_card(title=f"Kaart {number}")

    first = client.get("/api/kaarten/?stream=social").json()
    assert first["count"] == 5
    assert first["page"] == {
        "number": 1,
        "pages": 3,
        "size": 2,
        "next": "http://testserver/api/kaarten/?stream=social&page=2",
        "previous": None,
    }
    last = client.get(client.get(first["page"]["next"]).json()["page"]["next"]).json()
    assert last["page"]["number"] == 3
    assert last["page"]["next"] is None
    assert last["page"]["previous"] == "http://testserver/api/kaarten/?stream=social&page=2"
    seen = [
        item["title"]
        for page in (1, 2, 3)
        for item in client.get(f"/api/kaarten/?page={page}").json()["results"]
    ]
    assert sorted(seen) == [f"Kaart {number}" for number in range(5)]


def test_list_serves_a_real_page_for_an_impossible_page_number_and_says_so(client, make_card, small_pages):
    for _ in range(3):
        make_card()

    body = client.get("/api/kaarten/?page=99").json()

    assert body["page"]["number"] == 2
    assert len(body["results"]) == 1
    assert body["notices"] == ["De pagina “99” bestaat niet; pagina 2 wordt getoond."]


def test_list_accepts_only_reading(client):
    assert client.post("/api/kaarten/").status_code == 405


# --- details ---------------------------------------------------------------------------------------------


def test_card_detail_has_sanitised_body_and_card_fields(client, make_card):
    card = make_card(
        title="Kaart",
        question="Hoe?",
        answer="Zo.",
        body="**Vet** <script>alert(1)</script>",
        learn_more="[Meer](https://example.nl)",
        awaiting_check=True,
        last_checked=date(2025, 1, 31),
    )

    body = client.get(f"/api/kaarten/{card.slug}/").json()

    assert body["question"] == "Hoe?"
    assert body["answer"] == "Zo."
    assert "<strong>Vet</strong>" in body["body_html"]
    assert "<script" not in body["body_html"]
    assert 'href="https://example.nl"' in body["learn_more_html"]
    assert body["awaiting_check"] is True
    assert body["last_checked"] == "2025-01-31"
    assert body["review_due"] is None
    assert body["source"] == "Essay (2020)"
    assert body["url"] == f"http://testserver/kaarten/{card.slug}/"


def test_card_detail_lists_only_the_lessons_the_caller_may_see(client, member_client, make_card, make_lesson):
    public = make_lesson(title="A openbaar")
    internal = make_lesson(title="B intern", visibility="internal")
    draft = make_lesson(title="C concept", status="draft")
    card = make_card()
    card.lessons.set([public, internal, draft])

    assert client.get(f"/api/kaarten/{card.slug}/").json()["lessons"] == [public.slug]
    assert member_client.get(f"/api/kaarten/{card.slug}/").json()["lessons"] == [public.slug, internal.slug]


def test_lesson_detail_has_lesson_fields_and_only_visible_cards(
    client, member_client, make_card, make_lesson
):
    lesson = make_lesson(
        insight="Inzicht",
        reflection="Reflectie",
        change="Verandering",
        takeaway="Les",
        source_kind="workshop",
    )
    public = make_card(title="A openbaar")
    internal = make_card(title="B intern", visibility="internal")
    make_card(title="C concept", status="review").lessons.add(lesson)
    public.lessons.add(lesson)
    internal.lessons.add(lesson)

    body = client.get(f"/api/lessen/{lesson.slug}/").json()

    assert body["type"] == "lesson"
    assert [body[name] for name in ("insight", "reflection", "change", "takeaway")] == [
        "Inzicht",
        "Reflectie",
        "Verandering",
        "Les",
    ]
    assert body["source_kind"] == {"code": "workshop", "label": "Workshop"}
    assert body["source"] == "Essay (2020)"
    assert body["body_html"] == "<p>Wat er gebeurde.</p>"
    assert body["cards"] == [public.slug]
    assert member_client.get(f"/api/lessen/{lesson.slug}/").json()["cards"] == [public.slug, internal.slug]


@pytest.mark.parametrize("prefix, make", [("/api/kaarten/", "make_card"), ("/api/lessen/", "make_lesson")])
def test_detail_of_an_internal_item_is_a_json_404_for_anonymous_visitors_only(
    request, client, member_client, prefix, make
):
    item = request.getfixturevalue(make)(visibility="internal")

    response = client.get(f"{prefix}{item.slug}/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"error"}
    assert member_client.get(f"{prefix}{item.slug}/").status_code == 200


@pytest.mark.parametrize("prefix, make", [("/api/kaarten/", "make_card"), ("/api/lessen/", "make_lesson")])
@pytest.mark.parametrize("status", ["draft", "review", "archived"])
def test_detail_of_an_unpublished_item_is_a_404_even_when_signed_in(
    request, member_client, prefix, make, status
):
    item = request.getfixturevalue(make)(status=status)
    response = member_client.get(f"{prefix}{item.slug}/")
    assert response.status_code == 404
    assert "error" in response.json()


@pytest.mark.parametrize("path", ["/api/kaarten/bestaat-niet/", "/api/lessen/nee/", "/api/programmas/geen/"])
def test_unknown_slug_is_a_json_404(client, programme, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"]


# --- programmes ------------------------------------------------------------------------------------------


def test_programmes_list_deals_and_counts_what_the_caller_may_see(
    client, member_client, make_card, make_lesson, deal, other_programme
):
    make_card()
    make_card(visibility="internal")
    make_card(status="draft")
    make_lesson()
    make_lesson(programme=other_programme, visibility="internal")

    anonymous = {p["slug"]: p for p in client.get("/api/programmas/").json()["results"]}
    member = {p["slug"]: p for p in member_client.get("/api/programmas/").json()["results"]}

    assert anonymous["green-deals"]["counts"] == {"cards": 1, "lessons": 1}
    assert member["green-deals"]["counts"] == {"cards": 2, "lessons": 1}
    assert anonymous["city-deals"]["counts"] == {"cards": 0, "lessons": 0}
    assert member["city-deals"]["counts"] == {"cards": 0, "lessons": 1}
    assert [d["slug"] for d in anonymous["green-deals"]["deals"]] == ["green-deal-voorbeeld"]
    assert anonymous["city-deals"]["deals"] == []
    assert anonymous["green-deals"]["url"] == "http://testserver/programmas/green-deals/"
    assert anonymous["green-deals"]["cards_api_url"] == "http://testserver/api/kaarten/?programme=green-deals"


def test_programme_detail_has_its_deals_and_counts(client, make_lesson, deal):
    Deal.objects.create(
        name="Andere deal", slug="andere-deal", programme=deal.programme, signed_on=date(2020, 5, 1)
    )
    make_lesson()

    body = client.get("/api/programmas/green-deals/").json()

    assert body["name"] == "Green Deals"
    assert body["ministries"] == "EZK en LNV"
    assert body["counts"] == {"cards": 0, "lessons": 1}
    assert [(d["slug"], d["signed_on"]) for d in body["deals"]] == [
        ("andere-deal", "2020-05-01"),
        ("green-deal-voorbeeld", None),
    ]
    assert body["api_url"] == "http://testserver/api/programmas/green-deals/"


# --- query counts ----------------------------------------------------------------------------------------


def _fill(make_card, make_lesson, other_programme, count):
    for number in range(count):
        card = make_card(tags=["a", f"tag{number}"])
        lesson = make_lesson(tags=["b", f"les{number}"], programme=other_programme)
        card.lessons.add(lesson)
        Deal.objects.create(name=f"Deal {number}", slug=f"deal-{number}", programme=other_programme)


@pytest.mark.parametrize("count", [1, 8])
@pytest.mark.parametrize(
    "path, expected_queries",
    [
        # programmes, count, page of items, their tags
        ("/api/kaarten/", 4),
        ("/api/lessen/?tag=b&stream=social", 4),
        # programmes with their counts, their deals
        ("/api/programmas/", 2),
        ("/api/programmas/city-deals/", 2),
    ],
)
def test_api_uses_a_fixed_number_of_queries(
    client, make_card, make_lesson, other_programme, django_assert_num_queries, count, path, expected_queries
):
    _fill(make_card, make_lesson, other_programme, count)
    with django_assert_num_queries(expected_queries):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize("count", [1, 8])
def test_api_details_use_a_fixed_number_of_queries(
    member_client, make_card, make_lesson, django_assert_num_queries, count
):
    card = make_card(tags=[f"t{n}" for n in range(count)])
    lessons = [make_lesson(tags=[f"l{n}"]) for n in range(count)]
    card.lessons.set(lessons)
    # Session and user, the item, its tags, its visible related items.
    with django_assert_num_queries(5):
        assert len(member_client.get(f"/api/kaarten/{card.slug}/").json()["lessons"]) == count
    with django_assert_num_queries(5):
        assert len(member_client.get(f"/api/lessen/{lessons[0].slug}/").json()["cards"]) == 1


# --- OpenAPI ---------------------------------------------------------------------------------------------


@pytest.fixture
def openapi(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.json()


def _validate(document, path, response, status=200):
    """Validate a real response against the schema the document gives for it."""
    pointer = f"/paths/{path.replace('/', '~1')}/get/responses/{status}/content/application~1json/schema"
    registry = Registry().with_resource("urn:openapi", Resource.from_contents(document, DRAFT202012))
    validator = Draft202012Validator(
        {"$ref": f"urn:openapi#{pointer}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    assert response.status_code == status
    validator.validate(response.json())


def _api_routes(resolver=None, prefix=""):
    """Every URL pattern under /api/, written as an OpenAPI path."""
    routes = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            routes |= _api_routes(pattern, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/"):
            routes.add("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))
    return routes


def test_openapi_document_is_3_1_and_describes_every_api_url(openapi):
    assert openapi["openapi"] == "3.1.0"
    assert set(openapi["paths"]) == _api_routes()
    assert "/api/zoeken/" in openapi["paths"]
    for schema in openapi["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_openapi_enums_are_the_classification_codes(openapi):
    parameters = {p["name"]: p for p in openapi["paths"]["/api/kaarten/"]["get"]["parameters"]}
    classification = openapi["components"]["schemas"]["Classification"]["properties"]
    for name, vocabulary in VOCABULARIES.items():
        assert parameters[name]["schema"]["anyOf"][0]["enum"] == list(vocabulary.values)
        assert classification[name]["properties"]["code"]["enum"] == list(vocabulary.values)


@pytest.mark.parametrize("requester", ["client", "member_client"])
def test_real_responses_of_every_endpoint_match_the_openapi_document(
    request, requester, openapi, make_card, make_lesson, deal, other_programme, small_pages
):
    caller = request.getfixturevalue(requester)
    card = make_card(deal=deal, tags=["subsidie"], learn_more="Zie *dit*.", review_due=date(2030, 1, 1))
    lesson = make_lesson(tags=["subsidie"], visibility="internal", source_kind="interview")
    card.lessons.add(lesson)
    for _ in range(3):
        make_card(programme=other_programme)
    public_lesson = make_lesson()

    checks = [
        ("/api/kaarten/", "/api/kaarten/"),
        ("/api/kaarten/", "/api/kaarten/?page=2&stream=social&tag=subsidie"),
        ("/api/kaarten/", "/api/kaarten/?stream=onzin&programme=niets&page=x"),
        ("/api/lessen/", "/api/lessen/?programme=green-deals"),
        ("/api/kaarten/{slug}/", f"/api/kaarten/{card.slug}/"),
        ("/api/lessen/{slug}/", f"/api/lessen/{public_lesson.slug}/"),
        ("/api/programmas/", "/api/programmas/"),
        ("/api/programmas/{slug}/", "/api/programmas/green-deals/"),
        ("/api/zoeken/", "/api/zoeken/"),
        ("/api/zoeken/", "/api/zoeken/?q=samenvatting&sort=date"),
        ("/api/zoeken/", "/api/zoeken/?q=samenvating"),
        ("/api/zoeken/", "/api/zoeken/?type=card&stream=social&tag=subsidie&level=onbekend&page=2"),
        ("/api/openapi.json", "/api/openapi.json"),
    ]
    for path, url in checks:
        _validate(openapi, path, caller.get(url))

    not_found = [
        ("/api/kaarten/{slug}/", "/api/kaarten/bestaat-niet/"),
        ("/api/lessen/{slug}/", "/api/lessen/bestaat-niet/"),
        ("/api/programmas/{slug}/", "/api/programmas/bestaat-niet/"),
    ]
    for path, url in not_found:
        _validate(openapi, path, caller.get(url), status=404)
    # The internal lesson: 404 for the anonymous visitor, a full lesson when signed in.
    status = 404 if requester == "client" else 200
    _validate(openapi, "/api/lessen/{slug}/", caller.get(f"/api/lessen/{lesson.slug}/"), status=status)


def test_openapi_schemas_reject_responses_that_drift_from_them(client, openapi, make_card):
    card = make_card()
    response = client.get(f"/api/kaarten/{card.slug}/")
    _validate(openapi, "/api/kaarten/{slug}/", response)

    body = response.json()
    body["surprise"] = 1
    response.json = lambda: body
    with pytest.raises(ValidationError):
        _validate(openapi, "/api/kaarten/{slug}/", response)
    del body["surprise"]
    body["classification"]["stream"]["code"] = "unknown"
    with pytest.raises(ValidationError):
        _validate(openapi, "/api/kaarten/{slug}/", response)
