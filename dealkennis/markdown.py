"""Markdown to safe HTML, done once when an item is saved."""

from html import unescape

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


def render_markdown(text: str) -> str:
    html = markdown_lib.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    # Python-Markdown passes raw HTML through, so sanitising afterwards is what
    # keeps editors' and contributors' input from reaching readers as script.
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def html_to_text(html: str) -> str:
    """Plain text of sanitised HTML, with block boundaries kept as spaces."""
    spaced = html.replace("</", " </").replace("<br", " <br")
    return " ".join(unescape(nh3.clean(spaced, tags=set())).split())


def plain_text(text: str) -> str:
    """Text with any markup removed, for fields that are plain text by design.

    Pages escape these fields anyway; stripping markup on save also keeps it
    out of feeds and the API, whose consumers may not escape. The text is
    stored unescaped, so "a < b" stays readable; an entity that decodes into a
    tag ("&lt;img onerror=…&gt;") is therefore stripped again, until nothing
    changes. Every round that changes the text makes it shorter, so this ends.
    """
    text = (text or "").strip()
    while True:
        stripped = unescape(nh3.clean(text, tags=set())).strip()
        if stripped == text:
            return text
        text = stripped
