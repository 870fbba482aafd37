"""The cold search page: every request with all caches of the process emptied, the query vector too.

Per query class (the benchmark's classes, each asked `runs` times) and for
`distinct` generated queries of 1-3 words, none asked twice, the whole page's
time through Django's test client, and how much of it was spent embedding
the query and in SQL. Run it once with search by meaning and once without
(`DEALKENNIS_EMBEDDING_BACKEND=off`) on the same corpus to see what meaning costs.
"""

import os
import random
import time

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from dealkennis.caching import clear_caches
from dealkennis.content.bench.queries import FACETS, choose_queries, visible_count
from dealkennis.content.bench.timing import percentile
from dealkennis.content.sampler import Vocabulary
from dealkennis.search import embedding, hybrid
from dealkennis.search.meaning import semantic_available


def distinct_queries(count, seed=11):
    rng = random.Random(seed)  # noqa: S311 - reproducible queries, not secrets
    words = [word for word in Vocabulary(seed).words if word.isalpha() and len(word) >= 4]
    queries = []
    while len(queries) < count:
        query = " ".join(rng.sample(words, rng.randint(1, 3)))
        if query not in queries:
            queries.append(query)
    return queries


class Spent:
    """Milliseconds spent in SQL and embedding queries during one request."""

    def __init__(self):
        self.sql = self.embedding = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql += (time.perf_counter() - started) * 1000


def _page(client, params, spent):
    clear_caches()
    embedding.forget_queries()
    spent.sql = 0.0
    started = time.perf_counter()
    if params.get("q") and hybrid.wanted(params["q"]):
        # Timed on its own: the page then finds the vector in the query cache.
        embedding.embed_query(params["q"])
    spent.embedding = (time.perf_counter() - started) * 1000
    response = client.get("/zoeken/", params)
    assert response.status_code == 200, response.status_code
    return (time.perf_counter() - started) * 1000


def measure(runs, distinct, seed=1):
    """{class: {page_p50, page_p95, embedding_p50, sql_p50, n}} for the corpus in this database."""
    classes = {
        name: {key: value for key, value in params.items() if key == "q" or key in FACETS}
        for name, params in choose_queries(Vocabulary(seed), visible_count()).items()
    }
    asked = {name: [params] * runs for name, params in classes.items()}
    asked["distinct"] = [{"q": query} for query in distinct_queries(distinct)]
    result = {"meaning": semantic_available(), "load": list(os.getloadavg()), "classes": {}}
    with override_settings(DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        client = Client()
        client.get("/zoeken/", {"q": "opwarmen"})  # model, connection and templates loaded
        spent = Spent()
        with connection.execute_wrapper(spent):
            for name, params_list in asked.items():
                page, embedded, sql = [], [], []
                for params in params_list:
                    page.append(_page(client, params, spent))
                    embedded.append(spent.embedding)
                    sql.append(spent.sql)
                result["classes"][name] = {
                    "q": params_list[0].get("q"),
                    "n": len(page),
                    "page_p50": round(percentile(page, 0.5), 1),
                    "page_p95": round(percentile(page, 0.95), 1),
                    "embedding_p50": round(percentile(embedded, 0.5), 1),
                    "sql_p50": round(percentile(sql, 0.5), 1),
                }
    return result
