"""The printed deck, rendered to PDF by a real Chromium: no card is clipped.

The longest demo cards and a constructed extreme one are printed four and two
to a sheet. In print media every card face must hold its content (nothing
scrolls, nothing sticks out), every text at least 8 pt; the PDF must have A4
pages, exactly one per sheet, and its text must hold every card's question and
the last words of its answer and experience.

The live server, browser and demo content are test_browser.py's fixtures.
With SCREENSHOTS=1 the PDFs are kept in /tmp/dealkennis-shots/.
"""

import io
import math

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from cards.models import Card
from dealkennis.content.demo import read_demo
from dealkennis.models import Programme
from tests.test_browser import (  # noqa: F401 - fixtures used by name
    SHOTS_DIR,
    _live_server_helper,
    _new_context,
    browser,
    in_db_thread,
    playwright,
    site,
)

pytestmark = pytest.mark.browser

LONGEST = 4
EXTREME_SLUG = "uiterste-afdrukkaart"
A4_POINTS = (595.28, 841.89)
MIN_FONT_PX = 8 * 96 / 72  # 8 pt


def _longest_demo_slugs():
    """The demo's longest public cards, by the text on their backs."""
    cards = [
        card
        for card in read_demo("cards")["card"]
        if card["status"] == "published" and card["visibility"] == "public"
    ]
    cards.sort(key=lambda card: len(card["answer"]) + len(card["body"]), reverse=True)
    return [card["slug"] for card in cards[:LONGEST]]


def _make_extreme_card():
    """Far longer than any real card: a 300-character question, walls of answer and experience."""
    answer = " ".join(
        f"Zin {n} van een antwoord dat maar niet ophoudt, ook niet op een A6-kaart." for n in range(45)
    )
    paragraph = (
        "Een alinea met **vet**, een [verwijzing](https://example.org/) en nog veel meer woorden. " * 7
    )
    body = "\n\n".join(
        [paragraph] * 5
        + ["- " + "een punt in een lange lijst " * 6] * 4
        + ["1. eerst dit\n2. dan dat", "Langwoord" + "zonderspaties" * 12]
        + ["> Een citaat dat ook over meer regels loopt, " * 4, "    code\n    die zijn regels houdt"]
        + ["| wie | wat |\n| --- | --- |\n| de coördinator | het advies van de juristen |"]
        + ["Dit is de allerlaatste zin."]
    )
    Card.objects.create(
        title="De uiterste kaart voor de afdruktest",
        slug=EXTREME_SLUG,
        question=("Wat doe je als een vraag zo lang is dat ze bijna de hele voorkant vult? " * 5)[:299] + "?",
        answer=answer + " Slotwoorden van het allerlangste antwoord.",
        summary="Een kaart om het afdrukken te beproeven.",
        body=body,
        programme=Programme.objects.order_by("name").first(),
        stream="social",
        mode="experiential",
        order="first",
        level="task",
        status="published",
        visibility="public",
        source="Afdruktest",
    )


def _texts(slugs):
    cards = {card.slug: card for card in Card.objects.filter(slug__in=slugs)}
    return [(cards[slug].question, cards[slug].answer, cards[slug].body_text) for slug in slugs]


@pytest.fixture(scope="module")
def deck(site):  # noqa: F811
    """The slugs to print, longest first, and their texts."""
    in_db_thread(_make_extreme_card)
    slugs = [EXTREME_SLUG, *_longest_demo_slugs()]
    return slugs, in_db_thread(_texts, slugs)


@pytest.fixture(scope="module")
def print_page(browser, site):  # noqa: F811
    context = _new_context(browser, site)
    page = context.new_page()
    yield page
    context.close()


