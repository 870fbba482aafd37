"""Search relevance by meaning: queries whose words are not the words of the items they should find.

The second relevance suite (issue 15), written before search by meaning was
built. Each query is phrased the way a reader from another ministry or
programme would ask for something: a synonym ("subsidie" for the text's
"uitkering"), colloquial Dutch, English, a full question, a ministry's
abbreviation or name, or a classification label in Dutch or English. The
expected items were chosen by reading dealkennis/demo/*.toml, not by looking at
what the search returns, and are all published and public.

A query succeeds, as in tests/test_relevance.py, when one of its expected items
is among the first three results of /api/zoeken/.

Full-text search misses most of these queries, so the per-query tests and the
summary run only where search by meaning runs (pgvector and the model): on
PostgreSQL 15 without pgvector they are skipped. The tests that guard the suite
itself always run.

To measure both suites on any code, whatever the flag says:

    DEALKENNIS_RELEVANCE_REPORT=1 .venv/bin/python -m pytest -s -p no:cacheprovider \
        tests/test_relevance_meaning.py -k report

prints hit or miss per query and success@3 for this suite and the 50-query one.
"""

import os

import pytest
from django.db import connection

from cards.models import Card
from dealkennis.search.meaning import semantic_available
from lessons.models import Lesson
from tests.test_relevance import QUERIES as WORD_QUERIES
from tests.test_relevance import TOP_N, card, lesson, top_items

pytestmark = pytest.mark.django_db

MIN_SUCCESS_RATE = 0.9
REPORT = bool(os.environ.get("DEALKENNIS_RELEVANCE_REPORT"))


@pytest.fixture
def meaning_search(db):
    if not semantic_available(connection):
        pytest.skip("this server searches by words only (no pgvector, or the model cannot run)")


