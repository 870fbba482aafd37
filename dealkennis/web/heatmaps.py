"""The two heatmaps of the learning matrix (order × level, stream × mode), as tags rather than template loops.

The programme pages, `/leren/`, the home page and the search page without a
query show them: sixteen cells, each with a count, two links and the
explanations, looked up variable by variable in the template engine. As with
the search results (`item_tags`, `search_tags`), the markup is built here with
the standard library's escaping; the HTML is the one the templates made. The
cells and their links come from `dealkennis.web.matrix.learning_matrix`. A
template library of the upper layer (`TEMPLATES` names it), not of the core:
on `/leren/` each cell carries the follows app's button.
"""

import functools

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dealkennis.templatetags.item_tags import escaped, shown_number
from follows.templatetags.follow_tags import follow_button

register = template.Library()


@register.simple_tag(takes_context=True)
def order_heatmap(context):
    """What you learn about: a row per order, a column per level."""
    matrix = _matrix(context)
    columns = "".join(_column(level.label) for level in matrix["levels"])
    rows = []
    for row in matrix["orders"]:
        cells = "".join(
            _cell(context, cell, {"order": row["code"], "level": cell["level"]}) for cell in row["cells"]
        )
        rows.append(
            '\n    <tr class="utrecht-table__row">\n      <th class="utrecht-table__header-cell" scope="row">'
            f'{escaped(row["label"])}<br><span class="matrix-question">{escaped(row["question"])}</span></th>'
            f"\n      {cells}\n    </tr>\n    "
        )
    head = (
        '<tr class="utrecht-table__row">\n      <th class="utrecht-table__header-cell" scope="col">'
        f"{_texts(get_language())['order']}</th>\n      {columns}\n    </tr>"
    )
    return _table(context, _texts(get_language())["orders_caption"], head, rows, matrix["order_legend"])


@register.simple_tag(takes_context=True)
def stream_heatmap(context):
    """How you learn: a row per stream, a column per mode."""
    matrix = _matrix(context)
    show_texts = context.get("show_texts")
    columns = "".join(_column(mode.label) for mode in matrix["modes"])
    rows = []
    for stream in matrix["streams"]:
        label = escaped(stream["label"])
        heading = f'<th class="utrecht-table__header-cell" scope="row">{label}</th>'
        if show_texts:
            heading = (
                '<th class="utrecht-table__header-cell" scope="row"'
                f' id="stroming-{escaped(stream["code"].value)}">'
                f'{label}<br><span class="matrix-question">{escaped(stream["core"])}</span>'
                f'<br><span class="muted">{escaped(stream["network"])}</span></th>'
            )
        cells = "".join(
            _cell(context, cell, {"stream": stream["code"], "mode": cell["mode"]}, follow_first=True)
            for cell in stream["cells"]
        )
        rows.append(f'\n    <tr class="utrecht-table__row">\n      {heading}\n      {cells}\n    </tr>\n    ')
    head = (
        f'<tr class="utrecht-table__row"><th class="utrecht-table__header-cell" scope="col">'
        f"{_texts(get_language())['stream']}</th>{columns}</tr>"
    )
    return _table(context, _texts(get_language())["streams_caption"], head, rows, matrix["stream_legend"])


def _matrix(context):
    # A programme page passes a callable, for the template engine to call when its cache misses.
    matrix = context["matrix"]
    return matrix() if callable(matrix) else matrix


def _table(context, caption, head, rows, legend):
    programme = context.get("programme")
    if programme:
        caption += f" — {escaped(programme.name)}"
    return mark_safe(  # noqa: S308 - every value is escaped where it is put in
        '<div class="table-scroll"><table class="utrecht-table utrecht-table--html-table matrix heatmap">\n'
        f'  <caption class="utrecht-table__caption">{caption}</caption>\n'
        f'  <thead class="utrecht-table__header">\n    {head}\n  </thead>\n'
        f'  <tbody class="utrecht-table__body">\n    {"".join(rows)}\n  </tbody>\n'
        f"</table></div>\n{_legend(legend)}\n"
    )


def _column(label):
    return f'<th class="utrecht-table__header-cell" scope="col">{escaped(label)}</th>'


def _cell(context, cell, topic, follow_first=False):
    """One cell: its explanation (on `/leren/`), its count linking to the search, and the invitation if empty.

    `follow_first`: the follow button before the invitation (as in the stream table), not after it.
    """
    texts = _texts(get_language())
    place = escaped(cell["place"])
    explanation = (
        f'<p class="utrecht-paragraph">{escaped(cell["text"])}</p>' if context.get("show_texts") else ""
    )
    empty = ""
    if not cell["count"]:
        empty = (
            f'<p class="utrecht-paragraph heat-empty"><strong>{texts["nobody"]}</strong>'
            f' <a class="utrecht-link share-link" href="{escaped(cell["share_url"])}">{texts["share"]}'
            f'<span class="visually-hidden">: {place}</span></a></p>'
        )
    follow = ""
    if context.get("follow"):
        follow = follow_button(context, "cell", only_signed_in=True, **topic)
    after_count = (follow, empty) if follow_first else (empty, follow)
    return (
        f'\n      <td class="utrecht-table__cell heat heat-{cell["shade"]}">\n        {explanation}\n'
        f'        <a href="{escaped(cell["url"])}" class="utrecht-link matrix-link">'
        f"{escaped(cell['count_label'])}"
        f'<span class="visually-hidden">: {place}</span></a>\n'
        f"        {after_count[0]}\n        {after_count[1]}\n      </td>\n      "
    )


def _legend(legend):
    steps = []
    for step in legend:
        low, high = shown_number(step["low"]), shown_number(step["high"])
        shown = low if low == high else f"{low}–{high}"
        steps.append(f' <span class="heat-swatch heat-{step["shade"]}">{shown}</span>')
    legend = _texts(get_language())["legend"]
    return f'<p class="utrecht-paragraph heat-legend"><span>{legend}</span>{"".join(steps)}</p>'


@functools.cache
def _texts(language):
    """The tables' fixed words in `language`, escaped once per process."""
    return {
        name: escaped(text)
        for name, text in {
            "orders_caption": _("Waarover je leert: orde × niveau"),
            "streams_caption": _("Hoe je leert: stroming × leervorm"),
            "order": _("Orde"),
            "stream": _("Stroming"),
            "nobody": _("Hier leert nog niemand."),
            "share": _("Deel een ervaring"),
            "legend": _("Kleur naar aantal items per vak:"),
        }.items()
    }
