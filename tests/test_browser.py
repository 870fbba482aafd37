"""End-to-end journeys in a real headless Chromium, and WCAG 2.1 A/AA checks with axe.

How the database is shared with the live server
-----------------------------------------------
The live server answers from a thread of its own with its own database
connection, so it only sees committed rows. The demo content is therefore
loaded and committed once for this module (`site`), and at the end every
table that was empty before is emptied again, so the rest of the suite still
starts from the freshly migrated database.

Two details of pytest-django and Playwright shape the fixtures:

- pytest-django adds `transactional_db` to every test that uses
  `live_server`, and that flushes every table after each test: it would throw
  away the committed demo content (2-3 s to load) after every test, and with
  it the roles that a data migration created. This module therefore
  overrides that helper (`_live_server_helper`, below) with one that only
  opens the database and allows the server's host name.
- While Playwright's sync API runs, the main thread has a running asyncio
  loop, and Django refuses database work there (SynchronousOnlyOperation).
  The few database calls of these tests run in a worker thread instead
  (`in_db_thread`). For the same reason the browser lives for this module,
  not the whole session: it would break every database test that pytest
  runs after these.

Set SCREENSHOTS=1 to save screenshots of the main pages at phone and desktop
width in /tmp/dealkennis-shots/.
"""

import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import reversion
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.test.utils import modify_settings, override_settings
from django.utils import translation
from playwright.sync_api import expect, sync_playwright

from cards.models import Card
from dealkennis.content.demo import database_is_empty, load_demo_content
from dealkennis.models import Programme
from dealkennis.roles import COORDINATOR
from lessons.models import Lesson
from tests.conftest import ensure_roles

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Outside the repository on purpose; only written with SCREENSHOTS=1.
SHOTS_DIR = Path("/tmp/dealkennis-shots")  # noqa: S108
PHONE, DESKTOP = 375, 1280
MEMBER = ("browser-ambtenaar", "browser-wachtwoord-1")
COORDINATOR_LOGIN = ("browser-coordinator", "browser-wachtwoord-2")

AXE = Axe()
# The machine may be busy with other work; waiting a little longer beats a flaky test.
expect.set_options(timeout=10_000)


# --- Database work outside the main thread --------------------------------------------------


def in_db_thread(function, *args):
    """Run `function` in a worker thread with a database connection of its own.

    See the module docstring: the main thread has a running event loop while
    Playwright runs. Every statement commits at once (autocommit), so the
    live server sees the result.
    """

    def work():
        try:
            return function(*args)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def _row_counts():
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def _empty_tables_again(before):
    """TRUNCATE what this module filled; the tables the migrations filled stay as they were."""
    filled = [table for table, count in _row_counts().items() if count and not before.get(table)]
    if filled:
        with connection.cursor() as cursor:
            names = ", ".join(connection.ops.quote_name(table) for table in filled)
            cursor.execute(f"TRUNCATE {names} CASCADE")
    return _row_counts()


@dataclass(frozen=True)
class SiteData:
    url: str
    starter_question: str
    card_slug: str
    lesson_slug: str
    programme_slug: str
    submission_pk: int
    submission_title: str


def _load_site_data():
    ensure_roles()
    load_demo_content()
    user_model = get_user_model()
    member = user_model.objects.create_user(MEMBER[0], "ambtenaar@example.nl", MEMBER[1])
    coordinator = user_model.objects.create_user(
        COORDINATOR_LOGIN[0], "coordinator@example.nl", COORDINATOR_LOGIN[1], is_staff=True
    )
    coordinator.groups.add(Group.objects.get(name=COORDINATOR))
    # A lesson the member shared through the form: it gives "Mijn inzendingen"
    # a row, the coordinator's lists an item in review and its history a version.
    programme = Programme.objects.order_by("name").first()
    submission = Lesson(
        title="Een inzending uit de browsertest",
        slug="inzending-browsertest",
        summary="Wat een collega deelde.",
        body="Wat er gebeurde.",
        programme=programme,
        status="review",
        visibility="internal",
        contributor=member,
    )
    with reversion.create_revision():
        submission.save()
        reversion.set_user(member)
        reversion.set_comment("Gedeeld via het formulier")
    starter = Card.objects.filter(starter_rank__isnull=False).order_by("starter_rank").first()
    return dict(
        starter_question=starter.question,
        card_slug=starter.slug,
        lesson_slug=starter.lessons.filter(status="published", visibility="public").first().slug,
        programme_slug=programme.slug,
        submission_pk=submission.pk,
        submission_title=submission.title,
    )