# Every published, public item of a programme or with a classification: the
# answer to a query naming the programme's subject or ministry, or the label.
# `test_the_complete_sets_are_complete` checks each list against the demo content.
HEALTH_DEALS = [
    lesson("coordinator-plaatst-deal-via-inhoud"),
    lesson("dealmaken-als-vak"),
    lesson("health-deals-verspreiding-vws"),
    lesson("intervisie"),
]
GREEN_DEALS = [
    card("nieuwe-partij-wil-toetreden"),
    card("deal-publiceren-in-staatscourant"),
    card("deal-verlengen-of-beeindigen"),
    card("juristen-als-geheugen"),
    card("expert-butler-makelaar"),
    card("leerstrategie-schrijven"),
    lesson("verloop-green-deals-gedeelde-werkomgeving"),
    lesson("juristen-geheugen-green-deals"),
    lesson("weinig-uitwisseling-tussen-programmas"),
    lesson("lerend-evalueren"),
    lesson("leerstrategie-ontwerpen"),
    lesson("trio-reflectie-workshop"),
]
CONSTRUCTIVIST = [
    card("leerstrategie-schrijven"),
    card("kwesties-zonder-eigenaar"),
    card("lerend-evalueren"),
    card("wie-zit-aan-tafel"),
    card("trio-reflectie"),
    lesson("fuck-up-sessie"),
    lesson("makelaar-met-witte-sokken"),
    lesson("heisessies-teamvorming-regio-en-woondeals"),
    lesson("lerend-evalueren"),
    lesson("leerstrategie-ontwerpen"),
    lesson("intervisie"),
]
SOCIAL = [
    card("community-of-practice-organiseren"),
    card("kleine-successen-vieren"),
    card("werken-in-duos"),
    card("heisessie-voor-teamvorming"),
    lesson("community-of-practice-fishbowl"),
    lesson("boundary-spanners"),
    lesson("werken-in-duos"),
    lesson("weinig-uitwisseling-tussen-programmas"),
    lesson("trio-reflectie-workshop"),
    lesson("health-deals-verspreiding-vws"),
    lesson("werkbezoeken"),
]
RELATIONAL = [
    card("fuck-up-session-houden"),
    card("samenwerking-durven-stoppen"),
    card("financieringsvorm-regio-deal"),
    card("geld-bespreekbaar-maken"),
    lesson("fouten-durven-maken"),
    lesson("samenwerking-durven-stoppen"),
    lesson("comptabiliteitswet-verantwoording-versus-leren"),
    lesson("uit-de-doe-modus"),
]
BEHAVIOURAL = [
    card("juristen-als-geheugen"),
    card("expert-butler-makelaar"),
    card("begin-met-wie-wil"),
    lesson("wie-zit-aan-tafel-woondeal-utrecht"),
    lesson("kleine-successen-vieren-rotterdam-zuid"),
    lesson("coalition-of-the-willing"),
    lesson("coordinator-plaatst-deal-via-inhoud"),
    lesson("expert-butler-makelaar"),
    lesson("juristen-geheugen-green-deals"),
]
COGNITIVE = [
    card("nieuwe-partij-wil-toetreden"),
    card("deal-publiceren-in-staatscourant"),
    card("deal-verlengen-of-beeindigen"),
    card("juristen-van-rijk-en-gemeente-samenbrengen"),
    lesson("juristen-lokaal-en-nationaal-inclusieve-stad"),
    lesson("verloop-green-deals-gedeelde-werkomgeving"),
    lesson("deals-ter-discussie-gebiedsgericht-werken"),
    lesson("dealmaken-als-vak"),
    lesson("leercultuur-versus-verantwoording"),
]
SECOND_ORDER = [
    card("fuck-up-session-houden"),
    card("samenwerking-durven-stoppen"),
    card("kwesties-zonder-eigenaar"),
    card("begin-met-wie-wil"),
    card("geld-bespreekbaar-maken"),
    card("wie-zit-aan-tafel"),
    card("trio-reflectie"),
    lesson("wie-zit-aan-tafel-woondeal-utrecht"),
    lesson("fuck-up-sessie"),
    lesson("deals-ter-discussie-gebiedsgericht-werken"),
    lesson("fouten-durven-maken"),
    lesson("samenwerking-durven-stoppen"),
    lesson("coalition-of-the-willing"),
    lesson("lerend-evalueren"),
    lesson("intervisie"),
    lesson("uit-de-doe-modus"),
]
THIRD_ORDER = [
    card("expert-butler-makelaar"),
    card("leerstrategie-schrijven"),
    card("financieringsvorm-regio-deal"),
    card("lerend-evalueren"),
    lesson("makelaar-met-witte-sokken"),
    lesson("dealmaken-als-vak"),
    lesson("expert-butler-makelaar"),
    lesson("weinig-uitwisseling-tussen-programmas"),
    lesson("comptabiliteitswet-verantwoording-versus-leren"),
    lesson("leerstrategie-ontwerpen"),
    lesson("leercultuur-versus-verantwoording"),
]
# Every published, public lesson: each is a lesson learned.
ALL_LESSONS = [
    lesson("juristen-lokaal-en-nationaal-inclusieve-stad"),
    lesson("wie-zit-aan-tafel-woondeal-utrecht"),
    lesson("verloop-green-deals-gedeelde-werkomgeving"),
    lesson("community-of-practice-fishbowl"),
    lesson("fuck-up-sessie"),
    lesson("makelaar-met-witte-sokken"),
    lesson("deals-ter-discussie-gebiedsgericht-werken"),
    lesson("kleine-successen-vieren-rotterdam-zuid"),
    lesson("fouten-durven-maken"),
    lesson("samenwerking-durven-stoppen"),
    lesson("coalition-of-the-willing"),
    lesson("boundary-spanners"),
    lesson("coordinator-plaatst-deal-via-inhoud"),
    lesson("dealmaken-als-vak"),
    lesson("heisessies-teamvorming-regio-en-woondeals"),
    lesson("werken-in-duos"),
    lesson("expert-butler-makelaar"),
    lesson("juristen-geheugen-green-deals"),
    lesson("weinig-uitwisseling-tussen-programmas"),
    lesson("lerend-evalueren"),
    lesson("comptabiliteitswet-verantwoording-versus-leren"),
    lesson("leerstrategie-ontwerpen"),
    lesson("trio-reflectie-workshop"),
    lesson("health-deals-verspreiding-vws"),
    lesson("werkbezoeken"),
    lesson("intervisie"),
    lesson("uit-de-doe-modus"),
    lesson("leercultuur-versus-verantwoording"),
]
# The programme and label sets above, with what defines them.
COMPLETE_SETS = [
    (HEALTH_DEALS, {"programme__slug": "health-deals"}),
    (GREEN_DEALS, {"programme__slug": "green-deals"}),
    (CONSTRUCTIVIST, {"stream": "constructivist"}),
    (SOCIAL, {"stream": "social"}),
    (RELATIONAL, {"stream": "relational"}),
    (BEHAVIOURAL, {"stream": "behavioural"}),
    (COGNITIVE, {"stream": "cognitive"}),
    (SECOND_ORDER, {"order": "second"}),
    (THIRD_ORDER, {"order": "third"}),
]

