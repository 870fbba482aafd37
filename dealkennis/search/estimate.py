"""Searches with very many matches: counted from a sample of the newest items (as `track_total_hits`).

A word such as "deal" is in most of 100,000 items. Counting its matches
exactly reads every one of them (the GIN index yields them all, and each row
is read to test whether this reader may see it), and ranking reads each
ranked item's search vector: hundreds of milliseconds. So when PostgreSQL's
statistics expect more than `BOUND` items to hold the words (before the
reader's visibility and filters: those are what exact counting would read),
the search reads only the newest
`SAMPLE` items per kind that the reader may see with the chosen filters (the
date index gives them in order), tests the query on each and ranks the ones
that match. The total and every facet count are what that sample shows,
scaled to all items the reader may see, and marked as estimates; when a kind
has no more than `SAMPLE` such items, its counts are exact. When the sample
holds fewer than `MIN_MATCHES` matches, the estimate would be too rough and
the search counts exactly after all. A search without filters or phrases
counts the matches among the newest items instead (`window`), which the GIN
index finds without reading the others.

What the sample reads is only what the reader may see: the estimate says
nothing about items hidden from them (the statistics only choose the path).
"""

import json
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchRank
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, FloatField, Q
from django.db.models.functions import Cast, Extract

from dealkennis.classification import VOCABULARIES
from dealkennis.search import hybrid
from dealkennis.search.facets import FACET_COLUMNS, TAG_FACET_SIZE, empty_facets, most_frequent, tally
from dealkennis.search.query import OPERATORS, QUOTE, AmongFirst, PrefixSearchQuery

# Above this many items holding the words the counts are estimated.
BOUND = 10_000
# Above this many items holding a phrase's words the counts are estimated:
# each is read to check where its words stand.
PHRASE_BOUND = 1000
# The newest items per kind a big search reads and tests.
SAMPLE = 200
SAMPLE_COLUMNS = (
    "part",
    "source",
    "id",
    "programme_id",
    *VOCABULARIES,
    "date",
    "title",
    "found",
    "rank",
)
# Fewer matches in the sample make too rough an estimate: then the search counts exactly.
MIN_MATCHES = 30
# Walking the date index to a phrase's newest candidates reads a row and
# decompresses its search vector to test it: about thirty times what the
# bitmap scan spends on a candidate (measured at 100k items, 17 against
# 0.55 microseconds of backend CPU).
WALK_COST = 30


def more_than(matched, count):
    """Whether more than `count` items match: each kind's matches read up to one more than that."""
    parts, params = [], []
    for queryset in matched.values():
        sql, part_params = queryset.order_by().values("pk")[: count + 1].query.sql_with_params()
        parts.append(f"(SELECT 1 FROM ({sql}) AS part{len(parts)})")  # noqa: S608 - ORM-built SQL
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({' UNION ALL '.join(parts)}) AS found", params)  # noqa: S608
        return cursor.fetchone()[0] > count


def expectation(base, tsquery, terms):
    """(phrase candidates, PostgreSQL's expected row counts) that `estimated` decides on; one EXPLAIN.

    Needs nothing found by meaning, so the engine asks it while the query's
    vector is still being embedded.
    """
    # What exact counts would read: every item holding the words, whatever
    # the filters; for a phrase, every item holding all its words.
    within = phrase_candidates(terms)
    holding = _holding([queryset.model for queryset in base.values()], within or tsquery)
    pools = [qs if within is None else qs.filter(search_vector=within) for qs in base.values()]
    # For a phrase, also how many items the reader may see at all: the share
    # of candidates; else how many items there are (`window`: the share holding the words).
    everything = list(base.values()) if within is not None else _all([qs.model for qs in base.values()])
    return within, expected_rows([*holding, *pools, *everything])


@dataclass
class Sample:
    """What a search counted from a sample read of its words, before the items found by meaning.

    `found`, `sizes` and `tags` as `_read` returns them; `visible`: per kind,
    how many items PostgreSQL expects the reader to see (what one sampled
    match stands for a share of).
    """

    visible: dict
    found: list
    sizes: dict
    tags: list