# --- Fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def playwright(django_db_setup):
    # After the test database exists, and stopped before pytest goes on:
    # see the module docstring about the running event loop.
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(autouse=True)
def _live_server_helper(request, django_db_blocker):
    """Replaces pytest-django's helper of the same name, for this module.

    Theirs adds `transactional_db`, whose flush after each test would throw
    away the content that `site` committed for the whole module. What it does
    besides is done here: the database is open to the server thread (and the
    worker threads) during the test, and the server's host name is allowed.
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    live_server = request.getfixturevalue("live_server")
    host = urlparse(live_server.url).hostname
    with django_db_blocker.unblock(), modify_settings(ALLOWED_HOSTS={"append": host}):
        yield


@pytest.fixture(scope="module")
def site(live_server, django_db_blocker):
    """The live server with the demo content committed, for this module only."""
    # MD5 as in conftest's autouse fixture, so that the passwords hashed here
    # are checked with the same hasher during the tests.
    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast_hashing:
        # Also a safeguard: never fill (and empty) a database with content in it.
        assert in_db_thread(database_is_empty), "the browser tests need an empty test database"
        before = in_db_thread(_row_counts)
        try:
            yield SiteData(url=live_server.url, **in_db_thread(_load_site_data))
        finally:
            after = in_db_thread(_empty_tables_again, before)
        assert after == before, "the browser tests left rows behind"


def _new_context(browser, site, width=DESKTOP, storage_state=None):
    # A Dutch browser; the site ignores Accept-Language anyway (Dutch unless chosen).
    context = browser.new_context(
        base_url=site.url,
        locale="nl-NL",
        viewport={"width": width, "height": 900},
        storage_state=storage_state,
    )
    context.set_default_timeout(10_000)
    return context


@pytest.fixture
def page(browser, site):
    """A page in a fresh browser profile, for journeys that sign in or choose a language."""
    context = _new_context(browser, site)
    yield context.new_page()
    context.close()


def _sign_in(page, login_path, username, password, button="Inloggen"):
    page.goto(login_path)
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()


def _sign_in_to_admin(page):
    # The admin's own login form, whose button says "Aanmelden".
    _sign_in(page, "/admin/login/?next=/admin/", *COORDINATOR_LOGIN, button="Aanmelden")


# Profiles shared by the tests that only look: one browser profile per kind of
# visitor for the module, and a new page (tab) per test.


@pytest.fixture(scope="module")
def anonymous_context(browser, site):
    context = _new_context(browser, site)
    yield context
    context.close()


@pytest.fixture(scope="module")
def member_context(browser, site):
    """A civil servant, signed in once through the site's login form."""
    context = _new_context(browser, site)
    page = context.new_page()
    _sign_in(page, "/account/login/?next=/lessen/mijn-inzendingen/", *MEMBER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn inzendingen")
    page.close()
    yield context
    context.close()


@pytest.fixture(scope="module")
def coordinator_context(browser, site):
    """A coordinator, signed in once through the admin's login form."""
    context = _new_context(browser, site)
    page = context.new_page()
    _sign_in_to_admin(page)
    expect(page.locator("#user-tools")).to_contain_text(COORDINATOR_LOGIN[0])
    page.close()
    yield context
    context.close()


def _tab(context):
    page = context.new_page()
    yield page
    page.close()


@pytest.fixture
def anonymous_page(anonymous_context):
    yield from _tab(anonymous_context)


@pytest.fixture
def member_page(member_context):
    yield from _tab(member_context)


@pytest.fixture
def coordinator_page(coordinator_context):
    yield from _tab(coordinator_context)


@pytest.fixture(scope="module")
def member_at_width(browser, site, member_context):
    """The signed-in member's profile at phone width, and at desktop width for screenshots."""
    widths = (PHONE, DESKTOP) if os.environ.get("SCREENSHOTS") == "1" else (PHONE,)
    state = member_context.storage_state()
    contexts = {width: _new_context(browser, site, width, state) for width in widths}
    yield contexts
    for context in contexts.values():
        context.close()


@pytest.fixture
def lesson_in_review(site):
    """A fully classified lesson waiting for a coordinator, for one test."""

    def create():
        lesson = Lesson.objects.create(
            title="Browsertest: een les ter beoordeling",
            slug="browsertest-les-ter-beoordeling",
            summary="Klaar om te publiceren.",
            body="Wat er gebeurde.",
            programme=Programme.objects.get(slug=site.programme_slug),
            stream="social",
            mode="experiential",
            order="first",
            level="task",
            status="review",
            visibility="public",
            source="Browsertest",
        )
        return lesson.pk

    pk = in_db_thread(create)
    yield pk
    in_db_thread(lambda: Lesson.objects.filter(pk=pk).delete())


# --- Helpers --------------------------------------------------------------------------------


def assert_no_axe_violations(page):
    """axe-core with the WCAG 2.0/2.1 A and AA rules; every violation is listed when it fails."""
    results = AXE.run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]},
    )
    violations = results.response["violations"]
    report = [f"{len(violations)} axe violation(s) on {page.url}:"]
    for violation in violations:
        report.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            report.append(f"    {' '.join(node['target'])}: {node.get('failureSummary', '')!r}")
    assert not violations, "\n".join(report)


