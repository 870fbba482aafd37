"""One benchmark run: per corpus size, generate or reuse the corpus, measure everything, write JSON."""

import json
import os
import time
from urllib.parse import urlencode

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from cards.models import Card
from dealkennis.content import corpus, sampler
from dealkennis.content.bench import alternatives, cold, host, load, pages, report
from dealkennis.content.bench.queries import PER_CLASS, choose_queries, params_of, visible_count
from dealkennis.search.meaning import semantic_available
from lessons.models import Lesson


def measured_settings():
    # Measured as in production: no SQL logging, which DEBUG would add to every query.
    return override_settings(DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"])


def run(sizes, path, runs, http_seconds, seed, stdout, style, per_class=PER_CLASS, generate=True):
    """Measure every size in turn; `stdout` and `style` are the calling command's.

    With `generate` false, a size whose corpus is not already in the database is refused
    rather than generated (for measuring someone else's corpus without writing to it).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    results = {"sizes": {}, "queries": {}, "machine": report.machine(), "targets": report.TARGETS}
    with measured_settings():
        for size in sizes:
            size_results, queries = bench_size(
                size, runs, http_seconds, seed, per_class, generate, stdout, style
            )
            results["sizes"][str(size)] = size_results
            results["queries"][str(size)] = queries
            # Written after every size, so a long run leaves what it measured.
            path.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    report.print_targets(stdout.write, results)
    stdout.write(f"Results written to {path}")


def ensure_corpus(size, seed, generate, stdout):
    """Reuse the corpus in this database when it is exactly this size and seed; else generate it.

    Returns the seconds generating took, or None when the corpus was reused.
    """
    source = corpus.source_label(seed)
    existing = Card.objects.count() + Lesson.objects.count()
    generated = Card.objects.filter(source=source).count() + Lesson.objects.filter(source=source).count()
    if existing == generated == size:
        stdout.write(f"\n== {size} items: reusing the corpus in {connection.settings_dict['NAME']}")
        return None
    if not generate:
        raise CommandError(
            f"The database {connection.settings_dict['NAME']} holds {existing} items ({generated} generated "
            f"with seed {seed}), not a corpus of {size}; not generating one (--no-generate)."
        )
    stdout.write(f"\n== {size} items: generating the corpus")
    started = time.perf_counter()
    corpus.generate(size, seed=seed)
    return round(time.perf_counter() - started, 1)


def headline(seed, per_class):
    """The distinct queries of every class, measured cold and cached: (classes, records)."""
    chosen = choose_queries(sampler.Vocabulary(seed), visible_count(), per_class, seed)
    classes = {name: found.summary() for name, found in chosen.items()}
    # The records are the summaries' query lists: the timings go into them.
    records = {name: found["queries"] for name, found in classes.items()}
    cold.measure(Client(), records)
    return classes, records


def bench_size(size, runs, http_seconds, seed, per_class, generate, stdout, style):
    # The machine may be shared (other test runs, the same PostgreSQL server):
    # the load average tells how quiet it was.
    result = {"items": size, "load_average_before": os.getloadavg()}
    generate_s = ensure_corpus(size, seed, generate, stdout)
    if generate_s is not None:
        result["generate_s"] = generate_s
    result.update(visible_items=visible_count(), meaning=semantic_available(), per_class=per_class)

    # The host's speed drifts: its speed around this size's figures goes with them.
    result["host_before"] = host.host_check()
    classes, records = headline(seed, per_class)
    client = Client()
    # The site's pages before the alternatives: icontains reads every item's
    # long texts out of TOAST (a gigabyte at 100k), which pushes the site's
    # indexes and rows out of PostgreSQL's buffers, so pages measured right
    # after it paid for reading them back in their slowest requests.
    result["sql_breakdown_ms"] = pages.sql_breakdown(client, records)
    result.update(pages.item_pages(client, runs))
    result.update(alternatives.compare(records))
    result["search"] = report.summarise(records)
    if http_seconds > 0:
        http = http_load(records, http_seconds)
        if http is None:
            stdout.write(style.WARNING("wrk is not installed: skipping the HTTP load test."))
        else:
            result.update(http)
    result["load_average_after"] = os.getloadavg()
    result["host_after"] = host.host_check()
    report.print_size(stdout.write, size, result, classes)
    return result, classes


def http_load(records, seconds):
    """The search under load through gunicorn (dealkennis.content.bench.load), on the distinct queries."""
    paths = [f"/zoeken/?{urlencode(params_of(record))}" for rows in records.values() for record in rows]
    return load.http_load(paths, seconds)