def sample(base, tsquery, expected):
    """The sample of a search with very many matches, or None when its counts are to be exact.

    `expected`: what `expectation` returned. Needs nothing found by meaning,
    so the engine reads it while the query's vector is embedded. None too when
    the sample holds too few matches for an estimate (or a first page).
    """
    if not over_bound(expected, len(base)):
        return None
    within, figures = expected
    visible = dict(zip(base, figures[len(base) : 2 * len(base)], strict=True))
    walk = {}
    if within is not None:
        totals = zip(base, figures[2 * len(base) :], strict=True)
        walk = {kind: _walk(visible[kind], total) for kind, total in totals}
    chosen = [
        (index, "sample", _newest(queryset, within, walk.get(kind)))
        for index, (kind, queryset) in enumerate(base.items())
    ]
    found, sizes, tags = _read(base, tsquery, chosen)
    matches = sum(1 for row in found if row[1] == "sample")
    if any(size >= SAMPLE for size in sizes.values()) and matches < MIN_MATCHES:
        return None
    return Sample(visible, found, sizes, tags)


def estimated(found, base, tsquery, terms, meaning, programmes, query, sort, limit, held=None, sampled=None):
    """The engine's `_found` for a search with very many matches, counted from a sample, or None.

    None when exact counts are cheap enough (or the sample holds too few
    matches); else `found` completed, with the first `limit` rows in order.
    `sampled`: what `sample` returned, when read already.
    """
    sampled = sampled or sample(base, tsquery, expectation(base, tsquery, terms))
    if sampled is None:
        return None
    kinds = list(base)
    meaning = {kind: pks for kind, pks in meaning.items() if pks}
    # An item both sampled (and matched) and found by meaning counts once, as
    # sampled: only the others are read, so the two sets of rows are disjoint.
    matched = {(kinds[row[0]], row[2]) for row in sampled.found}
    left = {kind: [pk for pk in pks if (kind, pk) not in matched] for kind, pks in meaning.items()}
    alone = [
        (index, "meaning", base[kind].filter(pk__in=left[kind]))
        for index, kind in enumerate(kinds)
        if left.get(kind)
    ]
    more, _sizes, more_tags = _read(base, tsquery, alone) if alone else ([], {}, [])
    rows, facets = _estimate(
        kinds, sampled.found + more, sampled.sizes, sampled.tags + more_tags, sampled.visible, programmes
    )
    # Stable sorts, the last key first: by relevance (or date), then date (or
    # relevance), then title.
    rows.sort(key=lambda row: row[4])
    first, second = (2, 3) if sort == "relevance" else (3, 2)
    rows.sort(key=lambda row: row[second], reverse=True)
    rows.sort(key=lambda row: row[first], reverse=True)
    word_rows = [row for row in rows if row[5]]
    by_words = {(row[0], row[1]) for row in word_rows}
    found["meaning"] = [
        [kind, pk] for kind, pks in meaning.items() for pk in pks if (kind, pk) not in by_words
    ]
    if meaning and sort == "relevance":
        ordered = hybrid.fuse([(row[0], row[1], row[4]) for row in word_rows], meaning, query, held)
    else:
        ordered = [(row[0], row[1]) for row in (rows if meaning else word_rows)]
    found.update(facets=facets, total=facets["total"], rows=ordered[:limit])
    found["estimated"] = facets["estimated"]
    return found


def over_bound(expected, kinds):
    """Whether the search counts from a sample: `expectation`'s figures for `kinds` kinds of item."""
    within, rows = expected
    return sum(rows[:kinds]) > (BOUND if within is None else PHRASE_BOUND)


def _walk(candidates, total):
    """Whether a phrase's newest candidates are cheaper to find walking the date index than by the GIN index.

    Walking reads SAMPLE / share rows, the bitmap scan every candidate.
    """
    share = candidates / total if total else 0
    return share > 0 and SAMPLE / share * WALK_COST < candidates