def result_count(page):
    """The number in "N resultaten" on a search or list page."""
    text = page.locator(".result-count").inner_text()
    return int(re.search(r"\d+", text).group())


def english(text):
    """The English interface text for `text`, or None while it is not translated yet.

    Translations are being written; the test process reads the same compiled
    catalogue as the live server, so this is what the English page must show.
    """
    with translation.override("en"):
        translated = translation.gettext(text)
    return translated if translated != text else None


def save_screenshot(page, name, width):
    if os.environ.get("SCREENSHOTS") == "1":
        SHOTS_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SHOTS_DIR / f"{name}-{width}.png", full_page=True)


# --- Journey 1: a newcomer ------------------------------------------------------------------


def test_newcomer_walks_from_the_starter_path_to_search_and_the_learning_matrix(anonymous_page, site):
    page = anonymous_page
    page.goto("/")
    starter = page.get_by_role("region", name="Nieuw als dealmaker? Begin hier")
    starter.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(site.starter_question)

    # The lessons behind the card lead on to a lesson page.
    lessons = page.get_by_role("region", name="De lessen achter deze kaart")
    first_lesson = lessons.get_by_role("link").first
    lesson_title = first_lesson.inner_text()
    first_lesson.click()
    expect(page).to_have_url(re.compile(r"/lessen/[\w-]+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson_title)

    # Search from the main menu; a facet narrows the results to its count.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Zoeken").click()
    page.get_by_role("searchbox", name="Zoek in alle kaarten en lessen").fill("vertrouwen")
    page.get_by_role("search").get_by_role("button", name="Zoeken").click()
    expect(page).to_have_url(re.compile(r"/zoeken/\?q=vertrouwen$"))
    total = result_count(page)
    facet = page.get_by_role("complementary", name="Verfijn").get_by_role("link", name=re.compile(r"^Lessen"))
    facet_count = int(re.search(r"\((\d+)\)", facet.inner_text()).group(1))
    assert 0 < facet_count < total, "the facet must narrow the results, or this test proves nothing"
    facet.click()
    expect(page).to_have_url(re.compile(r"type=lesson"))
    assert result_count(page) == facet_count
    expect(page.locator(".result-list > li")).to_have_count(facet_count)
    expect(page.locator(".result-list > li.item-card")).to_have_count(0)
    # The chosen facet is marked, and offers to take the filter away again.
    active = page.locator(".facets a[aria-current='true']")
    expect(active).to_have_count(1)
    expect(active).to_contain_text("Filter weghalen")

    # A cell of the learning matrix opens the search with its two filters.
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Zo leer je").click()
    cell = page.locator("a.matrix-link").first
    cell_count = int(re.match(r"\d+", cell.inner_text()).group())
    cell.click()
    expect(page).to_have_url(re.compile(r"/zoeken/\?"))
    filters = parse_qs(urlparse(page.url).query)
    assert filters == {"order": ["first"], "level": ["task"]}
    assert result_count(page) == cell_count
    expect(page.locator(".facets a[aria-current='true']")).to_have_count(2)


def test_language_switch_turns_the_interface_english_and_back(page):
    page.goto("/kaarten/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")

    page.get_by_role("button", name="English").click()
    # The switch returns to the same page, now in English.
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/kaarten/$"))
    cards_in_english = english("Inspiratiekaarten")
    if cards_in_english:
        expect(
            page.get_by_role("navigation").first.get_by_role("link", name=cards_in_english)
        ).to_be_visible()
    # It is a choice that sticks: the next page is English too.
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Inspiratiekaarten")
    ).to_be_visible()


def test_print_view_lays_the_deck_out_as_cards_without_the_site_chrome(anonymous_page):
    page = anonymous_page
    page.goto("/kaarten/afdrukken/")
    cards = page.locator(".face-front")
    count = cards.count()
    assert count >= 4, "four cards are needed to see a full A4 sheet"
    expect(page.locator(".no-print")).to_contain_text(f"{count} kaarten")
    expect(page.locator(".site-header")).to_be_visible()

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator(".no-print")).to_be_hidden()
    expect(cards.first).to_be_visible()
    # Four to a sheet: two columns of true A6 cards (105 mm wide, about 397 px) that fill it.
    sheet = page.locator(".sheet").first.locator(".print-card")
    first, second, third = (sheet.nth(index).bounding_box() for index in range(3))
    assert first["y"] == second["y"] and abs(second["x"] - (first["x"] + first["width"])) < 1
    assert abs(third["y"] - (first["y"] + first["height"])) < 1 and third["x"] == first["x"]
    assert 396 < first["width"] < 398 and 558 < first["height"] < 560


