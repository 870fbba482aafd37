"""For each choice a strategy offers, the cards and lessons that show it in practice.

Found through the core's registry of knowledge models (`knowledge_models`),
so this app needs neither the cards nor the lessons app. One statement per
kind of item and axis, however many choices: a window numbers the items of
each choice, the network's own programme first, then the newest.
"""

from django.db.models import Case, F, IntegerField, Value, When, Window
from django.db.models.functions import RowNumber

from dealkennis.classification import Mode, Stream
from dealkennis.models import knowledge_models
from strategies.models import CELLS, cell_code

# Each axis of a strategy: the items' fields that make one of its choices.
AXES = {
    "streams": ("stream",),
    "modes": ("mode",),
    "cells": ("order", "level"),
}
CHOICES = {"streams": Stream.values, "modes": Mode.values, "cells": list(CELLS)}
FIELDS = ("title", "slug", "summary", "visibility", "stream", "mode", "order", "level", "published_at")


def examples(visible, programme=None, axes=AXES, per_choice=3):
    """{(axis, code): [items]}: up to `per_choice` items per choice of each axis in `axes`.

    `visible(model)` is the queryset of what the reader may see (`visible_to`).
    `axes` maps an axis to the codes wanted ({axis: None} for all of them).
    """
    found = {(axis, code): [] for axis in axes for code in (axes[axis] or CHOICES[axis])}
    own_first = (
        Case(When(programme=programme, then=Value(0)), default=Value(1), output_field=IntegerField())
        if programme is not None
        else Value(0)
    )
    for model in knowledge_models():
        for axis in axes:
            fields = AXES[axis]
            rows = (
                visible(model)
                .select_related("programme")
                .only(*FIELDS, "programme__name", "programme__slug")
                .annotate(
                    place=Window(
                        RowNumber(),
                        partition_by=[F(field) for field in fields],
                        order_by=[own_first.asc(), F("published_at").desc(nulls_last=True), F("pk").asc()],
                    )
                )
                .filter(place__lte=per_choice)
            )
            if axes[axis]:
                rows = rows.filter(**_codes_filter(axis, axes[axis]))
            for item in rows:
                key = (axis, _code(axis, item))
                if key in found:
                    found[key].append(item)
    for key, items in found.items():
        # Cards and lessons together; the programme's own first, then the newest.
        items.sort(key=lambda item: (_elsewhere(item, programme), -_when(item)))
        found[key] = items[:per_choice]
    return found


def _elsewhere(item, programme):
    return programme is not None and item.programme_id != programme.pk


def _when(item):
    return item.published_at.timestamp() if item.published_at else 0


def _code(axis, item):
    return cell_code(item.order, item.level) if axis == "cells" else getattr(item, AXES[axis][0])


def _codes_filter(axis, codes):
    if axis == "cells":
        return {
            "order__in": {CELLS[code][0] for code in codes},
            "level__in": {CELLS[code][1] for code in codes},
        }
    return {f"{AXES[axis][0]}__in": codes}
