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
the search counts exactly after all.

What the sample reads is only what the reader may see: the estimate says
nothing about items hidden from them (the statistics only choose the path).
"""

import json

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.search import SearchRank
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, F, Q

from dealkennis.classification import VOCABULARIES
from dealkennis.search import hybrid
from dealkennis.search.facets import FACET_COLUMNS, TAG_FACET_SIZE, empty_facets
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
    "published_at",
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
    holding = [base[kind].model.objects.filter(search_vector=within or tsquery) for kind in base]
    pools = [qs if within is None else qs.filter(search_vector=within) for qs in base.values()]
    # For a phrase, also how many items the reader may see at all: the share of candidates.
    everything = [] if within is None else list(base.values())
    return within, expected_rows([*holding, *pools, *everything])


def estimated(found, base, tsquery, terms, meaning, programmes, query, sort, limit, held=None, expected=None):
    """The engine's `_found` for a search with very many matches, counted from a sample, or None.

    None when exact counts are cheap enough (or the sample holds too few matches);
    else `found` completed, with the first `limit` rows in order. `expected`:
    what `expectation(base, tsquery, terms)` returned, when asked already.
    """
    expected = expected or expectation(base, tsquery, terms)
    if not over_bound(expected, len(base)):
        return None
    within, expected = expected
    visible = dict(zip(base, expected[len(base) : 2 * len(base)], strict=True))
    walk = {}
    if within is not None:
        totals = zip(base, expected[2 * len(base) :], strict=True)
        walk = {kind: _walk(visible[kind], total) for kind, total in totals}
    meaning = {kind: pks for kind, pks in meaning.items() if pks}
    rows, facets, matches = sampled(base, visible, tsquery, within, meaning, programmes, walk)
    if facets["estimated"] and matches < MIN_MATCHES:
        # Too few matches among what the reader may see for an estimate (or a first page): count exactly.
        return None
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


def expected_rows(querysets):
    """PostgreSQL's estimate of how many rows each queryset returns: one EXPLAIN, nothing read."""
    parts, params = [], []
    for queryset in querysets:
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


