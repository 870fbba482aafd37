"""Searches with many matches and no filters: counted among the newest items, as `track_total_hits` does.

Counting a word's matches exactly reads the row of every item holding it (to
test whether the reader may see it and to count its facets): for a word in
5,000 of 100,000 items, most of a search's time. So when PostgreSQL's
statistics expect more than `BOUND` items to hold the words (before
visibility: what exact counting reads), the search counts the matches among
the newest items the reader may see (the window) and scales each count by
how many such items there are in all. The window is as long as it takes to
hold about `MATCHES` matches per kind, as many as are ranked for the first
pages, so the first pages are ranked as with exact counting: the newest
matches. The GIN index and the date index meet in one bitmap, so only the
window's matches are read, never its other items.

A kind with no more items than its window is counted exactly, and so is a
window holding fewer than `estimate.MIN_MATCHES` matches. A very common word
(above `estimate.BOUND`, in so many items that the newest `estimate.SAMPLE`
hold plenty of matches) takes that sample instead: it reads as much as a
window, in fewer statements. So does a search with filters above that bound,
or it counts exactly: through the date index, the filtered items come one row
at a time, and for a common word the planner then tests each row's search
vector instead of taking the GIN index. Phrases keep that sample too: where
the words stand can only be checked row by row.
"""

import math

from django.db import connection

from dealkennis.search import estimate
from dealkennis.search.facets import count_facets

# Above this many items holding the words, the counts are estimated.
BOUND = 3000
# Matches sought per kind in the newest items: as many as are ranked.
MATCHES = 200


def windows(base, expected, narrowed):
    """{kind: (the window's oldest date or None, what one match stands for)}, or None to count exactly.

    `expected`: what `estimate.expectation` returned; `narrowed`: whether
    the search is narrowed by anything but the kind of item.
    """
    within, figures = expected
    kinds = len(base)
    holding, visible, stored = figures[:kinds], figures[kinds : 2 * kinds], figures[2 * kinds :]
    if narrowed or within is not None or sum(holding) <= BOUND:
        return None
    # The matches the sample of a very common word would hold: with plenty,
    # it reads no more than a window, in fewer statements.
    sampled = sum(estimate.SAMPLE * held / max(items, 1) for held, items in zip(holding, stored, strict=True))
    if sum(holding) > estimate.BOUND and sampled >= 2 * estimate.MIN_MATCHES:
        return None
    # The share of all items holding the words, as in the newest ones.
    sizes = {
        kind: math.ceil(min(pool, max(estimate.SAMPLE, MATCHES * items / max(held, 1))))
        for kind, held, pool, items in zip(base, holding, visible, stored, strict=True)
    }
    if all(size >= pool for size, pool in zip(sizes.values(), visible, strict=True)):
        return None
    dates = _oldest(base, sizes)
    return {
        kind: (None, 1) if count < sizes[kind] else (oldest, max(pool, count) / count)
        for (kind, (count, oldest)), pool in zip(dates.items(), visible, strict=True)
    }


def counted(matched, found_windows, programmes, newest):
    """The facets of the matches in each kind's window, each count scaled; exact when too few are found."""
    within = {
        kind: queryset
        if found_windows[kind][0] is None
        else queryset.filter(published_at__gte=found_windows[kind][0])
        for kind, queryset in matched.items()
    }
    scale = {kind: share for kind, (_oldest, share) in found_windows.items()}
    facets = count_facets(within, programmes, newest=newest, tag_limit=None, scale=scale)
    # A full window: older items may match too.
    facets["estimated"] = any(oldest is not None for oldest, _share in found_windows.values())
    if facets["estimated"] and facets["read"] < estimate.MIN_MATCHES:
        return count_facets(matched, programmes, newest=newest, tag_limit=None)
    return facets


def _oldest(base, sizes):
    """{kind: (how many items the window holds, the oldest one's date)}: one statement, date index only."""
    parts, params = [], []
    for index, (kind, queryset) in enumerate(base.items()):
        newest = queryset.order_by("-published_at").values("published_at")[: sizes[kind]]
        sql, part_params = newest.query.sql_with_params()
        parts.append(f"SELECT {index}, count(*), min(published_at) FROM ({sql}) AS window{index}")  # noqa: S608
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = {index: (count, oldest) for index, count, oldest in cursor.fetchall()}
    return {kind: rows[index] for index, kind in enumerate(base)}
