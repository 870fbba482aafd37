"""The learning matrix: visible items counted per order x level and per stream x mode, with search links.

Both tables are drawn as heatmaps: each cell is shaded by its count relative
to the table's fullest cell, always with the number written in it, and an
empty cell invites the reader to share an experience classified just so.
"""

import functools
import math
from collections import Counter
from urllib.parse import urlencode

from django.db.models import Sum
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from dealkennis import framework
from dealkennis.caching import ContentVersion
from dealkennis.classification import ORDER_QUESTIONS, Level, Mode, Order, Stream
from dealkennis.filters import echoed
from dealkennis.matrixcounts import MatrixCount


def programme_from(request, programmes):
    slug = request.GET.get("programme", "")
    programme = next((p for p in programmes if p.slug == slug), None)
    notices = []
    if slug and programme is None:
        notices.append(
            _("Het programma “%(value)s” bestaat niet; alle programma's worden getoond.")
            % {"value": echoed(slug)}
        )
    return programme, notices


def learning_matrix(user, programme=None, version=None):
    """Counts of visible items per order x level and per stream x mode, with search links."""
    cell_counts, stream_counts = ContentVersion.cached(
        "matrix",
        user,
        [programme.slug if programme else ""],
        lambda: _matrix_counts(user, programme),
        version=version,
    )
    orders, streams = _layout(get_language(), get_script_prefix(), programme.slug if programme else None)

    def counted(cell, count):
        return {**cell, "count": count, "count_label": _count_label(count)}

    orders = [
        {**row, "cells": [counted(cell, cell_counts[row["code"], cell["level"]]) for cell in row["cells"]]}
        for row in orders
    ]
    streams = [
        {**row, "cells": [counted(cell, stream_counts[row["code"], cell["mode"]]) for cell in row["cells"]]}
        for row in streams
    ]
    return {
        "orders": orders,
        "streams": streams,
        "levels": list(Level),
        "modes": list(Mode),
        "order_legend": _shade(row["cells"] for row in orders),
        "stream_legend": _shade(stream["cells"] for stream in streams),
    }


@functools.lru_cache(maxsize=64)
def _layout(language, script_prefix, programme_slug):
    """The tables without their counts: labels, explanations and links, the same for every request.

    Per language, script prefix and programme: building them (64 links, the
    labels translated) took a cold programme page about as long as the
    statement counting the items.
    """
    # Each of the 16 cells links twice: the two addresses are looked up once.
    search_url, share_url = reverse("search"), reverse("lesson-share")

    def query(**filters):
        if programme_slug is not None:
            filters["programme"] = programme_slug
        return urlencode(filters)

    orders = [
        {
            "code": order,
            "label": str(order.label),
            "question": str(ORDER_QUESTIONS[order]),
            "meaning": str(framework.ORDERS[order]),
            "cells": [
                {
                    "level": level,
                    "text": str(framework.CELLS[order, level]),
                    "place": f"{order.label}, {level.label}",
                    "url": f"{search_url}?{query(order=order, level=level)}",
                    "share_url": f"{share_url}?{query(order=order, level=level)}",
                }
                for level in Level
            ],
        }
        for order in Order
    ]
    streams = [
        {
            "code": stream,
            "label": str(stream.label),
            "core": str(framework.STREAMS[stream]["core"]),
            "network": str(framework.STREAMS[stream]["network"]),
            "cells": [
                {
                    "mode": mode,
                    "text": str(framework.STREAMS[stream][mode]),
                    "place": f"{stream.label}, {mode.label}",
                    "url": f"{search_url}?{query(stream=stream, mode=mode)}",
                    "share_url": f"{share_url}?{query(stream=stream, mode=mode)}",
                }
                for mode in Mode
            ],
        }
        for stream in Stream
    ]
    return orders, streams


def _count_label(count):
    # Worded here, not by a {% blocktranslate count %} in each of the 32 cells:
    # that tag and the labels' lookups were a sixth of /leren/'s rendering.
    return ngettext("%(counter)s item", "%(counter)s items", count) % {"counter": count}


# Shades besides the empty one; static/css/site.css defines .heat-0 to .heat-3.
SHADES = 3


def _shade(rows):
    """Give each cell its shade, relative to the table's fullest cell; return the legend.

    Relative steps rather than fixed counts: the same page serves a programme
    with a handful of items and all programmes with a hundred thousand.
    """
    cells = [cell for row in rows for cell in row]
    most = max((cell["count"] for cell in cells), default=0)
    for cell in cells:
        cell["shade"] = math.ceil(SHADES * cell["count"] / most) if cell["count"] else 0
    legend = [{"shade": 0, "low": 0, "high": 0}]
    for shade in range(1, SHADES + 1):
        # The counts that get this shade: (shade - 1) / 3 of the most, exclusive, to shade / 3.
        low, high = (shade - 1) * most // SHADES + 1, shade * most // SHADES
        if most and low <= high:
            legend.append({"shade": shade, "low": low, "high": high})
    return legend


def _matrix_counts(user, programme):
    """Both tables' counts from one small statement over the counts the database keeps of the items."""
    counts = MatrixCount.objects.visible_to(user)
    if programme is not None:
        counts = counts.filter(programme=programme)
    cell_counts, stream_counts = Counter(), Counter()
    for row in counts.values("order", "level", "stream", "mode").annotate(total=Sum("n")).order_by():
        cell_counts[row["order"], row["level"]] += row["total"]
        stream_counts[row["stream"], row["mode"]] += row["total"]
    return cell_counts, stream_counts
