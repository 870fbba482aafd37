"""The facets beside the search results, as a tag rather than template loops.

A results page lists some forty facet values; rendering each through the
template engine cost about as much as the twenty results beside them (see
`item_tags`), and even `format_html` spent most of its time in Django's lazy
string handling. The markup lives here only; the links come from
`dealkennis.web.search.facet_groups`.
"""

import functools
import html

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dealkennis.templatetags.item_tags import escaped, shown_number

register = template.Library()

# What marks a chosen value: its class, and the attribute screen readers announce.
ACTIVE = (" facet-active", ' aria-current="true"')


@register.simple_tag
def facet_group(group):
    """One facet beside the search results: its values, each a link that toggles it, with its count."""
    language, options = get_language(), []
    for option in group["options"]:
        active = option["active"]
        chosen = ACTIVE if active else ("", "")
        options.append(
            f'\n          <li><a class="utrecht-link{chosen[0]}"'
            f' href="{escaped(option["url"])}"{chosen[1]}>'
            f"{_remove_label(language) if active else ''}{escaped(option['label'])}"
            f' <span class="count">({shown_number(option["count"])})</span></a></li>'
        )
    name = escaped(group["name"])
    return mark_safe(  # noqa: S308 - every value is escaped above and here
        f'<section class="facet" aria-labelledby="facet-{name}">\n        <h3 class="utrecht-heading-3"'
        f' id="facet-{name}">{escaped(group["label"])}</h3>\n        <ul>{"".join(options)}\n'
        "        </ul>\n      </section>"
    )


@functools.cache
def _remove_label(language):
    return f'<span class="visually-hidden">{html.escape(_("Filter weghalen:"))} </span>✓ '
