"""The print deck: which cards it prints, and how their text is laid out on A6 faces.

That nothing is clipped on paper is proven in Chromium (test_print_deck_browser.py);
these tests hold the selection and the layout's promises: every word lands on
some face, in order, and the backs sit behind their fronts.
"""

import re

import pytest

from cards import print_layout, views
from cards.print_layout import Block, html_blocks, mirrored, physical_cards, sheets

pytestmark = pytest.mark.django_db

BASE = "https://dealkennis.example"
LONG_ANSWER = " ".join(
    f"Zin {n} van een antwoord dat maar doorgaat tot het niet meer past." for n in range(60)
)


def printed(response):
    """The questions of the fronts, in printing order."""
    return re.findall(r'<h2 class="print-card-question">([^<]*)</h2>', response.content.decode())


def face_words(face):
    return " ".join(block.text for block in face.blocks).split()


def test_ticked_cards_print_in_the_order_ticked(client, make_card):
    first, second, _third = make_card(title="Een"), make_card(title="Twee"), make_card(title="Drie")
    response = client.get("/kaarten/afdrukken/", {"kaart": [second.slug, first.slug, second.slug]})
    assert printed(response) == [second.question, first.question]
    assert "overgeslagen" not in response.content.decode()


def test_unknown_and_invisible_cards_are_skipped_with_one_notice_that_names_none(client, make_card):
    public = make_card(title="Openbaar")
    internal = make_card(title="Binnenskamers", visibility="internal")
    draft = make_card(title="Concept", status="draft")
    ticked = [public.slug, internal.slug, "bestaat-niet", draft.slug, "<script>"]
    page = client.get("/kaarten/afdrukken/", {"kaart": ticked}).content.decode()
    assert printed_questions(page) == [public.question]
    assert "4 kaarten uit je selectie bestaan niet of zijn niet zichtbaar voor jou; overgeslagen." in page
    # Named nowhere but in the links that repeat the reader's own query string.
    deck = page.split('<div class="deck', 1)[1]
    assert "Binnenskamers" not in page and "Concept" not in page
    assert internal.slug not in deck and "bestaat-niet" not in deck and "script" not in deck


def test_ticking_more_cards_than_are_read_is_told_apart_from_skipped_ones(client, make_card):
    card = make_card(title="Openbaar")
    ticked = [card.slug, *(f"kaart-{n}" for n in range(views.SELECTION_READ))]
    page = client.get("/kaarten/afdrukken/", {"kaart": ticked}).content.decode()
    assert printed_questions(page) == [card.question]
    assert f"Je hebt meer dan {views.SELECTION_READ} kaarten aangevinkt" in page
    # Of the cards read, one is printed; the rest (not the ones never read) were skipped.
    assert f"{views.SELECTION_READ - 1} kaarten uit je selectie bestaan niet" in page


def test_ticking_as_many_cards_as_are_read_says_nothing_about_more(client, make_card):
    ticked = [make_card(title="Openbaar").slug, *(f"kaart-{n}" for n in range(views.SELECTION_READ - 1))]
    page = client.get("/kaarten/afdrukken/", {"kaart": ticked}).content.decode()
    assert "Je hebt meer dan" not in page


def printed_questions(page):
    return re.findall(r'<h2 class="print-card-question">([^<]*)</h2>', page)


def test_a_signed_in_civil_servant_can_print_an_internal_card(member_client, make_card):
    internal = make_card(title="Binnenskamers", visibility="internal")
    assert printed(member_client.get("/kaarten/afdrukken/", {"kaart": internal.slug})) == [internal.question]


def test_the_older_slug_parameter_still_prints_one_card(client, make_card):
    card, _other = make_card(), make_card()
    assert printed(client.get("/kaarten/afdrukken/", {"slug": card.slug})) == [card.question]


def test_submitting_the_selection_form_without_ticks_says_so_and_prints_nothing(client, make_card):
    make_card()
    response = client.get("/kaarten/afdrukken/", {"selectie": "1"})
    assert printed(response) == []
    assert "Je hebt geen kaarten aangevinkt." in response.content.decode()


