"""One benchmark run: per corpus size, generate or reuse the corpus, measure everything, write JSON."""

import json
import os
import time
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from cards.models import Card
from dealkennis.content import corpus, sampler
from dealkennis.content.bench import alternatives, load, pages, report
from dealkennis.content.bench.queries import FACETS, choose_queries, search_outcome, visible_count
from lessons.models import Lesson


def run(sizes, path, runs, http_seconds, seed, stdout, style):
    """Measure every size in turn; `stdout` and `style` are the calling command's."""
    path.parent.mkdir(parents=True, exist_ok=True)
    results = {"sizes": {}, "queries": {}, "machine": report.machine(), "targets": report.TARGETS}
    # Measured as in production: no SQL logging, which DEBUG would add to every query.
    with override_settings(DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
        for size in sizes:
            size_results, queries = bench_size(size, runs, http_seconds, seed, stdout, style)
            results["sizes"][str(size)] = size_results
            results["queries"][str(size)] = queries
            # Written after every size, so a long run leaves what it measured.
            path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    report.print_targets(stdout.write, results)
    stdout.write(f"Results written to {path}")


def bench_size(size, runs, http_seconds, seed, stdout, style):
    # The machine may be shared (other test runs, the same PostgreSQL server):
    # the load average tells how quiet it was.
    result = {"items": size, "load_average_before": os.getloadavg()}
    source = corpus.source_label(seed)
    existing = Card.objects.count() + Lesson.objects.count()
    generated = Card.objects.filter(source=source).count() + Lesson.objects.filter(source=source).count()
    if existing == generated == size:
        stdout.write(f"\n== {size} items: reusing the corpus in {connection.settings_dict['NAME']}")
    else:
        stdout.write(f"\n== {size} items: generating the corpus")
        started = time.perf_counter()
        corpus.generate(size, seed=seed)
        result["generate_s"] = round(time.perf_counter() - started, 1)
    visible = visible_count()
    result["visible_items"] = visible

    queries = choose_queries(sampler.Vocabulary(seed), visible)
    for params in queries.values():
        outcome = search_outcome(params)
        params_info = {"hits": outcome.total, "fuzzy": outcome.fuzzy, "widened": outcome.widened}
        params_info["suggestion"] = outcome.suggestion
        params.update(params_info)
    # The measured parameters are the query and filters only.
    info = {name: dict(params) for name, params in queries.items()}
    params = {name: {k: v for k, v in p.items() if k == "q" or k in FACETS} for name, p in queries.items()}

    client = Client()
    result.update(pages.search_pages(client, params, runs))
    result.update(pages.item_pages(client, runs))
    result.update(alternatives.compare(params, runs, info))

    if http_seconds > 0:
        paths = [f"/zoeken/?{urlencode(p)}" for p in params.values()]
        http = load.http_load(paths, http_seconds)
        if http is None:
            stdout.write(style.WARNING("wrk is not installed: skipping the HTTP load test."))
        else:
            result.update(http)
    result["load_average_after"] = os.getloadavg()
    report.print_size(stdout.write, size, result, info)
    return result, info
