"""The benchmark's headline: the search page cold, each distinct query asked once.

Before every request all caches of the process are emptied, and the query
vectors too, so each query costs what a query never asked before costs after
any content change. The whole page goes through Django's test client; the
embedding of the query and the SQL are timed apart. Right after, the same
query is asked again: the cached repeat, the secondary figure. Run with
`DEALKENNIS_EMBEDDING_BACKEND=off` on the same corpus to see what meaning costs.
"""

import time

from django.db import connection

from dealkennis.caching import clear_caches
from dealkennis.content.bench.pages import ensure_ok
from dealkennis.content.bench.queries import params_of
from dealkennis.db import aside
from dealkennis.db.timer import StatementTimer
from dealkennis.search import embedding

WARMUP_QUERY = "opwarmen"


def cold_page(client, params, spent):
    """(page, embedding, waited, sql) milliseconds for one request with nothing cached.

    The page embeds its query itself, as for a reader; "embedding" is the time
    the model spent on it, which may overlap the SQL (`embed_query_ahead`);
    "waited" is the part the page spent waiting for the vector, or for the
    items found by meaning beside it (`aside`), which wait for the vector.
    """
    clear_caches()
    embedding.forget_queries()
    spent.reset()
    embedded, waited = embedding.query_seconds(), embedding.wait_seconds() + aside.wait_seconds()
    started = time.perf_counter()
    ensure_ok(client.get("/zoeken/", params))
    page = (time.perf_counter() - started) * 1000
    embedded = embedding.query_seconds() - embedded
    waited = embedding.wait_seconds() + aside.wait_seconds() - waited
    return page, embedded * 1000, waited * 1000, spent.ms


def cached_page(client, params):
    started = time.perf_counter()
    ensure_ok(client.get("/zoeken/", params))
    return (time.perf_counter() - started) * 1000


def measure(client, records):
    """Time every query of every class ({class: [record]}) cold and then cached, into its record."""
    # The model, the connection and the templates loaded before the first measured request.
    ensure_ok(client.get("/zoeken/", {"q": WARMUP_QUERY}))
    spent = StatementTimer()
    with connection.execute_wrapper(spent):
        for class_records in records.values():
            for record in class_records:
                params = params_of(record)
                page, embedded, waited, sql = cold_page(client, params, spent)
                record.update(
                    cold_ms=round(page, 2),
                    embedding_ms=round(embedded, 2),
                    waited_ms=round(waited, 2),
                    sql_ms=round(sql, 2),
                    cached_ms=round(cached_page(client, params), 2),
                )