STOPPING = [
    card("samenwerking-durven-stoppen"),
    lesson("samenwerking-durven-stoppen"),
    card("deal-verlengen-of-beeindigen"),
]
WHO_AT_THE_TABLE = [card("wie-zit-aan-tafel"), lesson("wie-zit-aan-tafel-woondeal-utrecht")]
INCLUSIVE_CITY_LAWYERS = [
    card("juristen-van-rijk-en-gemeente-samenbrengen"),
    lesson("juristen-lokaal-en-nationaal-inclusieve-stad"),
]
DUOS = [card("werken-in-duos"), lesson("werken-in-duos")]
REFLECTING_TOGETHER = [
    lesson("intervisie"),
    card("trio-reflectie"),
    lesson("trio-reflectie-workshop"),
    *DUOS,
]
MISTAKES = [card("fuck-up-session-houden"), lesson("fuck-up-sessie"), lesson("fouten-durven-maken")]
ACCOUNTABILITY = [
    lesson("leercultuur-versus-verantwoording"),
    lesson("comptabiliteitswet-verantwoording-versus-leren"),
]
LEARNING_EVALUATION = [card("lerend-evalueren"), lesson("lerend-evalueren")]
KEEPING_KNOWLEDGE = [
    lesson("verloop-green-deals-gedeelde-werkomgeving"),
    card("juristen-als-geheugen"),
    lesson("juristen-geheugen-green-deals"),
    *DUOS,
]
SMALL_WINS = [card("kleine-successen-vieren"), lesson("kleine-successen-vieren-rotterdam-zuid")]
TEAM_ROLES = [card("expert-butler-makelaar"), lesson("expert-butler-makelaar")]