OVERFLOWS = """() => {
  const problems = [];
  for (const card of document.querySelectorAll('.print-card')) {
    const name = card.querySelector('.print-card-kind').textContent.trim();
    if (card.scrollHeight > card.clientHeight + 0.5 || card.scrollWidth > card.clientWidth + 0.5) {
      const size = `${card.scrollWidth} x ${card.scrollHeight} in ${card.clientWidth} x ${card.clientHeight}`;
      problems.push(`${name}: scrolls (${size})`);
    }
    const box = card.getBoundingClientRect();
    for (const element of card.querySelectorAll('*')) {
      const inner = element.getBoundingClientRect();
      if (inner.width === 0 && inner.height === 0) continue;
      if (inner.top < box.top - 0.5 || inner.bottom > box.bottom + 0.5
          || inner.left < box.left - 0.5 || inner.right > box.right + 0.5) {
        problems.push(`${name}: <${element.tagName}> sticks out`);
      }
    }
  }
  return problems;
}"""

SMALL_TEXT = """(minimum) => [...document.querySelectorAll('.deck *')]
  .filter(element => [...element.childNodes].some(node => node.nodeType === 3 && node.textContent.trim()))
  .map(element => parseFloat(getComputedStyle(element).fontSize))
  .filter(size => size < minimum)"""

FACE_SIZES = """() => [...document.querySelectorAll('.print-card')].map(card => {
  const box = card.getBoundingClientRect(); return [box.width, box.height];
})"""


def _squeezed(text):
    """Text without any whitespace: PDF extraction breaks lines where the layout did."""
    return "".join(text.split())


@pytest.mark.parametrize("per_page", [4, 2])
def test_the_print_pdf_has_no_clipped_card(print_page, deck, per_page):
    slugs, texts = deck
    page = print_page
    page.emulate_media(media="screen")
    query = "&".join(f"kaart={slug}" for slug in slugs)
    page.goto(f"/kaarten/afdrukken/?{query}&per_page={per_page}")
    expect(page.locator(".no-print")).to_contain_text(f"{len(slugs)} kaarten")
    page.emulate_media(media="print")
    expect(page.locator(".no-print")).to_be_hidden()

    assert page.evaluate(OVERFLOWS) == []
    assert page.evaluate(SMALL_TEXT, MIN_FONT_PX - 0.01) == []
    # True A6: 105 x 148 mm at 96 px to the inch.
    for width, height in page.evaluate(FACE_SIZES):
        assert abs(width - 105 / 25.4 * 96) < 1 and abs(height - 148 / 25.4 * 96) < 1
    # The long ones continue: more faces than cards, fronts and backs in pairs of sheets.
    sheets = page.locator(".sheet").count()
    assert page.locator(".face-front").count() == len(slugs)
    assert sheets % 2 == 0 and sheets > 2 * math.ceil(len(slugs) / per_page)

    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    if SHOTS_DIR and __import__("os").environ.get("SCREENSHOTS"):
        SHOTS_DIR.mkdir(parents=True, exist_ok=True)
        (SHOTS_DIR / f"deck-{per_page}.pdf").write_bytes(pdf)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == sheets, "one A4 page per sheet: nothing spilled onto an extra page"
    for pdf_page in reader.pages:
        size = (float(pdf_page.mediabox.width), float(pdf_page.mediabox.height))
        assert all(abs(got - want) < 1.5 for got, want in zip(size, A4_POINTS, strict=True)), size
    printed = _squeezed(" ".join(pdf_page.extract_text() for pdf_page in reader.pages))
    for question, answer, experience in texts:
        assert _squeezed(question) in printed
        for text in (answer, experience):
            words = text.split()
            assert _squeezed(" ".join(words[:6])) in printed
            assert _squeezed(" ".join(words[-6:])) in printed, words[-6:]
    assert _squeezed("Slotwoorden van het allerlangste antwoord.") in printed
    assert _squeezed("Dit is de allerlaatste zin.") in printed


def test_cards_ticked_on_the_list_print_as_a_selection(print_page, deck):
    page = print_page
    page.emulate_media(media="screen")
    page.goto("/kaarten/")
    boxes = page.get_by_role("checkbox", name="Kies om af te drukken")
    chosen = [boxes.nth(1), boxes.nth(3)]
    values = [box.get_attribute("value") for box in chosen]
    for box in chosen:
        box.check()
    page.get_by_role("button", name="Druk selectie af").click()
    page.wait_for_load_state()
    assert page.url.split("?", 1)[1] == "selectie=1&" + "&".join(f"kaart={value}" for value in values)
    expect(page.locator(".face-front")).to_have_count(2)
