"""Search relevance: realistic queries against the demo content.

Each query is phrased the way a civil servant or new dealmaker would type it
into the search box (everyday words, questions, problem words, a few typos,
missing diacritics, singular/plural variants and web-search syntax), and is
mapped to the demo cards and lessons that a good knowledge base should return
for it. The expected items were chosen by reading the content in
dealkennis/demo/*.toml, not by looking at what the search returns, and are all
published and public, so an anonymous visitor can see them.

A query succeeds when one of its expected items is among the first three
results of /api/zoeken/. Every query is its own test, so failures are visible
one by one; the summary test measures the success rate over all of them.
Run with `pytest -s tests/test_relevance.py` to see the rate printed.
"""

from urllib.parse import urlsplit

import pytest
from django.db import connection

from cards.models import Card
from dealkennis.search.meaning import semantic_available
from lessons.models import Lesson

pytestmark = pytest.mark.django_db

TOP_N = 3
MIN_SUCCESS_RATE = 0.8
# Issue 15's target where search by meaning runs: 48 of 50.
MIN_SUCCESS_RATE_WITH_MEANING = 0.96


def card(slug):
    return f"kaarten/{slug}"


def lesson(slug):
    return f"lessen/{slug}"


# (query, expected items); an item is "kaarten/<slug>" or "lessen/<slug>".
QUERIES = [
    # --- Starting, joining and ending a deal -------------------------------
    (
        "hoe stop ik een deal",
        [
            card("deal-verlengen-of-beeindigen"),
            card("samenwerking-durven-stoppen"),
            lesson("samenwerking-durven-stoppen"),
        ],
    ),
    (
        "nieuwe partner erbij",
        [
            card("nieuwe-partij-wil-toetreden"),
            card("wie-zit-aan-tafel"),
            lesson("wie-zit-aan-tafel-woondeal-utrecht"),
        ],
    ),
    (
        "later aansluiten bij green deal",
        [card("nieuwe-partij-wil-toetreden"), lesson("verloop-green-deals-gedeelde-werkomgeving")],
    ),
    ("moet ik mijn deal publiceren", [card("deal-publiceren-in-staatscourant")]),
    # typo: double r
    ("publicatie staatscourrant", [card("deal-publiceren-in-staatscourant")]),
    # missing diacritic: beëindigen
    ("green deal beeindigen", [card("deal-verlengen-of-beeindigen")]),
    ("deal langer laten lopen", [card("deal-verlengen-of-beeindigen")]),
    (
        "met wie start ik een deal",
        [card("begin-met-wie-wil"), lesson("coalition-of-the-willing"), card("wie-zit-aan-tafel")],
    ),
    (
        "welke partijen uitnodigen",
        [card("wie-zit-aan-tafel"), lesson("wie-zit-aan-tafel-woondeal-utrecht"), card("begin-met-wie-wil")],
    ),
    (
        "woningbouw utrecht",
        [card("wie-zit-aan-tafel"), lesson("wie-zit-aan-tafel-woondeal-utrecht")],
    ),
    (
        "is een deal wel het goede instrument",
        [lesson("deals-ter-discussie-gebiedsgericht-werken")],
    ),
    # --- Lawyers and rules ---------------------------------------------------
    (
        "verschillende uitleg van regels",
        [
            card("juristen-van-rijk-en-gemeente-samenbrengen"),
            lesson("juristen-lokaal-en-nationaal-inclusieve-stad"),
        ],
    ),
    # web-search syntax: exclude the Green Deals lawyers
    (
        "juristen -green",
        [
            card("juristen-van-rijk-en-gemeente-samenbrengen"),
            lesson("juristen-lokaal-en-nationaal-inclusieve-stad"),
        ],
    ),
    # singular "jurist"
    (
        "jurist betrekken bij nieuwe deal",
        [card("juristen-als-geheugen"), lesson("juristen-geheugen-green-deals")],
    ),
    (
        "gezinnen met veel problemen",
        [
            card("juristen-van-rijk-en-gemeente-samenbrengen"),
            lesson("juristen-lokaal-en-nationaal-inclusieve-stad"),
        ],
    ),
    # --- Roles and team ------------------------------------------------------
    (
        "samenstelling dealteam",
        [card("expert-butler-makelaar"), lesson("expert-butler-makelaar")],
    ),
    (
        "netwerker in het team",
        [card("expert-butler-makelaar"), lesson("expert-butler-makelaar"), lesson("boundary-spanners")],
    ),
    # singular of "boundary spanners"
    ("boundary spanner", [lesson("boundary-spanners"), card("expert-butler-makelaar")]),
    ("ambtenaar als verkoper", [lesson("makelaar-met-witte-sokken")]),
    (
        "heidag met het team",
        [card("heisessie-voor-teamvorming"), lesson("heisessies-teamvorming-regio-en-woondeals")],
    ),
    # missing diacritic: coördinator
    ("rol van de coordinator", [lesson("coordinator-plaatst-deal-via-inhoud")]),
    ("waar hoort mijn deal in het ministerie", [lesson("coordinator-plaatst-deal-via-inhoud")]),
    # --- New dealmakers and keeping knowledge --------------------------------
    (
        "net begonnen als dealmaker",
        [
            card("werken-in-duos"),
            lesson("werken-in-duos"),
            lesson("verloop-green-deals-gedeelde-werkomgeving"),
        ],
    ),
    (
        "inwerken nieuwe collega",
        [
            card("werken-in-duos"),
            lesson("werken-in-duos"),
            lesson("verloop-green-deals-gedeelde-werkomgeving"),
        ],
    ),
    (
        "vak van dealmaker leren",
        [card("werken-in-duos"), lesson("werken-in-duos"), lesson("dealmaken-als-vak")],
    ),
    (
        "kennis behouden als collega's vertrekken",
        [
            lesson("verloop-green-deals-gedeelde-werkomgeving"),
            card("juristen-als-geheugen"),
            lesson("juristen-geheugen-green-deals"),
        ],
    ),
    (
        "deals in de zorg",
        [
            lesson("health-deals-verspreiding-vws"),
            lesson("dealmaken-als-vak"),
            lesson("coordinator-plaatst-deal-via-inhoud"),
            lesson("intervisie"),
        ],
    ),
    # --- Money ---------------------------------------------------------------
    (
        "geld van het rijk naar de regio",
        [card("financieringsvorm-regio-deal"), card("geld-bespreekbaar-maken")],
    ),
    # compound "regiodeal" for "Regio Deal"
    ("hoe financier je een regiodeal", [card("financieringsvorm-regio-deal")]),
    ("decentralisatie uitkering rekenkamer", [card("financieringsvorm-regio-deal")]),
    ("partners verwachten geld", [card("geld-bespreekbaar-maken")]),
    # --- When things go wrong ------------------------------------------------
    (
        "wat als het misgaat",
        [card("fuck-up-session-houden"), lesson("fuck-up-sessie"), lesson("fouten-durven-maken")],
    ),
    (
        "fouten bespreken met partners",
        [card("fuck-up-session-houden"), lesson("fuck-up-sessie"), lesson("fouten-durven-maken")],
    ),
    # spelling variant without the hyphen
    ("fuckup sessie", [card("fuck-up-session-houden"), lesson("fuck-up-sessie")]),
    (
        "samenwerking loopt niet",
        [card("samenwerking-durven-stoppen"), lesson("samenwerking-durven-stoppen")],
    ),
    ("probleem waar niemand over gaat", [card("kwesties-zonder-eigenaar")]),
    (
        "criminaliteit rotterdam",
        [
            card("kwesties-zonder-eigenaar"),
            lesson("community-of-practice-fishbowl"),
            card("community-of-practice-organiseren"),
        ],
    ),
    (
        "resultaten van de deal vieren",
        [card("kleine-successen-vieren"), lesson("kleine-successen-vieren-rotterdam-zuid")],
    ),
    # --- Exchange between dealmakers -----------------------------------------
    (
        "bijeenkomst ervaringen uitwisselen",
        [
            card("community-of-practice-organiseren"),
            lesson("community-of-practice-fishbowl"),
            lesson("werkbezoeken"),
        ],
    ),
    # web-search syntax: a quoted phrase
    (
        '"community of practice" opzetten',
        [card("community-of-practice-organiseren"), lesson("community-of-practice-fishbowl")],
    ),
    ("op bezoek bij andere deals", [lesson("werkbezoeken")]),
    # plural without the apostrophe of "dealprogramma's"
    ("contact met andere dealprogrammas", [lesson("weinig-uitwisseling-tussen-programmas")]),
    # --- Learning, evaluation, accountability --------------------------------
    # plural with missing diacritic: leerstrategieën
    (
        "leerstrategieen dealprogramma",
        [card("leerstrategie-schrijven"), lesson("leerstrategie-ontwerpen")],
    ),
    # typo: evalutie
    ("lerend evalutie", [card("lerend-evalueren"), lesson("lerend-evalueren")]),
    ("evalueren tijdens de deal", [card("lerend-evalueren"), lesson("lerend-evalueren")]),
    (
        "verantwoorden aan de kamer",
        [
            lesson("leercultuur-versus-verantwoording"),
            lesson("comptabiliteitswet-verantwoording-versus-leren"),
        ],
    ),
    (
        "comptabiliteitswet artikel 3.1",
        [lesson("comptabiliteitswet-verantwoording-versus-leren"), card("lerend-evalueren")],
    ),
    (
        "reflecteren met drie collega's",
        [card("trio-reflectie"), lesson("trio-reflectie-workshop")],
    ),
    ("intervisie organiseren", [lesson("intervisie"), card("trio-reflectie")]),
    ("afstand nemen van dagelijks werk", [lesson("uit-de-doe-modus")]),
]

