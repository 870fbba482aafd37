"""The learning matrix: visible items counted per order x level and per stream x mode, with search links."""

from collections import Counter
from urllib.parse import urlencode

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from dealkennis import framework
from dealkennis.caching import ContentVersion
from dealkennis.classification import ORDER_QUESTIONS, Level, Mode, Order, Stream
from dealkennis.models import knowledge_models


def programme_from(request, programmes):
    slug = request.GET.get("programme", "")
    programme = next((p for p in programmes if p.slug == slug), None)
    notices = []
    if slug and programme is None:
        notices.append(
            _("Het programma “%(value)s” bestaat niet; alle programma's worden getoond.")
            % {"value": slug[:100]}
        )
    return programme, notices


def learning_matrix(user, programme=None):
    """Counts of visible items per order x level and per stream x mode, with search links."""
    cell_counts, stream_counts = ContentVersion.cached(
        "matrix", user, [programme.slug if programme else ""], lambda: _matrix_counts(user, programme)
    )

    def link(**filters):
        if programme is not None:
            filters["programme"] = programme.slug
        return f"{reverse('search')}?{urlencode(filters)}"

    orders = [
        {
            "code": order,
            "label": order.label,
            "question": ORDER_QUESTIONS[order],
            "meaning": framework.ORDERS[order],
            "cells": [
                {
                    "level": level,
                    "text": framework.CELLS[order, level],
                    "count": cell_counts[order, level],
                    "url": link(order=order, level=level),
                }
                for level in Level
            ],
        }
        for order in Order
    ]
    streams = [
        {
            "code": stream,
            "label": stream.label,
            "core": framework.STREAMS[stream]["core"],
            "network": framework.STREAMS[stream]["network"],
            "cells": [
                {
                    "mode": mode,
                    "text": framework.STREAMS[stream][mode],
                    "count": stream_counts[stream, mode],
                    "url": link(stream=stream, mode=mode),
                }
                for mode in Mode
            ],
        }
        for stream in Stream
    ]
    return {"orders": orders, "streams": streams, "levels": list(Level), "modes": list(Mode)}


def _matrix_counts(user, programme):
    cell_counts, stream_counts = Counter(), Counter()
    for model in knowledge_models():
        items = model.objects.visible_to(user).order_by()
        if programme is not None:
            items = items.filter(programme=programme)
        # One pass over the items: at most 60 groups, summed into both tables.
        for row in items.values("order", "level", "stream", "mode").annotate(n=Count("*")):
            cell_counts[row["order"], row["level"]] += row["n"]
            stream_counts[row["stream"], row["mode"]] += row["n"]
    return cell_counts, stream_counts
