"""In Chromium: a search that finds nothing offers to ask a coordinator; a search page and click are counted.

The live server answers from its own thread, so this test commits
(pytest-django's transactional database, flushed afterwards); database work
runs in `in_db_thread` while Playwright's event loop runs.
"""

import time

import pytest
from playwright.sync_api import expect, sync_playwright

from cards.models import Card
from dealkennis.models import Programme
from dealkennis.search import embedding
from questions.models import Question, SearchGap
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, assert_no_axe_violations, in_db_thread

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Headless Chromium names itself so; the site leaves such agents out as bots.
DESKTOP_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"
)


@pytest.fixture
def words_only(settings):
    settings.SEARCH_EMBEDDING_BACKEND = ""
    embedding.reset()
    yield
    embedding.reset()


def _content():
    programme = Programme.objects.create(
        name="Green Deals", slug="green-deals", ministries="EZK", description="."
    )
    Card.objects.create(
        title="Een deal opzeggen",
        question="Hoe zeg je een deal op?",
        answer="Zo.",
        summary="Opzeggen in goed overleg.",
        programme=programme,
        stream="social",
        mode="experiential",
        order="first",
        level="task",
        status="published",
        visibility="public",
        source="Essay (2020)",
    )


def _counts():
    return {(gap.query, gap.outcome): (gap.searches, gap.clicks) for gap in SearchGap.objects.all()}


def _wait_for(expected):
    deadline = time.monotonic() + 10
    while (found := in_db_thread(_counts)) != expected and time.monotonic() < deadline:
        time.sleep(0.2)
    return found


def test_a_visitor_asks_after_finding_nothing_and_a_click_is_counted(live_server, words_only):
    in_db_thread(_content)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(base_url=live_server.url, locale="nl-NL", user_agent=DESKTOP_AGENT)
            page = context.new_page()
            page.set_default_timeout(15_000)
            page.goto("/zoeken/?q=kwartelkoningen")
            assert_no_axe_violations(page)
            # On a phone the offer's heading, text and link stack, each the box's width.
            page.set_viewport_size({"width": 390, "height": 800})
            boxes = page.locator(".ask-coordinator > *").evaluate_all(
                "nodes => nodes.map(node => node.getBoundingClientRect().toJSON())"
            )
            assert len(boxes) == 3
            assert boxes[0]["bottom"] <= boxes[1]["top"] and boxes[1]["bottom"] <= boxes[2]["top"]
            assert all(box["width"] > 250 for box in boxes)
            page.set_viewport_size({"width": 1280, "height": 800})
            # Nothing found, so no facets: the help is not squeezed into their column.
            assert page.locator(".no-results").bounding_box()["width"] > 700
            page.get_by_role("link", name="Stel je vraag aan een coördinator").click()
            expect(page.get_by_role("textbox", name="Je vraag")).to_have_value("kwartelkoningen")
            assert_no_axe_violations(page)
            page.get_by_role("textbox", name="Je vraag").fill(
                "Waar vind ik iets over kwartelkoningen in een Green Deal?"
            )
            page.get_by_label("Je e-mailadres").fill("vrager@example.nl")
            page.get_by_role("button", name="Vraag versturen").click()
            expect(page.get_by_role("heading", name="Je vraag is verstuurd")).to_be_visible()

            page.goto("/zoeken/?q=opzeggen")
            page.get_by_role("link", name="Hoe zeg je een deal op?").click()
            page.wait_for_url("**/kaarten/een-deal-opzeggen/")
            expected = {("kwartelkoningen", "nothing"): (1, 0), ("opzeggen", "found"): (1, 1)}
            assert _wait_for(expected) == expected
        finally:
            browser.close()
    question = in_db_thread(lambda: Question.objects.values("text", "email", "asked_from", "asker").get())
    assert question == {
        "text": "Waar vind ik iets over kwartelkoningen in een Green Deal?",
        "email": "vrager@example.nl",
        "asked_from": "kwartelkoningen",
        "asker": None,
    }
