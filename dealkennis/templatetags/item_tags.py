"""A card or lesson wherever it is listed: its summary in a list, a search hit, its kind and classification.

Tags rather than included templates: a results or list page shows twenty
items, and rendering these few lines through the template engine cost ten
times what the tags do (measured on the 2-core machine: 0.5 ms per item for
an included summary, 0.5 ms for its classification alone), most of a cold
page's template time. The markup lives here only.
"""

import functools
import html
import re

from django import template
from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from dealkennis.classification import VOCABULARIES

register = template.Library()

# Per axis: the anchor of its explanation on the learning page, and what a screen reader hears first.
AXES = (
    ("stream", "stroming", _lazy("Leerstroming:")),
    ("mode", "leervorm", _lazy("Leervorm:")),
    ("order", "orde", _lazy("Orde:")),
    ("level", "niveau", _lazy("Niveau:")),
)


@register.simple_tag
def item_summary(item, pick=False):
    """An item in a list: kind, question (cards) or title, summary and classification.

    With `pick`, a card gets a checkbox for the print deck (see print_pick).
    """
    return _summary("article", item, "utrecht-paragraph", item.summary, pick=pick)


@register.simple_tag
def search_hit(hit, pick=False):
    """A search result: kind, title, the snippet with its highlights, how it was found, classification.

    With `pick`, a card gets a checkbox for the print deck (see print_pick).
    """
    meaning = _meaning_note(get_language()) if hit.by_meaning else ""
    return _summary("li", hit.item, "snippet utrecht-paragraph", hit.snippet, meaning, pick)


def _summary(element, item, text_class, text, note="", pick=False):
    """An item as listed anywhere, with `text` (its summary or a snippet) under its title."""
    pick = print_pick(item) if pick else ""
    return mark_safe(  # noqa: S308 - every value is escaped here or by the helpers
        f'<{element} class="item-summary item-{escaped(item.kind)}">\n  {item_kind(item)}\n'
        f'  <h3 class="utrecht-heading-3" lang="nl"><a class="utrecht-link"'
        f' href="{escaped(_detail_url(item))}">{escaped(item.display_title)}</a></h3>\n'
        f'  <p class="{text_class}" lang="nl">{escaped(text)}</p>\n'
        f"  {note}{item_labels(item)}{pick}\n</{element}>"
    )


def print_pick(item):
    """A checkbox that ticks a card for the print deck.

    It belongs to the page's form "print-selection" (includes/print_selection.html)
    by its `form` attribute, so the form need not surround the list.
    """
    if item.kind != "card":
        return ""
    # Search results do not load a card's question: its title names it.
    return mark_safe(  # noqa: S308 - every value is escaped
        f'\n  <p class="print-pick"><label><input type="checkbox" name="kaart" value="{escaped(item.slug)}"'
        f' form="print-selection"> {escaped(_pick_label(get_language()))}'
        f'<span class="visually-hidden">: {escaped(item.title)}</span></label></p>'
    )


@register.simple_tag
def item_kind(item):
    """ "Inspiratiekaart · Green Deals", and a badge when the item is internal."""
    language = get_language()
    kind = f"{escaped(_kind_label(language, item._meta.model))} · {escaped(item.programme.name)}"
    badge = _internal_badge(language) if item.is_internal else ""
    return mark_safe(f'<p class="item-kind">{kind}{badge}</p>')  # noqa: S308 - every value is escaped


def shown_number(count):
    """What the template engine shows for a number: plain digits unless thousands are grouped."""
    return localize(count) if settings.USE_THOUSAND_SEPARATOR else str(count)


def escaped(value):
    """As `conditional_escape`, without the wrapper that makes Django's `escape` lazy-aware.

    `format_html` spent most of a result's time in that wrapper.
    """
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


@register.simple_tag
def item_labels(item):
    """The item's classification as labels, each linking to its explanation on the learning page."""
    chosen = [(axis, getattr(item, axis)) for axis, _anchor, _hidden in AXES if getattr(item, axis)]
    if not chosen:
        return ""
    language, prefix = get_language(), get_script_prefix()
    labels = "\n".join(_label(language, prefix, axis, value) for axis, value in chosen)
    return mark_safe(f"{_labels_start(language)}\n{labels}\n</ul>")  # noqa: S308 - parts escaped below


# Slugs as the detail pages' URL patterns take them (Django's "slug" converter).
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def _detail_url(item):
    """The item's `get_absolute_url`, without a `reverse` per result: its page's URL around the slug."""
    if not SLUG.fullmatch(item.slug):
        return item.get_absolute_url()
    before, after = _detail_url_parts(get_script_prefix(), item._meta.model)
    return f"{before}{item.slug}{after}"


@functools.cache
def _detail_url_parts(script_prefix, model):
    return tuple(model(slug="slug-of-the-item").get_absolute_url().split("slug-of-the-item"))


@functools.cache
def _meaning_note(language):
    text = _("Gevonden op betekenis: de tekst gebruikt andere woorden dan je zoekvraag.")
    return f'<p class="found-by-meaning utrecht-paragraph">{html.escape(text)}</p>\n  '


@functools.cache
def _internal_badge(language):
    return f' · <span class="internal-badge">{html.escape(_("Intern"))}</span>'


@functools.cache
def _pick_label(language):
    return _("Kies om af te drukken")


# Labels and links are the same for every item with the same value: each is
# translated and reversed once per process, language and prefix the site is
# mounted under (a handful of each), not once per item shown.


@functools.cache
def _kind_label(language, model):
    return str(model._meta.verbose_name).capitalize()  # as the models' kind_label


@functools.cache
def _labels_start(language):
    return format_html('<ul class="labels" aria-label="{}">', _("Classificatie"))


@functools.cache
def _label(language, script_prefix, axis, value):
    anchor, hidden = next((anchor, hidden) for name, anchor, hidden in AXES if name == axis)
    return format_html(
        '  <li><a class="label" href="{}#{}-{}"><span class="visually-hidden">{} </span>{}</a></li>',
        reverse("learning"),
        anchor,
        value,
        hidden,
        VOCABULARIES[axis](value).label,
    )
