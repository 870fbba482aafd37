"""Cards laid out as true A6 faces on A4 sheets, decided on the server.

Printing must work without JavaScript, so nothing can be measured in the
browser: the text's height is estimated here from its length, with a font
whose widths are known (Arial and its metric twin Liberation Sans, see
deck.css) and a generous average character width. A card's back (answer and
experience) gets the largest of three type steps at which it fits one face;
if it fits none, it continues on an extra card ("vervolg") at the middle step.
The browser test renders the deck to PDF and proves that nothing is clipped.

Double-sided printing: every sheet of fronts is followed by a sheet of backs
in which the columns are mirrored. Turned over on the long edge, the left
column of an A4 portrait sheet lies behind the right one, so each back lands
behind its own front.
"""

import re
from dataclasses import dataclass, field
from html import escape, unescape
from html.parser import HTMLParser

import nh3
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from dealkennis.markdown import html_to_text, render_markdown

PT_PER_MM = 72 / 25.4
CARD_WIDTH_MM, CARD_HEIGHT_MM = 105, 148
PADDING_MM = 8  # also keeps text clear of the unprintable edge of most printers
LINE_HEIGHT = 1.3
# Measured in Chromium with Liberation Sans over the demo cards' texts: 0.45 em
# per character on average, 0.48 at most (a short question full of capitals); 0.47
# is used: over a line of sixty characters the mean holds well, and SAFETY
# absorbs the rest (bold words, a line of capitals). Word wrapping is simulated by _lines.
CHAR_WIDTH_EM = 0.47
LIST_INDENT_MM = 5
SMALL_PT = 8  # the kind line and the footer: still readable
# Type steps for the back (body text in pt); a continued back uses the middle one.
BACK_STEPS = (10.5, 9.5, 8.5)
CONTINUED_STEP = BACK_STEPS[1]
FRONT_STEPS = (18, 15, 13)
# Only this share of a face's estimated room is filled, against estimation errors.
SAFETY = 0.93


def _lines(text, width_mm, size_pt):
    """Lines a text needs when wrapped greedily at `width_mm` in `size_pt` type."""
    per_line = max(1, int(width_mm * PT_PER_MM / (size_pt * CHAR_WIDTH_EM)))
    lines, used = 1, 0
    for word in text.split():
        # A word longer than a line (a URL) is broken over as many lines as it needs.
        while len(word) > per_line:
            lines += 1 if used else 0
            lines += 1
            word = word[per_line:]
            used = 0
        needed = len(word) + (1 if used else 0)
        if used + needed > per_line:
            lines += 1
            used = len(word)
        else:
            used += needed
    return lines


@dataclass
class Block:
    """One paragraph, list item or heading of a face, as safe HTML and as plain text."""

    html: str
    text: str
    # "p"; "li" and "quote" (indented); "pre" (its own line breaks kept);
    # "h" (a bold heading, kept with what follows)
    kind: str = "p"

    def height_pt(self, size_pt):
        indented = self.kind in ("li", "quote", "pre")
        width = CARD_WIDTH_MM - 2 * PADDING_MM - (LIST_INDENT_MM if indented else 0)
        gap = size_pt * (0.25 if self.kind == "li" else 0.6)
        lines = sum(_lines(line, width, size_pt) for line in self.text.split("\n"))
        return lines * size_pt * LINE_HEIGHT + gap


@dataclass
class Face:
    """One side of one A6 card."""

    side: str  # "front" or "back"
    card: object
    step: int = 0  # index into the type steps: 0 is the largest
    blocks: list = field(default_factory=list)
    part: int = 0  # 0: the card's first back; 1, 2, ...: a continuation
    parts: int = 1

    @property
    def html(self):
        # Every block is sanitised HTML or escaped text (see Block).
        return mark_safe("\n".join(block.html for block in self.blocks))  # noqa: S308

    @property
    def number(self):
        return self.part + 1


@dataclass
class Sheet:
    side: str
    faces: list  # one per slot, None where the slot stays empty


