"""The order of a search's word matches: relevance (`ts_rank`) or date, for the first pages.

Ranking reads each ranked item's search vector, so for a word in thousands of
items only the newest `RANK_LIMIT` matches per kind are ranked; the older ones
follow them, newest first.
"""

from django.contrib.postgres.search import SearchRank
from django.db import connection
from django.db.models import Case, F, FloatField, Value, When

from dealkennis.search.query import AmongFirst, AmongIds, PrefixSearchQuery

# Above this many matches, relevance ranking is limited to the newest ones:
# ranking reads each ranked item's search vector (about 30 microseconds each).
RANK_LIMIT = 200


# The common case of `ordered_rows`, by hand: the rows the facets' statement
# found, ranked through their primary keys. Building and compiling the ORM's
# union of annotated querysets cost more than PostgreSQL's answer.
NEWEST_PART_SQL = "SELECT %s, id, {rank}, published_at, {title} FROM {table} WHERE id = ANY(%s)"
# The date only orders the rows: psycopg loads a datetime in some eight
# microseconds (Django's loader is pure Python), 1.5 ms for 200 rows.
ORDERED_SQL = (
    "SELECT kind, id, rank, NULL, title FROM ({parts}) AS ranked (kind, id, rank, date, title)"
    " ORDER BY {ordering}, ranked.title ASC LIMIT %s"
)


def ordered_rows(matched, rank_query, held_words, sort, total, limit, newest=None):
    """The rows in order; `newest`: per kind, the newest RANK_LIMIT matches' pks (see `count_facets`)."""
    if newest is not None and limit <= RANK_LIMIT and not held_words:
        return _newest_ranked(matched, rank_query, sort, limit, newest)
    ranked = [
        _ranked_rows(
            name,
            qs,
            rank_query,
            held_words,
            bounded=total > RANK_LIMIT,
            limit=limit,
            newest_ids=None if newest is None else newest[name],
        )
        for name, qs in matched.items()
    ]
    rows = ranked[0].union(*ranked[1:], all=True) if len(ranked) > 1 else ranked[0]
    ordering = ("-rank", "-date", "row_title") if sort == "relevance" else ("-date", "-rank", "row_title")
    return rows.order_by(*ordering)


def _newest_ranked(matched, rank_query, sort, limit, newest):
    """`ordered_rows` for the newest matches found with the facets: (kind, pk, rank, date, title) rows."""
    quote = connection.ops.quote_name
    rank, rank_params = "0.0::float8", []
    if rank_query is not None:
        tsquery, rank_params = rank_query.sql()
        rank = f"ts_rank(search_vector, {tsquery})::float8"
    parts, params = [], []
    for kind, queryset in matched.items():
        model = queryset.model
        table, title = quote(model._meta.db_table), quote(model._meta.get_field("title").column)
        parts.append(NEWEST_PART_SQL.format(rank=rank, title=title, table=table))
        params += [kind, *rank_params, newest[kind]]
    ordering = "ranked.rank DESC, ranked.date DESC"
    if sort != "relevance":
        ordering = "ranked.date DESC, ranked.rank DESC"
    sql = ORDERED_SQL.format(parts=" UNION ALL ".join(parts), ordering=ordering)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return cursor.fetchall()


def _ranked_rows(kind, queryset, rank_query, held_words, bounded, limit, newest_ids=None):
    if newest_ids is not None and limit <= RANK_LIMIT:
        # Found with the facets: the newest RANK_LIMIT matches, or all of
        # them when there are no more (unbounded), each read through the
        # primary key instead of finding every match again.
        queryset = queryset.model.objects.filter(AmongIds("pk", newest_ids))
    elif bounded:
        # Ranking reads every ranked row's search vector. For a word that
        # matches thousands of items, only the newest RANK_LIMIT matches are
        # ranked; the older ones follow them, newest first. The first pages
        # come from the ranked ones, so they are all that is read for them.
        # NULLS LAST (no published item lacks a date) keeps the planner from
        # walking the date index and testing the match row by row, which
        # decompresses a search vector per row; it takes the matches from the
        # GIN index and sorts those instead.
        newest = queryset.order_by(F("published_at").desc(nulls_last=True)).values("pk")[:RANK_LIMIT]
        if limit <= RANK_LIMIT:
            queryset = queryset.model.objects.filter(AmongFirst("pk", newest))
    if rank_query is None:
        rank = Value(0.0, output_field=FloatField())
    else:
        rank = SearchRank(F("search_vector"), rank_query)
    if held_words:
        # Widened to any word: an item holding more of the words comes first,
        # whatever the frequency of one very common word such as "deal".
        held = [
            Case(
                When(search_vector=PrefixSearchQuery(word), then=Value(1.0)),
                default=Value(0.0),
                output_field=FloatField(),
            )
            for word in held_words
        ]
        rank = sum(held, rank)
    if bounded and limit > RANK_LIMIT:
        rank = Case(When(AmongFirst("pk", newest), then=rank), default=Value(-1.0), output_field=FloatField())
    return (
        queryset.order_by()
        .annotate(
            row_kind=Value(kind),
            row_id=F("pk"),
            rank=rank,
            date=F("published_at"),
            row_title=F("title"),
        )
        .values_list("row_kind", "row_id", "rank", "date", "row_title")
    )
