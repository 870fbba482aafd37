"""Atom feeds, sitemap.xml and robots.txt: public documents, so public items only."""

import re
from datetime import datetime, timedelta
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from dealkennis.web.feeds import FEED_SIZE

pytestmark = pytest.mark.django_db

ATOM = {"atom": "http://www.w3.org/2005/Atom"}
SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def _parse(response):
    assert response.status_code == 200
    # Our own response, not untrusted input.
    return ElementTree.fromstring(response.content)  # noqa: S314


@pytest.fixture
def make_card(make_card):
    """Cards whose question is their title: feeds name a card by its question (name_field)."""

    def make(**values):
        if "title" in values:
            values.setdefault("question", values["title"])
        return make_card(**values)

    return make


def _entry_titles(response):
    return [
        entry.findtext("atom:title", namespaces=ATOM)
        for entry in _parse(response).iterfind("atom:entry", ATOM)
    ]


def _age(item, days):
    """Set updated_at directly: auto_now would overwrite it on save()."""
    updated_at = timezone.now() - timedelta(days=days)
    type(item).objects.filter(pk=item.pk).update(updated_at=updated_at)
    return updated_at


@pytest.fixture
def items_of_every_kind(make_card, make_lesson):
    items = {}
    for make in (make_card, make_lesson):
        for status in ("draft", "review", "published", "archived"):
            for visibility in ("public", "internal"):
                item = make(title=f"{status} {visibility}", status=status, visibility=visibility)
                items[item.kind, status, visibility] = item
    return items


def _locations(response):
    return {
        url.findtext("sm:loc", namespaces=SITEMAP) for url in _parse(response).iterfind("sm:url", SITEMAP)
    }