# Queries that miss because of a real weakness of the search, not of the query
# or the content. Strict: once the search is improved they XPASS, which fails
# the run, so remove the entry then. The summary test counts them as misses.
# Full text alone (a server without pgvector, or where the model cannot run):
KNOWN_WEAKNESSES = {
    "deal langer laten lopen": (
        "paraphrase of 'verlengen' (no synonyms); widened to any word, 'deal' alone matches every "
        "item through the programme names, so the extension card does not stand out"
    ),
    "ambtenaar als verkoper": (
        "stemming: 'verkoper' (agent noun) does not meet 'verkopen'; the widened search finds items "
        "with 'ambtenaar' only, and the makelaar lesson is not among the first three"
    ),
    "kennis behouden als collega's vertrekken": (
        "the turnover lesson speaks of 'verloop' and 'wisselende bezetting', not 'vertrekken'; the "
        "widened search prefers the duo items that share 'kennis' and 'collega'"
    ),
    "deals in de zorg": (
        "missing synonym zorg -> Health Deals/VWS; the prefix 'zorg:*' matches 'zorgvuldig', 'zorgen' "
        "everywhere, so the Health Deals lessons rank 6th and lower"
    ),
    "op bezoek bij andere deals": (
        "compound word: 'bezoek' does not match 'werkbezoek(en)' (prefix matching only extends the "
        "end of a word), and 'andere' and 'deal' match nearly everything"
    ),
    "contact met andere dealprogrammas": (
        "the exchange lesson says 'programma's', not 'dealprogramma'; widened to any word, items with "
        "'andere' and 'contact' come first"
    ),
    "leerstrategieen dealprogramma": (
        "'leerstrategieën' folds to 'leerstrategieen', which the Dutch stemmer does not bring back to "
        "'leerstrategie'; the widened search then ranks items with 'dealprogramma' first"
    ),
}