def test_without_a_selection_every_card_of_the_filters_prints(client, make_card, other_programme):
    mine, _elsewhere = make_card(title="Hier"), make_card(title="Daar", programme=other_programme)
    programme = mine.programme.slug
    assert printed(client.get("/kaarten/afdrukken/", {"programme": programme})) == [mine.question]


def test_a_selection_over_the_limit_is_cut_with_a_dutch_message(client, make_card, monkeypatch):
    monkeypatch.setattr(views, "PRINT_LIMIT", 2)
    cards = [make_card() for _ in range(3)]
    response = client.get("/kaarten/afdrukken/", {"kaart": [card.slug for card in cards]})
    assert printed(response) == [cards[0].question, cards[1].question]
    assert (
        "Je kunt 2 kaarten tegelijk afdrukken; alleen de eerste 2 staan hieronder."
        in response.content.decode()
    )


def test_the_deck_reads_the_ticked_cards_in_one_query(client, make_card, django_assert_num_queries):
    slugs = [make_card().slug for _ in range(6)]
    with django_assert_num_queries(1):
        assert client.get("/kaarten/afdrukken/", {"kaart": slugs, "per_page": "2"}).status_code == 200


def test_two_or_four_cards_to_a_sheet_with_each_fronts_sheet_followed_by_its_backs(client, make_card):
    slugs = [make_card().slug for _ in range(5)]
    four = client.get("/kaarten/afdrukken/", {"kaart": slugs}).content.decode()
    two = client.get("/kaarten/afdrukken/", {"kaart": slugs, "per_page": "2"}).content.decode()
    assert 'class="deck deck-4"' in four and 'class="deck deck-2"' in two
    assert re.findall(r"sheet sheet-(\w+)", four) == ["front", "back"] * 2
    assert re.findall(r"sheet sheet-(\w+)", two) == ["front", "back"] * 3


def test_backs_are_mirrored_so_they_lie_behind_their_fronts_when_turned_on_the_long_edge(make_card):
    cards = [make_card(title=f"Kaart {n}") for n in range(3)]
    front, back = sheets(cards, 4, BASE)
    assert [face.card for face in front.faces[:3]] == cards and front.faces[3] is None
    # Left and right swap on the back; the rows stay.
    assert [face and face.card for face in back.faces] == [cards[1], cards[0], None, cards[2]]
    assert [mirrored(slot, 2) for slot in range(2)] == [0, 1]
    assert {face.side for face in back.faces if face} == {"back"}


def test_a_short_card_keeps_the_largest_type_and_one_card(make_card):
    [(front, back)] = physical_cards([make_card()], BASE)
    assert (front.side, back.side, back.step, back.parts) == ("front", "back", 0, 1)


def test_a_longer_back_gets_a_smaller_type_step_before_it_continues(make_card):
    card = make_card(answer=" ".join(["Een zin die de kaart langzaam vult."] * 28))
    [(_front, back)] = physical_cards([card], BASE)
    assert back.step > 0 and back.parts == 1


def test_a_back_too_long_for_any_step_continues_on_extra_cards_and_loses_no_word(make_card):
    body = (
        "Eerste alinea met **vet**.\n\n- een punt\n- nog een punt\n\n" + "Lange alinea zonder einde. " * 150
    )
    card = make_card(answer=LONG_ANSWER, body=body)
    pairs = physical_cards([card], BASE)
    faces = [face for pair in pairs for face in pair if face and face.side != "front"]
    assert len(pairs) > 2 and [face.number for face in faces] == list(range(1, len(faces) + 1))
    assert all(face.step == print_layout.BACK_STEPS.index(print_layout.CONTINUED_STEP) for face in faces)
    words = [word for face in faces for word in face_words(face)]
    expected = [
        "Antwoord",
        *LONG_ANSWER.split(),
        "Ervaring",
        *print_layout.html_to_text(card.body_html).split(),
    ]
    assert words == expected
    # Every face fits the room the estimate allows.
    room = print_layout._room_pt(print_layout.header_text(card), print_layout.footer_text(card, BASE))
    for face in faces:
        assert sum(block.height_pt(print_layout.CONTINUED_STEP) for block in face.blocks) <= room
        assert face.blocks[-1].kind != "h", "a heading never ends a face"