# --- Journey 2: keyboard only ---------------------------------------------------------------


def _tab_until(page, predicate_js, limit=40):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate_js):
            return
    raise AssertionError(f"Tab did not reach the element ({predicate_js}) in {limit} presses")


def test_first_tab_reaches_the_skip_link_which_moves_focus_to_main(anonymous_page):
    page = anonymous_page
    page.goto("/")
    skip_link = page.get_by_role("link", name="Naar de inhoud")
    # Out of sight until focused, then inside the viewport.
    hidden = skip_link.bounding_box()
    assert hidden["y"] + hidden["height"] <= 0
    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    shown = skip_link.bounding_box()
    assert shown["y"] >= 0 and shown["height"] > 0

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab continues in the content, not in the header again.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_search_can_be_reached_and_submitted_with_the_keyboard_only(anonymous_page):
    page = anonymous_page
    page.goto("/")
    _tab_until(page, "document.activeElement.id === 'home-q'")
    page.keyboard.type("vertrouwen")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/zoeken/\?q=vertrouwen"))
    assert result_count(page) > 0


def test_keyboard_focus_on_a_link_is_clearly_visible(anonymous_page):
    page = anonymous_page
    page.goto("/")
    for selector in ("#inhoud a.utrecht-link", ".site-nav a"):
        _tab_until(page, f"document.activeElement.matches({selector!r})", limit=80)
        style = page.evaluate(
            """() => {
                const s = getComputedStyle(document.activeElement);
                return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow};
            }"""
        )
        outlined = style["style"] != "none" and style["width"] >= 2
        assert outlined or style["shadow"] != "none", f"no visible focus on {selector}: {style}"
        page.goto("/")


# --- Journey 3: a coordinator in the admin --------------------------------------------------