# Full text and meaning together (issue 15): what meaning still misses.
KNOWN_WEAKNESSES_WITH_MEANING = {
    "kennis behouden als collega's vertrekken": (
        "the turnover lesson speaks of 'verloop' and 'wisselende bezetting'; by meaning the duo and "
        "'dealmaken als vak' items, which are about passing knowledge on, come first and the lesson "
        "is not among the nearest 20"
    ),
    "op bezoek bij andere deals": (
        "'bezoek' still does not match 'werkbezoeken' in full text, and by meaning the exchange "
        "lesson ('weinig uitwisseling tussen programma's') is nearer than the site-visit lesson"
    ),
}


@pytest.fixture
def search_by_meaning(db):
    """Whether this server searches by meaning as well as by words (pgvector and the model)."""
    return semantic_available(connection)


def expect_known_weakness(request, query, by_meaning):
    """Mark the running test as a strict xfail when `query` is a known miss of this server's search."""
    reason = (KNOWN_WEAKNESSES_WITH_MEANING if by_meaning else KNOWN_WEAKNESSES).get(query)
    if reason:
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True))


def _params():
    return [pytest.param(query, expected, id=query) for query, expected in QUERIES]


def top_items(client, query, n=TOP_N):
    response = client.get("/api/zoeken/", {"q": query})
    assert response.status_code == 200
    return [urlsplit(result["url"]).path.strip("/") for result in response.json()["results"][:n]]


def test_there_are_enough_distinct_queries():
    queries = [query for query, _expected in QUERIES]
    assert len(queries) >= 30
    assert len(set(queries)) == len(queries)
    assert set(KNOWN_WEAKNESSES) <= set(queries)
    assert set(KNOWN_WEAKNESSES_WITH_MEANING) <= set(queries)


def test_expected_items_are_visible_to_anonymous_users(demo_content):
    """Guards the suite itself: an expected item that is internal or a draft can never be found."""
    visible = {card(slug) for slug in Card.objects.visible_to(None).values_list("slug", flat=True)}
    visible |= {lesson(slug) for slug in Lesson.objects.visible_to(None).values_list("slug", flat=True)}
    missing = sorted({item for _query, expected in QUERIES for item in expected} - visible)
    assert not missing, f"expected items that anonymous users cannot see: {missing}"


@pytest.mark.parametrize("query, expected", _params())
def test_query_finds_an_expected_item_in_the_top_3(
    request, client, demo_content, search_by_meaning, query, expected
):
    expect_known_weakness(request, query, search_by_meaning)
    top = top_items(client, query)
    assert set(top) & set(expected), f"{query!r}: expected one of {expected} in the top {TOP_N}, got {top}"


def test_success_rate(client, demo_content, search_by_meaning):
    """The share of queries with an expected item in the top 3 (`pytest -s` shows it)."""
    failures = []
    for query, expected in QUERIES:
        top = top_items(client, query)
        if not set(top) & set(expected):
            failures.append((query, top))
    rate = 1 - len(failures) / len(QUERIES)
    found = len(QUERIES) - len(failures)
    print(f"\nSearch relevance: {found}/{len(QUERIES)} queries = {rate:.0%} with a hit in the top {TOP_N}")
    for query, top in failures:
        print(f"  miss: {query!r} -> {top}")
    assert rate >= (MIN_SUCCESS_RATE_WITH_MEANING if search_by_meaning else MIN_SUCCESS_RATE)