def _holding(models, tsquery):
    """Per model, every item holding `tsquery`'s words, as (sql, params) for `expected_rows`.

    Written out: compiling a queryset per model cost the ORM a millisecond.
    """
    tsquery_sql, params = tsquery.sql()
    quote = connection.ops.quote_name
    return [
        (f"SELECT id FROM {quote(model._meta.db_table)} WHERE search_vector @@ {tsquery_sql}", params)  # noqa: S608
        for model in models
    ]


def _all(models):
    quote = connection.ops.quote_name
    return [(f"SELECT id FROM {quote(model._meta.db_table)}", []) for model in models]  # noqa: S608


def expected_rows(querysets):
    """PostgreSQL's estimate of how many rows each queryset (or (sql, params)) returns: one EXPLAIN."""
    parts, params = [], []
    for queryset in querysets:
        if isinstance(queryset, tuple):
            sql, part_params = queryset
        else:
            sql, part_params = queryset.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT 1 FROM ({sql}) AS part{len(parts)})")  # noqa: S608 - ORM-built SQL
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + " UNION ALL ".join(parts), params)
        plan = cursor.fetchone()[0]
    plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
    if len(parts) == 1:
        return [plan["Plan Rows"]]
    while plan["Node Type"] != "Append":
        plan = plan["Plans"][0]
    return [child["Plan Rows"] for child in plan["Plans"]]


def phrase_candidates(terms):
    """For a query of words and quoted phrases only: a query for all its words, in any order; else None.

    The GIN index cannot tell where a word stands, so every item holding a
    phrase's words is read to check; the items holding all the words (which
    the index finds without reading any) are where its matches are.
    """
    if QUOTE not in terms or OPERATORS.search(f" {terms.replace(QUOTE, ' ')} "):
        return None
    return PrefixSearchQuery(terms.replace(QUOTE, " "))


def _newest(queryset, within, walk):
    """The newest SAMPLE items of `queryset`: of those holding a phrase's words (`within`), if any."""
    if within is None:
        # Through the date index: no item's search vector is read.
        newest = queryset.order_by("-published_at")
    elif walk:
        # Most items are candidates: walking the date index finds the newest
        # ones after a few hundred rows, where the GIN index yields all of
        # them (tens of thousands) to be read and sorted (`_walk`).
        newest = queryset.filter(search_vector=within).order_by("-published_at")
    else:
        # NULLS LAST (no published item lacks a date) keeps the planner
        # from walking the date index and reading each item's search
        # vector to test it; the GIN index finds the candidates instead.
        newest = queryset.filter(search_vector=within).order_by(F("published_at").desc(nulls_last=True))
    # = ANY(ARRAY(...)): pk IN (newest) would join the newest to every row.
    return queryset.model.objects.filter(AmongFirst("pk", newest.values("pk")[:SAMPLE]))


