"""The site's pages through the test client: the search page per query class, where its SQL time
goes, and the card, lesson, list and learning pages; cached (after a warm-up) and uncached."""

import time
from itertools import cycle

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cards.models import Card
from dealkennis.caching import clear_caches
from dealkennis.content.bench.timing import WARMUP, p50_p95, timings
from lessons.models import Lesson

PAGES = ("card", "lesson", "list", "learning")


def ensure_ok(response):
    if response.status_code != 200:
        raise CommandError(f"{response.request['PATH_INFO']} answered {response.status_code}")


def search_pages(client, params, runs):
    """The search page per query class, and the SQL breakdown of each."""
    result = {}
    # As the issue measures, after a warm-up: the same query again, served
    # from the cache where the view has one (page_*). Uncached: what a
    # query costs the first time after any content change (page_uncached_*).
    for suffix, cold in (("", False), ("_uncached", True)):
        page = {
            name: timings(lambda p=p: ensure_ok(client.get("/zoeken/", p)), runs, cold)
            for name, p in params.items()
        }
        result[f"page{suffix}_p50_ms"] = {name: p50_p95(ms)["p50"] for name, ms in page.items()}
        result[f"page{suffix}_p95_ms"] = {name: p50_p95(ms)["p95"] for name, ms in page.items()}
    result["sql_breakdown_ms"] = {name: sql_breakdown(client, p) for name, p in params.items()}
    return result


def item_pages(client, runs):
    """The card, lesson, list and learning pages, each over a rotation of its addresses."""
    result = {}
    anonymous = AnonymousUser()
    urls = {
        "card": [card.get_absolute_url() for card in Card.objects.visible_to(anonymous).order_by("?")[:20]],
        "lesson": [les.get_absolute_url() for les in Lesson.objects.visible_to(anonymous).order_by("?")[:20]],
        "list": ["/kaarten/", "/lessen/"],
        "learning": ["/leren/"],
    }
    for suffix, cold in (("", False), ("_uncached", True)):
        pages = {}
        for name, paths in urls.items():
            rotation = cycle(paths)
            action = lambda r=rotation: ensure_ok(client.get(next(r)))  # noqa: E731
            # Every page of the rotation once, so "cached" means cached for each of them.
            pages[name] = timings(action, runs, cold, warmup=max(WARMUP, len(paths)))
        result[f"pages{suffix}_p50_ms"] = {name: p50_p95(ms)["p50"] for name, ms in pages.items()}
        result[f"pages{suffix}_p95_ms"] = {name: p50_p95(ms)["p95"] for name, ms in pages.items()}
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


def sql_breakdown(client, params, runs=3):
    """Mean milliseconds per part of the search page, from the SQL it runs."""
    parts = dict.fromkeys(("facets", "ranking", "headline", "fallback", "other"), 0.0)
    page_ms = 0.0
    for _ in range(runs):
        clear_caches()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            client.get("/zoeken/", params)
            page_ms += (time.perf_counter() - started) * 1000
        for query in captured.captured_queries:
            parts[sql_part(query["sql"])] += float(query["time"]) * 1000
    result = {name: round(ms / runs, 2) for name, ms in parts.items()}
    result["sql_total"] = round(sum(parts.values()) / runs, 2)
    result["python"] = round(page_ms / runs - result["sql_total"], 2)
    result["queries"] = len(captured.captured_queries)
    return result