# (query, expected items); an item is "kaarten/<slug>" or "lessen/<slug>".
QUERIES = [
    # --- Synonyms and paraphrases --------------------------------------------
    # The items say "uitkering" and "geld", never "subsidie".
    ("subsidie voor een regio deal", [card("financieringsvorm-regio-deal"), card("geld-bespreekbaar-maken")]),
    ("deal opzeggen", STOPPING),
    # The card says "gepubliceerd in de Staatscourant".
    ("officiële bekendmaking van een deal", [card("deal-publiceren-in-staatscourant")]),
    ("looptijd van een deal oprekken", [card("deal-verlengen-of-beeindigen")]),
    # The lesson says "handleiding".
    ("handboek voor nieuwe dealmakers", [lesson("verloop-green-deals-gedeelde-werkomgeving")]),
    ("een mentor voor nieuwe dealmakers", DUOS),
    (
        "teambuilding in een nieuw programma",
        [card("heisessie-voor-teamvorming"), lesson("heisessies-teamvorming-regio-en-woondeals")],
    ),
    ("multiprobleemgezinnen", INCLUSIVE_CITY_LAWYERS),
    (
        "georganiseerde misdaad in een wijk",
        [
            card("kwesties-zonder-eigenaar"),
            lesson("community-of-practice-fishbowl"),
            card("community-of-practice-organiseren"),
        ],
    ),
    ("huisvesting en woningtekort", WHO_AT_THE_TABLE),
    # Green Deals are the programme for sustainable initiatives.
    ("duurzaamheid", GREEN_DEALS),
    ("monitoring tijdens de looptijd", LEARNING_EVALUATION),
    ("waardering voor dealmakers binnen het ministerie", [lesson("dealmaken-als-vak")]),
    ("positieve publiciteit voor de deal", SMALL_WINS),
    ("samen terugblikken op een project", REFLECTING_TOGETHER),
    # --- Colloquial Dutch ----------------------------------------------------
    ("wat als partners niet meer meedoen", STOPPING),
    ("partners zien het rijk als pinautomaat", [card("geld-bespreekbaar-maken")]),
    ("machtsverhouding tussen rijk en partners", [card("geld-bespreekbaar-maken")]),
    (
        "mag de overheid lobbyen bij partners",
        [lesson("makelaar-met-witte-sokken"), card("expert-butler-makelaar")],
    ),
    (
        "we zitten muurvast met onze partners",
        [*STOPPING, card("fuck-up-session-houden"), lesson("fuck-up-sessie")],
    ),
    (
        "wat als een deal mislukt",
        [
            lesson("fouten-durven-maken"),
            card("samenwerking-durven-stoppen"),
            lesson("samenwerking-durven-stoppen"),
        ],
    ),
    ("sparren met collega's", REFLECTING_TOGETHER),
    (
        "linking pin tussen organisaties",
        [lesson("boundary-spanners"), *TEAM_ROLES],
    ),
    (
        "politiek wil meetbare resultaten",
        ACCOUNTABILITY,
    ),
    # --- Full questions ------------------------------------------------------
    # Issue 15's own example: it shares "nieuwe partij" with the card, but full
    # text widened it to nearly the whole corpus.
    (
        "hoe betrek ik een nieuwe partij bij een deal",
        [card("nieuwe-partij-wil-toetreden"), *WHO_AT_THE_TABLE],
    ),
    (
        "waarom kijken collega's op het ministerie scheef naar deals",
        [lesson("dealmaken-als-vak"), lesson("deals-ter-discussie-gebiedsgericht-werken")],
    ),
    ("hoe zorg ik dat mijn opvolger weet wat ik weet", KEEPING_KNOWLEDGE),
    # --- Ministries, by abbreviation or name ---------------------------------
    ("VWS", HEALTH_DEALS),
    ("deals van EZK", GREEN_DEALS),
    # Items that tell what BZK did; BZK runs three of the five programmes.
    ("Binnenlandse Zaken", [*WHO_AT_THE_TABLE, card("financieringsvorm-regio-deal")]),
    # The Utrecht housing deal asked for I&W at the table.
    ("Infrastructuur en Waterstaat", WHO_AT_THE_TABLE),
    # LNV: co-funder of the Regio Deals, split off from EZK in the Green Deals' history.
    (
        "landbouwministerie",
        [card("financieringsvorm-regio-deal"), lesson("verloop-green-deals-gedeelde-werkomgeving")],
    ),
    # No item uses the word; the Health Deals are the programme about health.
    ("gezondheid", HEALTH_DEALS),
    # --- English -------------------------------------------------------------
    # Every lesson is a lesson learned.
    ("lessons learned", ALL_LESSONS),
    ("how do I end a green deal", STOPPING),
    (
        "a new partner wants to join the deal",
        [
            card("nieuwe-partij-wil-toetreden"),
            lesson("wie-zit-aan-tafel-woondeal-utrecht"),
            lesson("verloop-green-deals-gedeelde-werkomgeving"),
        ],
    ),
    ("publish a deal in the government gazette", [card("deal-publiceren-in-staatscourant")]),
    ("celebrate small wins", SMALL_WINS),
    ("learning from mistakes", MISTAKES),
    ("peer consultation", [lesson("intervisie"), card("trio-reflectie"), lesson("trio-reflectie-workshop")]),
    ("knowledge retention when staff leave", KEEPING_KNOWLEDGE),
    ("accountability versus learning", [*ACCOUNTABILITY, *LEARNING_EVALUATION]),
    ("which roles does a deal team need", TEAM_ROLES),
    (
        "how to write a learning strategy",
        [card("leerstrategie-schrijven"), lesson("leerstrategie-ontwerpen")],
    ),
    ("area-based working instead of deals", [lesson("deals-ter-discussie-gebiedsgericht-werken")]),
    ("site visits to other deals", [lesson("werkbezoeken")]),
    ("lawyers interpret the rules differently", INCLUSIVE_CITY_LAWYERS),
    ("who pays for a region deal", [card("financieringsvorm-regio-deal"), card("geld-bespreekbaar-maken")]),
    ("working in pairs", DUOS),
    # --- Classification labels, Dutch and English ----------------------------
    ("creërend", CONSTRUCTIVIST),
    ("social learning", SOCIAL),
    ("relationeel leren", RELATIONAL),
    ("behavioural learning", BEHAVIOURAL),
    ("cognitief", COGNITIVE),
    ("double loop learning", SECOND_ORDER),
    ("triple loop learning", THIRD_ORDER),
]