def _room_pt(header, footer):
    """Height left for blocks on a face: the card minus padding, its header line and footer."""
    width = CARD_WIDTH_MM - 2 * PADDING_MM
    # The footer may start with a line of its own ("Lees verder op de volgende kaart.").
    lines = _lines(header, width, SMALL_PT) + _lines(footer, width, SMALL_PT) + 1
    used = lines * SMALL_PT * LINE_HEIGHT + 2 * SMALL_PT  # plus the gaps under and above them
    return ((CARD_HEIGHT_MM - 2 * PADDING_MM) * PT_PER_MM - used) * SAFETY


class _TopLevel(HTMLParser):
    """Splits sanitised HTML into its top-level elements, and lists into their items."""

    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.depth, self.parts, self.current, self.lists = 0, [], [], []

    def handle_starttag(self, tag, attrs):
        if self.depth == 0 and tag in ("br", "hr"):
            return  # a rule between blocks: the faces' own gaps do its work
        if self.depth == 0 and tag in ("ul", "ol"):
            self.lists.append(tag)
            self.depth += 1
            return
        self.current.append(self.get_starttag_text())
        if tag not in ("br", "hr"):
            self.depth += 1

    def handle_startendtag(self, tag, attrs):
        if self.depth:
            self.current.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if self.lists and self.depth == 1 and tag == self.lists[-1]:
            self.lists.pop()
            self.depth = 0
            return
        self.current.append(f"</{tag}>")
        self.depth -= 1
        if self.depth == (1 if self.lists else 0):
            self.parts.append((self.lists[-1] if self.lists else None, "".join(self.current)))
            self.current = []

    def handle_data(self, data):
        if self.depth > (1 if self.lists else 0):
            self.current.append(data)

    def handle_entityref(self, name):
        self.handle_data(f"&{name};")

    def handle_charref(self, name):
        self.handle_data(f"&#{name};")


HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BOLD_LINE = re.compile(r"<p>\s*<(strong|b)>[^<]*</\1>\s*</p>")


def html_blocks(html):
    """Blocks of sanitised HTML: each paragraph, heading and list item on its own."""
    parser = _TopLevel()
    parser.feed(html)
    parser.close()
    blocks, number = [], 0
    for in_list, part in parser.parts:
        text = html_to_text(part)
        if not text:
            continue
        if in_list:
            # A list item alone in its own list, so that it can go to the next face.
            number = number + 1 if in_list == "ol" else 0
            start = f' start="{number}"' if in_list == "ol" else ""
            blocks.append(Block(f"<{in_list}{start}>{part}</{in_list}>", text, "li"))
        else:
            number = 0
            tag = re.match(r"<(\w+)", part).group(1)
            kind = {"blockquote": "quote", "pre": "pre"}.get(tag, "h" if tag in HEADINGS else "p")
            if kind == "p" and BOLD_LINE.fullmatch(part):
                # A line wholly in bold ("**Tips uit de workshop**") is written as a heading.
                kind = "h"
            if kind == "pre":
                text = unescape(nh3.clean(part, tags=set())).strip("\n")
            elif tag == "table":
                # deck.css stacks a table's cells, each on lines of its own.
                cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", part, flags=re.S)
                text = "\n".join(html_to_text(cell) or "-" for cell in cells) or text
            blocks.append(Block(part, text, kind))
    return blocks


def _split(block, size_pt, first_room, room):
    """A block too tall for what is left, as plain-text pieces: the first fills `first_room`."""
    pieces, current, limit = [], [], first_room
    for word in block.text.split():
        candidate = Block("", " ".join([*current, word]), block.kind)
        if candidate.height_pt(size_pt) > limit and (current or limit < room):
            pieces.append(current)
            current, limit = [word], room
        else:
            current.append(word)
    pieces.append(current)
    # The pieces' inline markup (bold, links) is given up: plain words never break a tag.
    html = {"li": "<ul><li>{}</li></ul>", "quote": "<blockquote><p>{}</p></blockquote>"}.get(
        block.kind, "<p>{}</p>"
    )
    return [
        Block(html.format(escape(" ".join(piece))), " ".join(piece), block.kind) for piece in pieces if piece
    ]