def test_coordinator_publishes_a_lesson_in_review_and_finds_it_in_the_history(page, lesson_in_review):
    title = "Browsertest: een les ter beoordeling"
    _sign_in_to_admin(page)
    expect(page.locator("#user-tools")).to_contain_text(COORDINATOR_LOGIN[0])

    page.get_by_role("rowheader", name="Lessen").get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/admin/lessons/lesson/$"))
    page.locator("#changelist-filter").get_by_role("link", name="Ter beoordeling").click()
    expect(page).to_have_url(re.compile(r"status__exact=review"))
    rows = page.locator("#result_list tbody tr")
    expect(rows.filter(has_text="Gepubliceerd")).to_have_count(0)
    row = rows.filter(has_text=title)
    expect(row).to_have_count(1)

    # A look at the lesson first: its form shows it waiting for review.
    row.get_by_role("link", name=title).click()
    expect(page).to_have_url(re.compile(rf"/admin/lessons/lesson/{lesson_in_review}/change/"))
    expect(page.locator("#id_status")).to_have_value("review")
    page.go_back()

    row.get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(label="Publiceren")
    page.get_by_role("button", name="Uitvoeren").click()
    expect(page.locator(".messagelist .success")).to_have_text("Gepubliceerd: 1")
    # It left the review list ...
    expect(page.locator("#result_list tbody tr").filter(has_text=title)).to_have_count(0)
    assert in_db_thread(lambda: Lesson.objects.get(pk=lesson_in_review).status) == "published"

    # ... and the history says who published it.
    page.goto(f"/admin/lessons/lesson/{lesson_in_review}/change/")
    page.get_by_role("link", name="Geschiedenis").click()
    expect(page).to_have_url(re.compile(rf"/admin/lessons/lesson/{lesson_in_review}/history/$"))
    history = page.locator("#change-history")
    expect(history).to_contain_text("Gepubliceerd")
    expect(history).to_contain_text(COORDINATOR_LOGIN[0])


def test_coordinator_finds_the_work_list_and_the_import_page(coordinator_page, site):
    page = coordinator_page
    page.goto("/admin/")
    page.get_by_role("link", name=re.compile("^Vraagt aandacht")).click()
    expect(page).to_have_url(re.compile(r"/admin/aandacht/$"))
    # The member's submission waits for review.
    expect(page.locator("#content-main")).to_contain_text(site.submission_title)

    page.goto("/admin/lessons/lesson/")
    page.get_by_role("link", name="Importeren").click()
    expect(page).to_have_url(re.compile(r"/admin/lessons/lesson/import/$"))
    expect(page.locator("input[type=file]")).to_be_visible()
    expect(page.locator("select[name=format]")).to_contain_text("csv")


# --- Accessibility: axe on every page type --------------------------------------------------

PUBLIC_PAGES = {
    "home": lambda site: "/",
    "card list": lambda site: "/kaarten/",
    "card detail": lambda site: f"/kaarten/{site.card_slug}/",
    "lesson list": lambda site: "/lessen/",
    "lesson detail": lambda site: f"/lessen/{site.lesson_slug}/",
    "programme list": lambda site: "/programmas/",
    "programme detail": lambda site: f"/programmas/{site.programme_slug}/",
    "learning": lambda site: "/leren/",
    "search, empty": lambda site: "/zoeken/",
    "search, results": lambda site: "/zoeken/?q=vertrouwen",
    "search, no results": lambda site: "/zoeken/?q=qwxzvbnm",
    "print deck": lambda site: "/kaarten/afdrukken/",
    "accessibility statement": lambda site: "/toegankelijkheid/",
    "login": lambda site: "/account/login/",
    "share, signed out": lambda site: "/lessen/delen/",
}


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_public_page_has_no_wcag_violations(anonymous_page, site, name):
    page = anonymous_page
    response = page.goto(PUBLIC_PAGES[name](site))
    assert response.status == 200
    assert_no_axe_violations(page)


def test_not_found_page_has_no_wcag_violations(anonymous_page, settings):
    page = anonymous_page
    # The custom 404 page is what production shows (DEBUG off); pytest-django
    # already turns DEBUG off, this keeps the test honest if that changes.
    settings.DEBUG = False
    response = page.goto("/kaarten/bestaat-niet/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Deze pagina bestaat niet (meer)")
    assert_no_axe_violations(page)


def test_share_form_with_errors_has_no_wcag_violations(member_page):
    page = member_page
    page.goto("/lessen/delen/")
    page.get_by_role("button", name="Ervaring insturen").click()
    expect(page.get_by_role("alert")).to_contain_text("niet goed ingevuld")
    expect(page.locator(".utrecht-form-field--invalid").first).to_be_visible()
    assert_no_axe_violations(page)


