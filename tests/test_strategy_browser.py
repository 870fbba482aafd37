"""The printed strategy and the strategy pages in a real headless Chromium.

Reuses the browser module's fixtures (a live server with the demo content,
committed for this module, and a signed-in coordinator); see that module's
docstring for why the database is handled the way it is.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.test_browser import (  # noqa: F401 - fixtures used by name
    _live_server_helper,
    assert_no_axe_violations,
    browser,
    coordinator_context,
    playwright,
    site,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def coordinator_tab(coordinator_context):  # noqa: F811 - the imported fixture
    page = coordinator_context.new_page()
    yield page
    page.close()


def pdf_pages(pdf):
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_a_strategy_prints_on_one_or_two_a4_pages_without_site_chrome(coordinator_tab):
    page = coordinator_tab
    for slug in ("green-deals", "city-deals", "regio-deals", "woon-deals", "health-deals"):
        assert page.goto(f"/leerstrategieen/{slug}/").status == 200
        expect(page.locator(".strategy-history")).to_be_visible()
        page.emulate_media(media="print")
        for hidden in (
            ".site-header",
            ".site-footer",
            ".strategy-history",
            ".strategy-example-list",
            ".preview-banner",
        ):
            expect(page.locator(hidden).first).to_be_hidden()
        expect(page.locator(".print-only")).to_be_visible()
        assert 1 <= pdf_pages(page.pdf(format="A4")) <= 2, slug
        page.emulate_media(media="screen")


def test_programme_page_shows_the_strategy_status_to_the_coordinator(coordinator_tab):
    page = coordinator_tab
    page.goto("/programmas/green-deals/")
    status = page.locator(".strategy-status")
    expect(status).to_contain_text("Leerstrategie Green Deals")
    expect(status).to_contain_text("concept")
    expect(status).to_contain_text("laatst herzien op")


def test_strategy_page_has_no_wcag_violations(coordinator_tab):
    page = coordinator_tab
    assert page.goto("/leerstrategieen/regio-deals/").status == 200
    assert_no_axe_violations(page)