def test_feed_is_atom_with_a_dutch_title(client):
    response = client.get("/feeds/nieuw/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = _parse(response)
    assert feed.tag == "{http://www.w3.org/2005/Atom}feed"
    assert feed.findtext("atom:title", namespaces=ATOM) == "Dealkennis: nieuwe en bijgewerkte kennis"


def test_feed_lists_cards_and_lessons_together_newest_update_first(client, make_card, make_lesson):
    old_card = make_card(title="Oude kaart")
    new_lesson = make_lesson(title="Nieuwe les")
    middle_card = make_card(title="Middelste kaart")
    _age(old_card, 10)
    _age(new_lesson, 1)
    _age(middle_card, 5)

    assert _entry_titles(client.get("/feeds/nieuw/")) == [
        "Les: Nieuwe les",
        "Inspiratiekaart: Middelste kaart",
        "Inspiratiekaart: Oude kaart",
    ]


def test_feed_entry_links_to_the_page_and_carries_summary_and_dates(client, make_card):
    card = make_card(title="Een kaart", summary="Wat je moet weten.", tags=["subsidie"])
    updated_at = _age(card, 2)

    entry = _parse(client.get("/feeds/nieuw/")).find("atom:entry", ATOM)

    assert entry.find("atom:link", ATOM).get("href") == f"http://testserver{card.get_absolute_url()}"
    assert entry.findtext("atom:summary", namespaces=ATOM) == "Wat je moet weten."
    assert datetime.fromisoformat(entry.findtext("atom:updated", namespaces=ATOM)) == updated_at
    categories = {category.get("term") for category in entry.iterfind("atom:category", ATOM)}
    assert categories == {"Green Deals", "subsidie"}


def test_feed_summary_is_plain_text_escaped_for_html(client, make_card):
    make_card(summary="<script>alert(1)</script> Juristen & <b>meer</b>")
    response = client.get("/feeds/nieuw/")

    summary = _parse(response).find("atom:entry/atom:summary", ATOM)
    # Markup is stripped from plain-text fields on save; what is left is
    # escaped once more, since readers unescape a type="html" summary.
    assert summary.get("type") == "html"
    assert summary.text == "Juristen &amp; meer"
    assert b"<script" not in response.content and b"alert(1)" not in response.content


@pytest.mark.parametrize("requester", ["client", "member_client"])
def test_feed_never_contains_internal_or_draft_items(request, requester, items_of_every_kind):
    response = request.getfixturevalue(requester).get("/feeds/nieuw/")
    assert sorted(_entry_titles(response)) == [
        "Inspiratiekaart: published public",
        "Les: published public",
    ]


def test_feed_holds_the_newest_thirty_items(client, make_card, make_lesson):
    cards = [make_card(title=f"Kaart {number}") for number in range(FEED_SIZE)]
    lessons = [make_lesson(title=f"Les {number}") for number in range(2)]
    for days, item in enumerate([*lessons, *cards]):
        _age(item, days)

    titles = _entry_titles(client.get("/feeds/nieuw/"))

    assert len(titles) == FEED_SIZE == 30
    assert titles[:3] == ["Les: Les 0", "Les: Les 1", "Inspiratiekaart: Kaart 0"]
    assert "Inspiratiekaart: Kaart 28" not in titles  # the two oldest fall off


def test_programme_feed_holds_only_that_programmes_public_items(
    client, make_card, make_lesson, other_programme
):
    make_card(title="Groene kaart")
    make_lesson(title="Stadse les", programme=other_programme)
    make_lesson(title="Interne stadse les", programme=other_programme, visibility="internal")

    response = client.get("/feeds/programma/city-deals/")

    assert _entry_titles(response) == ["Les: Stadse les"]
    assert _parse(response).findtext("atom:title", namespaces=ATOM) == "Dealkennis: nieuw bij City Deals"


def test_programme_feed_of_an_unknown_programme_is_not_found(client, programme):
    assert client.get("/feeds/programma/bestaat-niet/").status_code == 404


def test_sitemap_lists_pages_programmes_and_public_items_with_lastmod(
    client, make_card, make_lesson, other_programme
):
    card = make_card()
    lesson = make_lesson(programme=other_programme)
    _age(card, 3)

    response = client.get("/sitemap.xml")
    locations = _locations(response)

    pages = ["/", "/kaarten/", "/lessen/", "/programmas/", "/leren/", "/zoeken/"]
    assert {f"http://testserver{path}" for path in pages} <= locations
    assert {
        "http://testserver/programmas/green-deals/",
        "http://testserver/programmas/city-deals/",
        f"http://testserver{card.get_absolute_url()}",
        f"http://testserver{lesson.get_absolute_url()}",
    } <= locations
    assert len(locations) == len(pages) + 4
    lastmods = {
        url.findtext("sm:loc", namespaces=SITEMAP): url.findtext("sm:lastmod", namespaces=SITEMAP)
        for url in _parse(response).iterfind("sm:url", SITEMAP)
    }
    card.refresh_from_db()
    # The site's date (TIME_ZONE), as the sitemap writes it: in the last hour
    # before midnight in Amsterdam, the UTC date is a day earlier.
    modified = timezone.localdate(card.updated_at).isoformat()
    assert lastmods[f"http://testserver{card.get_absolute_url()}"] == modified


def test_sitemap_never_contains_internal_or_draft_items(client, items_of_every_kind):
    locations = _locations(client.get("/sitemap.xml"))

    item_pages = re.compile(r"^http://testserver/(kaarten|lessen)/[^/]+/$")
    assert {loc for loc in locations if item_pages.match(loc)} == {
        f"http://testserver{items_of_every_kind[kind, 'published', 'public'].get_absolute_url()}"
        for kind in ("card", "lesson")
    }


def test_robots_txt_allows_all_but_private_paths_and_names_the_sitemap(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[:2] == ["User-agent: *", "Allow: /"]
    disallowed = {line.removeprefix("Disallow: ") for line in lines if line.startswith("Disallow: ")}
    assert disallowed == {
        "/admin/",
        "/account/",
        "/api/",
        reverse("lesson-share"),
        reverse("my-lessons"),
    }
    assert "Sitemap: http://testserver/sitemap.xml" in lines


@pytest.mark.parametrize("count", [1, 8])
@pytest.mark.parametrize(
    "path, expected_queries",
    [
        # cards, their tags, lessons, their tags
        ("/feeds/nieuw/", 4),
        # the programme, then as above
        ("/feeds/programma/green-deals/", 5),
        # per section: a count for the paginator and the page itself (the static section needs none);
        # programmes, cards and lessons; deals and strategies only their count (none here, so no page)
        ("/sitemap.xml", 8),
    ],
)
def test_feeds_and_sitemap_use_a_fixed_number_of_queries(
    client, make_card, make_lesson, django_assert_num_queries, count, path, expected_queries
):
    for number in range(count):
        make_card(tags=[f"k{number}"])
        make_lesson(tags=[f"l{number}"])
    with django_assert_num_queries(expected_queries):
        assert client.get(path).status_code == 200


def test_a_feed_names_a_card_by_its_question(client, make_card):
    make_card(title="Kort", question="Mag een nieuwe partij aansluiten?")
    assert _entry_titles(client.get("/feeds/nieuw/")) == [
        "Inspiratiekaart: Mag een nieuwe partij aansluiten?"
    ]
