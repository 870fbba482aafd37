"""The plain alternatives timed beside the site's search, on the same distinct queries.

The plain PostgreSQL approach (ts_rank over every match, with the exact count
of all matches), a naive icontains search, and Tantivy over the visible items.
Each query is asked once, as the site's cold figures are; none of them has a
cache of its own (PostgreSQL's buffers are as warm for them as for the site).
"""

import time

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Q

from cards.models import Card
from dealkennis.content.bench.queries import FACETS, params_of
from dealkennis.search.text import SEARCH_CONFIG
from lessons.models import Lesson

RAW_RANK_SQL = """
SELECT kind, id, rank, count(*) OVER () AS total FROM (
    SELECT 'card' AS kind, id, ts_rank(search_vector, websearch_to_tsquery(%(config)s, %(q)s)) AS rank
    FROM {cards}
    WHERE search_vector @@ websearch_to_tsquery(%(config)s, %(q)s)
      AND status = 'published' AND visibility = 'public' {filters}
    UNION ALL
    SELECT 'lesson', id, ts_rank(search_vector, websearch_to_tsquery(%(config)s, %(q)s))
    FROM {lessons}
    WHERE search_vector @@ websearch_to_tsquery(%(config)s, %(q)s)
      AND status = 'published' AND visibility = 'public' {filters}
) AS hits
ORDER BY rank DESC
LIMIT 20
"""


def raw_rank(params):
    """The first 20 matches by ts_rank, each row with the number of all matches."""
    filters = "".join(
        f" AND {connection.ops.quote_name(name)} = %({name})s" for name in params if name != "q"
    )
    with connection.cursor() as cursor:
        sql = RAW_RANK_SQL.format(
            filters=filters,
            cards=connection.ops.quote_name(Card._meta.db_table),
            lessons=connection.ops.quote_name(Lesson._meta.db_table),
        )
        cursor.execute(sql, {"config": SEARCH_CONFIG, **params})
        return cursor.fetchall()


def icontains(params):
    """The naive search: every word somewhere in title, summary or body, first 20."""
    text = params["q"]
    words = [text.strip('"')] if text.startswith('"') else text.split()
    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
    filters = {name: value for name, value in params.items() if name != "q"}
    rows = []
    for model in (Card, Lesson):
        visible = model.objects.visible_to(AnonymousUser()).filter(condition, **filters)
        rows += visible.values_list("pk", "title")[:20]
    return rows[:20]


def tantivy_index():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("kind", stored=True, tokenizer_name="raw")
    builder.add_integer_field("id", stored=True)
    for name in ("title", "summary", "body"):
        builder.add_text_field(name)
    for name in FACETS:
        builder.add_text_field(name, tokenizer_name="raw")
    index = tantivy.Index(builder.build())
    writer = index.writer(heap_size=256 * 2**20)
    for kind, model in (("card", Card), ("lesson", Lesson)):
        rows = (
            model.objects.visible_to(AnonymousUser())
            .values_list("pk", "title", "summary", "body_text", *FACETS)
            .iterator(chunk_size=5000)
        )
        for pk, title, summary, body, *facets in rows:
            fields = dict(zip(FACETS, facets, strict=True))
            writer.add_document(
                tantivy.Document(kind=kind, id=pk, title=title, summary=summary, body=body, **fields)
            )
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    return index


def tantivy_search(index, searcher, params):
    # Every word required, as in the site's search; title and summary weigh more.
    text = " ".join([params["q"], *(f"{name}:{value}" for name, value in params.items() if name != "q")])
    query = index.parse_query(
        text,
        ["title", "summary", "body"],
        field_boosts={"title": 3.0, "summary": 2.0},
        conjunction_by_default=True,
    )
    result = searcher.search(query, 20)
    return [searcher.doc(address)["id"][0] for _score, address in result.hits]


def timed(action):
    started = time.perf_counter()
    found = action()
    return round((time.perf_counter() - started) * 1000, 2), found


def compare(records):
    """Time the three alternatives on every query ({class: [record]}), into its record."""
    started = time.perf_counter()
    index = tantivy_index()
    built = round(time.perf_counter() - started, 2)
    searcher = index.searcher()
    queries = [(record, params_of(record)) for class_records in records.values() for record in class_records]
    if queries:  # one untimed round of each, so no first call pays for loading
        raw_rank(queries[0][1]), icontains(queries[0][1]), tantivy_search(index, searcher, queries[0][1])
    for record, params in queries:
        record["plain_ms"], rows = timed(lambda p=params: raw_rank(p))
        record["plain_total"] = rows[0][3] if rows else 0
        record["icontains_ms"], rows = timed(lambda p=params: icontains(p))
        record["icontains_rows"] = len(rows)
        record["tantivy_ms"], rows = timed(lambda p=params: tantivy_search(index, searcher, p))
        record["tantivy_rows"] = len(rows)
    return {"tantivy_index_s": built}
