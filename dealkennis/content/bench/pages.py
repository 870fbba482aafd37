"""The site's pages through the test client: the card, lesson, list, programme and learning pages,
cached (after a warm-up) and uncached, and where the search page's SQL time goes per query class."""

import time
from itertools import cycle

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cards.models import Card
from dealkennis.caching import clear_caches
from dealkennis.content.bench.queries import params_of
from dealkennis.content.bench.timing import WARMUP, p50_p95, timings
from dealkennis.models import Programme
from dealkennis.search import embedding, hybrid
from lessons.models import Lesson

PAGES = ("card", "lesson", "list", "programme", "learning")
BREAKDOWN_QUERIES = 3
# Seconds of measuring per page and kind (cached, uncached): enough for `runs`
# requests of a fast page; a page taking seconds gets fewer (at least 3, see timing).
PAGE_BUDGET_S = 20


def ensure_ok(response):
    if response.status_code != 200:
        raise CommandError(f"{response.request['PATH_INFO']} answered {response.status_code}")


def item_pages(client, runs):
    """The card, lesson, list, programme and learning pages, each over a rotation of its addresses."""
    result = {}
    anonymous = AnonymousUser()
    urls = {
        "card": [card.get_absolute_url() for card in Card.objects.visible_to(anonymous).order_by("?")[:20]],
        "lesson": [les.get_absolute_url() for les in Lesson.objects.visible_to(anonymous).order_by("?")[:20]],
        "list": ["/kaarten/", "/lessen/"],
        "programme": [programme.get_absolute_url() for programme in Programme.objects.all()],
        "learning": ["/leren/"],
    }
    for suffix, cold in (("_uncached", True), ("", False)):
        pages = {}
        for name, paths in urls.items():
            rotation = cycle(paths)
            action = lambda r=rotation: ensure_ok(client.get(next(r)))  # noqa: E731
            # Cached: every page of the rotation once first, so each of them is cached.
            warmup = 1 if cold else max(WARMUP, len(paths))
            pages[name] = timings(action, runs, cold, warmup=warmup, budget_s=PAGE_BUDGET_S)
        result[f"pages{suffix}_p50_ms"] = {name: p50_p95(ms)["p50"] for name, ms in pages.items()}
        result[f"pages{suffix}_p95_ms"] = {name: p50_p95(ms)["p95"] for name, ms in pages.items()}
        result[f"pages{suffix}_n"] = {name: len(ms) for name, ms in pages.items()}
    return result


def sql_part(sql):
    """Which part of the search a captured SQL statement belongs to."""
    if "ts_headline" in sql:
        return "headline"
    # Typo correction, or the any-word tsquery (every " & " turned into " | ").
    if "dealkennis_searchword" in sql or "' & ', ' | '" in sql:
        return "fallback"
    if sql.startswith("WITH matched"):
        return "facets"
    if "ts_rank" in sql or "UNION" in sql:
        return "ranking"
    return "other"


def sql_breakdown(client, records):
    """Mean milliseconds per part of the search page over the first few queries of each class, cold.

    Captured apart from the headline: capturing SQL slows every query a little.
    """
    result = {}
    for name, class_records in records.items():
        asked = [params_of(record) for record in class_records[:BREAKDOWN_QUERIES]]
        parts = dict.fromkeys(("facets", "ranking", "headline", "fallback", "other"), 0.0)
        page_ms, statements = 0.0, 0
        for params in asked:
            clear_caches()
            embedding.forget_queries()
            if hybrid.wanted(params["q"]):
                embedding.embed_query(params["q"])  # untimed: "python" is the page without it
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                client.get("/zoeken/", params)
                page_ms += (time.perf_counter() - started) * 1000
            statements += len(captured.captured_queries)
            for query in captured.captured_queries:
                parts[sql_part(query["sql"])] += float(query["time"]) * 1000
        runs = max(len(asked), 1)
        row = {part: round(ms / runs, 2) for part, ms in parts.items()}
        row["sql_total"] = round(sum(parts.values()) / runs, 2)
        row["python"] = round(page_ms / runs - row["sql_total"], 2)
        row["queries"] = round(statements / runs, 1)
        result[name] = row
    return result