# Queries that miss because of a real weakness of search by meaning, each with
# its diagnosis; strict, so a query that starts to succeed must leave the list.
# Most have the same cause: the model places a few broad items ("begin met wie
# wil", the community-of-practice card) near many short queries, and the answer
# comes just below them. Similarities a few ten-thousandths apart differ in that
# decimal between CPUs (on an earlier session's machine "linking pin tussen
# organisaties" missed and "monitoring tijdens de looptijd" hit, on a later one
# the other way round); the search now takes them as ties (hybrid.SIMILARITY_PRECISION).
KNOWN_WEAKNESSES = {
    "officiële bekendmaking van een deal": (
        "by meaning the Staatscourant card is 4th overall (0.867), behind 'begin met wie wil' and a "
        "community-of-practice lesson (0.872) and, by 0.00003, the lesson on dealmaking as a craft"
    ),
    "looptijd van een deal oprekken": (
        "'oprekken' is not the text's 'verlengen'; by meaning the extension card is 5th (0.875), "
        "behind broad items at 0.876-0.881"
    ),
    "multiprobleemgezinnen": (
        "a compound the text never uses (it speaks of 'gezinnen' with 'problemen' on several "
        "fronts); the model does not place the inclusive-city items near it"
    ),
    "handboek voor nieuwe dealmakers": (
        "by meaning the lesson (which says 'handleiding') is 4th (0.870), behind the broad 'begin "
        "met wie wil' card and both duo items (0.873-0.881); it used to come first only because the "
        "typo fallback took 'handboek' for 'hand', whose prefix matches 'handleiding', a correction "
        "the fallback no longer makes (a look-alike must be alike enough)"
    ),
    "site visits to other deals": (
        "English: the site-visit lesson is not among the nearest items; 'visits' does not bring the "
        "model to 'werkbezoeken'"
    ),
}

# Queries whose expected item is tied, to three decimals (hybrid.SIMILARITY_PRECISION),
# with the item before it at the top three: the model's fourth decimal differs
# between CPUs, so the item is third on some and fourth on others.
TIED_AT_THE_CUT = {
    "a new partner wants to join the deal": (
        "on some CPUs the new-partner card (0.8266) rounds to the coalition-of-the-willing lesson "
        "(0.8267), which holds more of the typed words and comes third; elsewhere the card is third"
    ),
}