def sampled(base, visible, tsquery, within, meaning, programmes, walk=None):
    """The rows that count, the estimated facets and how many of the sample matched.

    `base`: {kind: the reader's visible, filtered queryset}; `within`: a
    query for the candidates (`phrase_candidates`) or None; `visible`: the
    expected number of candidates of each (`expected_rows`); `meaning`: {kind: {pk:
    similarity}} of the items that joined by meaning, counted exactly; `walk`:
    {kind: True} where a phrase's candidates are found walking the date index
    (`_walk`). Rows
    are (kind, pk, rank, date, title, found by words): the sample's matches and
    the items that joined by meaning.
    """
    parts, params, kinds = [], [], list(base)
    for index, (kind, queryset) in enumerate(base.items()):
        model = queryset.model
        if within is None:
            # Through the date index: no item's search vector is read.
            newest = queryset.order_by("-published_at")
        elif walk and walk.get(kind):
            # Most items are candidates: walking the date index finds the
            # newest ones after a few hundred rows, where the GIN index yields
            # all of them (tens of thousands) to be read and sorted.
            newest = queryset.filter(search_vector=within).order_by("-published_at")
        else:
            # NULLS LAST (no published item lacks a date) keeps the planner
            # from walking the date index and reading each item's search
            # vector to test it; the GIN index finds the candidates instead.
            newest = queryset.filter(search_vector=within).order_by(F("published_at").desc(nulls_last=True))
        newest = newest.values("pk")[:SAMPLE]
        joined = list(meaning.get(kind, ()))
        # = ANY(ARRAY(...)): pk IN (newest) would join the newest to every row.
        # The items found by meaning were chosen among what the reader may
        # see; they are read through the reader's queryset all the same.
        chosen = [("sample", model.objects.filter(AmongFirst("pk", newest)))]
        if joined:
            chosen.append(("meaning", queryset.filter(pk__in=joined)))
        for source, items in chosen:
            rows = (
                items.order_by()
                .annotate(
                    found=ExpressionWrapper(Q(search_vector=tsquery), BooleanField()),
                    rank=SearchRank(F("search_vector"), tsquery),
                )
                .values_list("pk", *FACET_COLUMNS, "published_at", "title", "found", "rank")
            )
            sql, part_params = rows.query.sql_with_params()
            parts.append(f"SELECT {index}, %s, * FROM ({sql}) AS part{len(parts)}")  # noqa: S608
            params.extend([source, *part_params])
    # What counts comes back from the same statement, aggregated where it can
    # be: the matches and the items found by meaning (ranked and shown), the
    # sample's size per kind, and per kind, source and tag how many of the
    # rows that count carry it. An item both sampled and found by meaning
    # counts once, as sampled (the rows in `_estimate` likewise). Row by row,
    # the tags of a common word's sample were a thousand rows to send and
    # convert: more client time than the statement's own.
    model = next(iter(base.values())).model
    through = model._meta.get_field("tags").through
    quote = connection.ops.quote_name
    tagged_table, tag_table = (quote(table._meta.db_table) for table in (through, through.tag_model()))
    type_ids = [ContentType.objects.get_for_model(queryset.model).pk for queryset in base.values()]
    columns = ", ".join(quote(column) for column in SAMPLE_COLUMNS)
    nulls = ", ".join(["NULL"] * (len(SAMPLE_COLUMNS) - 2))
    sql = (
        f"WITH sample ({columns}) AS MATERIALIZED ({' UNION ALL '.join(parts)}), "  # noqa: S608 - ORM-built SQL
        "counted AS MATERIALIZED (SELECT DISTINCT ON (part, id) part, source, id FROM sample"
        " WHERE found OR source = 'meaning' ORDER BY part, id, source <> 'sample') "
        f"SELECT {columns}, NULL, NULL FROM sample WHERE found OR source = 'meaning' UNION ALL "
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
    found, sizes, tags = [], dict.fromkeys(range(len(kinds)), 0), []
    for *row, tag, count in rows:
        if tag is not None:
            tags.append((row[0], row[1], tag, count))
        elif count is not None:
            sizes[row[0]] = count
        else:
            found.append(row)
    return _estimate(kinds, found, sizes, tags, visible, programmes)


def _estimate(kinds, found, sample_size, tags, visible, programmes):
    """The counts from what `sampled` read.

    `found`: the rows that count; `sample_size`: {kind's index: rows sampled};
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

    rows, seen, sampled_matches = [], set(), 0
    # Sampled rows first: an item also found by meaning counts as sampled.
    for index, source, pk, programme_id, *values in sorted(found, key=lambda row: row[1] != "sample"):
        vocabulary_values, date, title, matched, rank = values[:-4], *values[-4:]
        if (index, pk) in seen:
            continue
        seen.add((index, pk))
        kind = kinds[index]
        sampled_matches += source == "sample"
        share = weight(index, source)
        facets["type"][kind] = facets["type"].get(kind, 0) + share
        facets["total"] += share
        facets["words"] += share if matched else 0
        facets["programme"][slugs[programme_id]] += share
        for name, value in zip(VOCABULARIES, vocabulary_values, strict=True):
            facets[name][value] += share
        rows.append((kind, pk, rank, date, title, matched))
    tag_counts = {}
    for index, source, name, count in tags:
        tag_counts[name] = tag_counts.get(name, 0) + count * weight(index, source)
    facets["tags"] = sorted(tag_counts.items(), key=lambda pair: (-pair[1], pair[0]))[:TAG_FACET_SIZE]
    return rows, _rounded(facets) if facets["estimated"] else facets, sampled_matches


def _round(count):
    """An estimate as a reader takes it: two significant figures ("68.000", "1.200")."""
    count = round(count)
    return count if count < 100 else round(count, 2 - len(str(count)))


def _rounded(facets):
    for key, value in facets.items():
        if isinstance(value, dict):
            facets[key] = {name: _round(count) for name, count in value.items()}
        elif key in ("total", "words"):
            facets[key] = _round(value)
    facets["tags"] = [(name, _round(count)) for name, count in facets["tags"]]
    return facets