def _fill(blocks, size_pt, room):
    """Blocks packed greedily into faces of `room` points; a heading never ends a face.

    A block taller than a whole face is split at word boundaries, starting in
    the room left on the face it begins on.
    """
    faces, current, height = [], [], 0.0
    queue = list(blocks)
    while queue:
        block = queue.pop(0)
        needed = block.height_pt(size_pt)
        if needed > room:
            queue[:0] = _split(block, size_pt, room - height, room)
            block = queue.pop(0)
            needed = block.height_pt(size_pt)
        if current and height + needed > room:
            carried = [current.pop()] if current[-1].kind == "h" else []
            if current:
                faces.append(current)
            current, height = carried, sum(each.height_pt(size_pt) for each in carried)
        current.append(block)
        height += needed
    faces.append(current)
    return faces


def _heading(text):
    return Block(f'<h3 class="print-card-heading">{escape(text)}</h3>', text, "h")


def back_blocks(card):
    """The back: the answer, then the experience behind it."""
    blocks = [_heading(_("Antwoord"))]
    blocks += [Block(f"<p>{escape(part)}</p>", part) for part in card.answer.split("\n") if part.strip()]
    experience = html_blocks(card.body_html or render_markdown(card.body))
    if experience:
        blocks.append(_heading(_("Ervaring")))
        blocks += experience
    return blocks


def footer_text(card, base_url):
    return f"{_('Meer:')} {base_url}{card.get_absolute_url()}"


def header_text(card):
    """The back's top line (the longest form, of a continuation): which card this is."""
    return f"{_('Vervolg')} · {card.title} · 9/9"


def card_faces(card, base_url):
    """Front and back faces of one card, with as many continuation faces as its back needs."""
    footer = footer_text(card, base_url)
    # The question shares the front with the kind line, the labels and the footer.
    front_room = _room_pt(f"{card.programme.name} · 00", footer) * 0.7
    question = Block("", card.question)
    sizes = range(len(FRONT_STEPS) - 1)
    front_step = next((i for i in sizes if question.height_pt(FRONT_STEPS[i]) <= front_room), len(sizes))
    faces = [Face("front", card, front_step)]
    blocks = back_blocks(card)
    room = _room_pt(header_text(card), footer)
    for step, size in enumerate(BACK_STEPS):
        if sum(block.height_pt(size) for block in blocks) <= room:
            return [*faces, Face("back", card, step, blocks)]
    pages = _fill(blocks, CONTINUED_STEP, room)
    step = BACK_STEPS.index(CONTINUED_STEP)
    for number, page in enumerate(pages):
        faces.append(Face("back" if number == 0 else "more", card, step, page, number, len(pages)))
    return faces


def physical_cards(cards, base_url):
    """(front, back) pairs of faces: a card with a continued back fills more than one."""
    pairs = []
    for card in cards:
        faces = card_faces(card, base_url)
        pairs.append((faces[0], faces[1]))
        rest = faces[2:]
        # A continuation card carries text on both sides: read its front, then turn it over.
        for index in range(0, len(rest), 2):
            pairs.append((rest[index], rest[index + 1] if index + 1 < len(rest) else None))
    return pairs


def mirrored(slot, per_page):
    """The slot behind `slot` when the sheet is turned over on its long edge."""
    if per_page == 4:
        return slot ^ 1  # the two columns swap; rows stay
    return slot  # one centred column: symmetric


def sheets(cards, per_page, base_url):
    """Sheets in printing order: fronts, then their backs mirrored, and so on."""
    pairs = physical_cards(cards, base_url)
    result = []
    for start in range(0, len(pairs), per_page):
        group = pairs[start : start + per_page]
        group += [(None, None)] * (per_page - len(group))
        result.append(Sheet("front", [front for front, _back in group]))
        result.append(Sheet("back", [group[mirrored(slot, per_page)][1] for slot in range(per_page)]))
    return result