def _read(base, tsquery, chosen):
    """The rows that count of `chosen` [(kind's index, source, queryset)], tested against `tsquery`.

    Returns (rows, sizes, tags): rows (index, source, pk, programme, the
    classification, date, title, found by words, rank) of the matches of a
    "sample" and of every item found by "meaning" (those were chosen among
    what the reader may see, and are read through the reader's queryset all
    the same); {index: how many items were sampled}; (index, source, tag,
    how many of the rows that count carry it).
    """
    parts, params = [], []
    for index, source, items in chosen:
        rows = (
            items.order_by()
            .annotate(
                found=ExpressionWrapper(Q(search_vector=tsquery), BooleanField()),
                rank=SearchRank(F("search_vector"), tsquery),
                # Only sorted by: seconds load ten times faster than datetimes.
                date=Cast(Extract("published_at", "epoch"), FloatField()),
            )
            .values_list("pk", *FACET_COLUMNS, "date", "title", "found", "rank")
        )
        sql, part_params = rows.query.sql_with_params()
        parts.append(f"SELECT {index}, %s, * FROM ({sql}) AS part{len(parts)}")  # noqa: S608
        params.extend([source, *part_params])
    # What counts comes back aggregated where it can be: the rows that count
    # (ranked and shown), the sample's size per kind, and per kind, source and
    # tag how many of those rows carry it. Row by row, the tags of a common
    # word's sample were a thousand rows to send and convert: more client time
    # than the statement's own.
    tagged_table, tag_table = next(iter(base.values())).model.tag_tables(connection)
    quote = connection.ops.quote_name
    type_ids = [ContentType.objects.get_for_model(queryset.model).pk for queryset in base.values()]
    columns = ", ".join(quote(column) for column in SAMPLE_COLUMNS)
    nulls = ", ".join(["NULL"] * (len(SAMPLE_COLUMNS) - 2))
    sql = (
        f"WITH sample ({columns}) AS MATERIALIZED ({' UNION ALL '.join(parts)}), "  # noqa: S608 - ORM-built SQL
        "counted AS MATERIALIZED (SELECT * FROM sample WHERE found OR source = 'meaning') "
        f"SELECT {columns}, NULL, NULL FROM counted UNION ALL "
        f"SELECT part, source, {nulls}, NULL, count(*) FROM sample WHERE source = 'sample'"
        " GROUP BY part, source"
        f" UNION ALL SELECT part, source, {nulls}, tag.name, count(*) FROM counted"
        f" CROSS JOIN LATERAL (SELECT tag_id FROM {tagged_table} WHERE object_id = counted.id"
        " AND content_type_id = (%s::int[])[counted.part + 1] OFFSET 0) AS item"
        f" JOIN {tag_table} AS tag ON tag.id = item.tag_id GROUP BY part, source, tag.name"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, type_ids])
        rows = cursor.fetchall()
    found, sizes, tags = [], dict.fromkeys(range(len(base)), 0), []
    for *row, tag, count in rows:
        if tag is not None:
            tags.append((row[0], row[1], tag, count))
        elif count is not None:
            sizes[row[0]] = count
        else:
            found.append(row)
    return found, sizes, tags


def _estimate(kinds, found, sample_size, tags, visible, programmes):
    """The counts from what `sample` and `estimated` read (`_read`).

    `found`: the rows that count, each item once; `sample_size`: {kind's index: rows sampled};
    `tags`: (kind's index, source, tag, how many rows of that source carry it).
    """
    slugs = {programme.pk: programme.slug for programme in programmes}
    facets = empty_facets(programmes)
    # A kind with more items than the sample: each of its matches stands for several.
    facets["estimated"] = any(size >= SAMPLE for size in sample_size.values())

    def weight(index, source):
        if source == "sample" and sample_size[index] >= SAMPLE:
            return max(visible[kinds[index]], SAMPLE) / SAMPLE
        return 1

    rows = []
    for index, source, pk, programme_id, *values in found:
        vocabulary_values, date, title, matched, rank = values[:-4], *values[-4:]
        kind = kinds[index]
        share = weight(index, source)
        tally(facets, kind, slugs[programme_id], vocabulary_values, share)
        facets["words"] += share if matched else 0
        rows.append((kind, pk, rank, date, title, matched))
    tag_counts = {}
    for index, source, name, count in tags:
        tag_counts[name] = tag_counts.get(name, 0) + count * weight(index, source)
    facets["tags"] = most_frequent(tag_counts, TAG_FACET_SIZE)
    return rows, rounded(facets) if facets["estimated"] else facets


def _round(count):
    """An estimate as a reader takes it: two significant figures ("68.000", "1.200")."""
    count = round(count)
    return count if count < 100 else round(count, 2 - len(str(count)))


def rounded(facets):
    """Estimated counts rounded as a reader takes them (`_round`), in place."""
    for key in ("type", "programme", *VOCABULARIES):
        facets[key] = {name: _round(count) for name, count in facets[key].items()}
    for key in ("total", "words"):
        facets[key] = _round(facets[key])
    facets["tags"] = [(name, _round(count)) for name, count in facets["tags"]]
    return facets