def _params():
    params = []
    for query, expected in QUERIES:
        reason = KNOWN_WEAKNESSES.get(query)
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        if query in TIED_AT_THE_CUT:
            marks = [pytest.mark.xfail(reason=TIED_AT_THE_CUT[query], strict=False)]
        params.append(pytest.param(query, expected, marks=marks, id=query))
    return params


def test_there_are_enough_distinct_queries():
    queries = [query for query, _expected in QUERIES]
    assert len(queries) >= 45
    assert len(set(queries)) == len(queries)
    assert set(KNOWN_WEAKNESSES) <= set(queries)
    assert set(TIED_AT_THE_CUT) <= set(queries) - set(KNOWN_WEAKNESSES)
    assert not set(queries) & {query for query, _expected in WORD_QUERIES}


def _visible(**filters):
    cards = Card.objects.visible_to(None).filter(**filters).values_list("slug", flat=True)
    lessons = Lesson.objects.visible_to(None).filter(**filters).values_list("slug", flat=True)
    return {card(slug) for slug in cards} | {lesson(slug) for slug in lessons}


def test_expected_items_are_visible_to_anonymous_users(demo_content):
    """Guards the suite itself: an expected item that is internal or a draft can never be found."""
    missing = sorted({item for _query, expected in QUERIES for item in expected} - _visible())
    assert not missing, f"expected items that anonymous users cannot see: {missing}"


def test_the_complete_sets_are_complete(demo_content):
    """A programme's or a label's list holds exactly the visible items so classified, and each once."""
    for items, filters in COMPLETE_SETS:
        assert len(items) == len(set(items)), filters
        assert set(items) == _visible(**filters), filters
    assert len(ALL_LESSONS) == len(set(ALL_LESSONS))
    assert set(ALL_LESSONS) == {item for item in _visible() if item.startswith("lessen/")}


@pytest.mark.parametrize("query, expected", _params())
def test_query_finds_an_expected_item_in_the_top_3(client, demo_content, meaning_search, query, expected):
    top = top_items(client, query)
    assert set(top) & set(expected), f"{query!r}: expected one of {expected} in the top {TOP_N}, got {top}"


def _misses(client, queries):
    return [
        (query, top)
        for query, expected in queries
        if not set(top := top_items(client, query)) & set(expected)
    ]


def test_success_rate(client, demo_content, meaning_search):
    """The share of queries with an expected item in the top 3 (`pytest -s` shows it).

    A query tied at the cut (TIED_AT_THE_CUT) counts on neither side: whether
    it hits depends on the CPU's fourth decimal, and with it in the count the
    rate passed on one machine and failed on the next with the same code.
    """
    counted = len(QUERIES) - len(TIED_AT_THE_CUT)
    misses = _misses(client, QUERIES)
    tied = [(query, top) for query, top in misses if query in TIED_AT_THE_CUT]
    misses = [miss for miss in misses if miss not in tied]
    rate = 1 - len(misses) / counted
    print(f"\nSearch by meaning: {counted - len(misses)}/{counted} = {rate:.0%} in the top {TOP_N}")
    for query, top in misses:
        print(f"  miss: {query!r} -> {top}")
    for query, top in tied:
        print(f"  tied at the cut, missed on this CPU: {query!r} -> {top}")
    assert rate >= MIN_SUCCESS_RATE


@pytest.mark.skipif(not REPORT, reason="set DEALKENNIS_RELEVANCE_REPORT=1 to measure both suites")
def test_report_success_at_3_of_both_suites(client, demo_content):
    """Prints hit or miss per query and success@3 for both suites, whatever search is built."""
    for name, queries in [
        ("words (tests/test_relevance.py)", WORD_QUERIES),
        ("meaning (this module)", QUERIES),
    ]:
        print(f"\n== Suite: {name}")
        hits = 0
        for query, expected in queries:
            top = top_items(client, query)
            hit = bool(set(top) & set(expected))
            hits += hit
            print(f"  {'hit ' if hit else 'MISS'} {query!r} -> {top}")
        print(f"success@{TOP_N}: {hits}/{len(queries)} = {hits / len(queries):.0%}")