def test_a_word_longer_than_a_line_is_counted_over_several_lines():
    assert print_layout._lines("x" * 200, 89, 9.5) >= 3
    assert print_layout._lines("kort", 89, 9.5) == 1


def test_lists_are_split_into_items_and_numbered_lists_keep_their_numbers():
    html = "<p>Eerst <strong>dit</strong>.</p>\n<ol>\n<li>een</li>\n<li>twee</li>\n</ol>\n<hr>\n"
    html += "<ul><li>los</li></ul>"
    blocks = html_blocks(html)
    assert [block.kind for block in blocks] == ["p", "li", "li", "li"]
    assert blocks[0].html == "<p>Eerst <strong>dit</strong>.</p>"
    assert blocks[2].html == '<ol start="2"><li>twee</li></ol>'
    assert blocks[3].html == "<ul><li>los</li></ul>"


def test_a_line_wholly_in_bold_is_a_heading_that_never_ends_a_face():
    blocks = html_blocks("<p><strong>Tips uit de workshop</strong></p><p>Eerst <strong>dit</strong>.</p>")
    assert [block.kind for block in blocks] == ["h", "p"]
    # The bold line would fit as the last block of the first face; it goes along with its tips.
    room = Block("", "woord " * 30).height_pt(9.5) + blocks[0].height_pt(9.5)
    faces = print_layout._fill([Block("", "woord " * 30), blocks[0], Block("", "tip " * 30, "li")], 9.5, room)
    assert [[block.kind for block in face] for face in faces] == [["p"], ["h", "li"]]


def test_a_heading_block_height_grows_with_its_text():
    short, long = Block("", "Kort"), Block("", "woord " * 100)
    assert long.height_pt(9.5) > short.height_pt(9.5) > 0


def test_card_lists_and_search_results_offer_a_checkbox_per_card_and_the_selection_form(
    client, make_card, make_lesson
):
    card = make_card(title="Afdrukbaar")
    make_lesson(title="Afdrukbaar les")
    for path in ("/kaarten/", "/zoeken/?q=afdrukbaar"):
        page = client.get(path).content.decode()
        assert f'name="kaart" value="{card.slug}" form="print-selection"' in page, path
        assert page.count('name="kaart"') == 1, path  # none for the lesson
        assert '<form id="print-selection"' in page and 'name="selectie"' in page, path
        assert "Druk selectie af" in page and "Alle kaarten afdrukken" in page, path
    assert 'name="kaart"' not in client.get("/lessen/").content.decode()


def test_printing_is_offered_only_where_there_are_cards_to_print(
    client, make_card, make_lesson, other_programme
):
    make_card(title="Afdrukbaar")
    make_lesson(title="Alleen een les over vergunningen")
    empty_list = client.get("/kaarten/", {"programme": other_programme.slug}).content.decode()
    lessons_only = client.get("/zoeken/", {"q": "vergunningen"}).content.decode()
    assert "Alleen een les over vergunningen" in lessons_only
    for page in (empty_list, lessons_only):
        assert "Alle kaarten afdrukken" not in page and "Druk selectie af" not in page
    deck = client.get("/kaarten/afdrukken/", {"programme": other_programme.slug}).content.decode()
    assert "Geen kaarten in deze selectie." in deck and "Nu afdrukken" not in deck


def test_quotes_code_and_tables_are_measured_as_the_card_shows_them():
    quote, code, table = html_blocks(
        "<blockquote><p>Geciteerd.</p></blockquote>\n<pre><code>een\ntwee &amp; drie\n</code></pre>\n"
        "<table><tr><th>wie</th><td>wat</td></tr></table>"
    )
    assert (quote.kind, code.kind, code.text, table.text) == ("quote", "pre", "een\ntwee & drie", "wie\nwat")
    # Each line of code and each cell starts a line of its own.
    assert code.height_pt(10) > Block("", "een twee & drie", "pre").height_pt(10)
