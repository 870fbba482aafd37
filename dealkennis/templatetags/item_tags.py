"""A card or lesson wherever it is listed: its summary in a list, a search hit, its kind and classification.

Tags rather than included templates: a results or list page shows twenty
items, and rendering these few lines through the template engine cost ten
times what the tags do (measured on the 2-core machine: 0.5 ms per item for
an included summary, 0.5 ms for its classification alone), most of a cold
page's template time. The markup lives here only.
"""

import functools

from django import template
from django.urls import get_script_prefix, reverse
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
    return format_html(
        '<article class="item-summary item-{}">\n  {}\n  <h3 class="utrecht-heading-3" lang="nl">'
        '<a class="utrecht-link" href="{}">{}</a></h3>\n  <p class="utrecht-paragraph" lang="nl">{}</p>\n'
        "  {}{}\n</article>",
        item.kind,
        item_kind(item),
        item.get_absolute_url(),
        item.display_title,
        item.summary,
        item_labels(item),
        print_pick(item) if pick else "",
    )


@register.simple_tag
def search_hit(hit, pick=False):
    """A search result: kind, title, the snippet with its highlights, how it was found, classification.

    With `pick`, a card gets a checkbox for the print deck (see print_pick).
    """
    item = hit.item
    meaning = (
        format_html(
            '<p class="found-by-meaning utrecht-paragraph">{}</p>\n  ',
            _("Gevonden op betekenis: de tekst gebruikt andere woorden dan je zoekvraag."),
        )
        if hit.by_meaning
        else ""
    )
    return format_html(
        '<li class="item-summary item-{}">\n  {}\n  <h3 class="utrecht-heading-3" lang="nl">'
        '<a class="utrecht-link" href="{}">{}</a></h3>\n'
        '  <p class="snippet utrecht-paragraph" lang="nl">{}</p>\n  {}{}{}\n</li>',
        item.kind,
        item_kind(item),
        item.get_absolute_url(),
        item.display_title,
        hit.snippet,
        meaning,
        item_labels(item),
        print_pick(item) if pick else "",
    )


def print_pick(item):
    """A checkbox that ticks a card for the print deck.

    It belongs to the page's form "print-selection" (includes/print_selection.html)
    by its `form` attribute, so the form need not surround the list.
    """
    if item.kind != "card":
        return ""
    return format_html(
        '\n  <p class="print-pick"><label><input type="checkbox" name="kaart" value="{}"'
        ' form="print-selection"> {}<span class="visually-hidden">: {}</span></label></p>',
        item.slug,
        _("Kies om af te drukken"),
        item.title,  # search results do not load the question
    )


@register.simple_tag
def item_kind(item):
    """ "Inspiratiekaart · Green Deals", and a badge when the item is internal."""
    kind = _kind_label(get_language(), item._meta.model)
    if item.is_internal:
        return format_html(
            '<p class="item-kind">{} · {} · <span class="internal-badge">{}</span></p>',
            kind,
            item.programme.name,
            _("Intern"),
        )
    return format_html('<p class="item-kind">{} · {}</p>', kind, item.programme.name)


@register.simple_tag
def item_labels(item):
    """The item's classification as labels, each linking to its explanation on the learning page."""
    chosen = [(axis, getattr(item, axis)) for axis, _anchor, _hidden in AXES if getattr(item, axis)]
    if not chosen:
        return ""
    language, prefix = get_language(), get_script_prefix()
    labels = "\n".join(_label(language, prefix, axis, value) for axis, value in chosen)
    return mark_safe(f"{_labels_start(language)}\n{labels}\n</ul>")  # noqa: S308 - parts escaped below


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