def test_my_submissions_page_has_no_wcag_violations(member_page, site):
    page = member_page
    page.goto("/lessen/mijn-inzendingen/")
    expect(page.get_by_role("table")).to_contain_text(site.submission_title)
    assert_no_axe_violations(page)


def test_member_follows_a_programme_and_manages_it_on_wat_ik_volg(member_page, site):
    page = member_page
    page.goto(f"/programmas/{site.programme_slug}/")
    page.get_by_role("button", name=re.compile(r"^Volgen")).click()
    expect(page.get_by_role("status")).to_contain_text("Je volgt nu: Programma")
    expect(page.get_by_role("button", name=re.compile(r"^Niet meer volgen"))).to_be_visible()
    page.get_by_role("link", name="Wat ik volg").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wat ik volg")
    expect(page.get_by_role("radio", name="Wekelijks")).to_be_checked()
    assert_no_axe_violations(page)
    page.get_by_role("radio", name="Dagelijks").check()
    page.get_by_role("button", name="Bewaren").click()
    expect(page.get_by_role("radio", name="Dagelijks")).to_be_checked()
    page.get_by_role("button", name=re.compile(r"^Niet meer volgen")).click()
    expect(page.get_by_text("Je volgt nog niets.")).to_be_visible()


def test_learning_page_with_follow_buttons_has_no_wcag_violations(member_page):
    page = member_page
    page.goto("/leren/")
    expect(page.locator("form.follow-form")).to_have_count(16)
    assert_no_axe_violations(page)


ADMIN_PAGES = {
    "index": lambda site: "/admin/",
    "lesson list": lambda site: "/admin/lessons/lesson/",
    "lesson form": lambda site: f"/admin/lessons/lesson/{site.submission_pk}/change/",
    "lesson history": lambda site: f"/admin/lessons/lesson/{site.submission_pk}/history/",
    "needs attention": lambda site: "/admin/aandacht/",
    "review queue": lambda site: "/admin/beoordelen/",
    "review lesson": lambda site: f"/admin/beoordelen/{site.submission_pk}/",
    "import": lambda site: "/admin/lessons/lesson/import/",
}


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_coordinator_admin_page_has_no_wcag_violations(coordinator_page, site, name):
    page = coordinator_page
    response = page.goto(ADMIN_PAGES[name](site))
    assert response.status == 200
    expect(page.locator("#user-tools")).to_contain_text(COORDINATOR_LOGIN[0])
    assert_no_axe_violations(page)


# --- Phone width ----------------------------------------------------------------------------

SCREENSHOT_PAGES = {
    "home": lambda site: "/",
    "programme": lambda site: f"/programmas/{site.programme_slug}/",
    "card": lambda site: f"/kaarten/{site.card_slug}/",
    "search": lambda site: "/zoeken/?q=vertrouwen",
    "learning": lambda site: "/leren/",
    "share": lambda site: "/lessen/delen/",
}


@pytest.mark.parametrize("name", SCREENSHOT_PAGES)
def test_page_fits_a_phone_screen_without_sideways_scrolling(member_at_width, site, name):
    # WCAG 1.4.10 Reflow: at phone width only wide tables may scroll, inside
    # their own box, never the whole page. Screenshots with SCREENSHOTS=1.
    for width, context in member_at_width.items():
        page = context.new_page()
        try:
            page.goto(SCREENSHOT_PAGES[name](site))
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} is {overflow}px too wide at {width}px"
            save_screenshot(page, name, width)
        finally:
            page.close()


def test_on_a_phone_search_results_come_before_the_folded_facets(member_at_width, site):
    page = member_at_width[PHONE].new_page()
    try:
        page.goto("/zoeken/?q=vertrouwen")
        facet = page.locator(".facets a").first
        expect(page.locator("details.facets-fold")).not_to_have_attribute("open", re.compile(".*"))
        expect(facet).to_be_hidden()
        expect(page.locator(".result-list > li").first).to_be_in_viewport()
        page.locator("summary.facets-summary").click()
        expect(facet).to_be_visible()
    finally:
        page.close()
