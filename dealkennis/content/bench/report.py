"""What the benchmark reports besides its timings: the machine, the figures per class, the targets."""

import os
import platform
import statistics

import django
import psutil
from django.db import connection

from dealkennis.content.bench.host import describe
from dealkennis.content.bench.pages import PAGES
from dealkennis.content.bench.queries import CLASSES
from dealkennis.content.bench.timing import percentile

# Issue 16: 2 cores, distinct queries, nothing cached.
TARGETS = {"search_p95_ms": 50, "page_p95_ms": 20, "http_rps": 60, "http_p95_ms": 150, "worker_rss_mb": 200}
# Per query record: the figures summarised per class, as p50 and p95.
TIMED = (
    "cold_ms",
    "embedding_ms",
    "waited_ms",
    "sql_ms",
    "python_ms",
    "cached_ms",
    "plain_ms",
    "icontains_ms",
    "tantivy_ms",
)


def machine():
    with connection.cursor() as cursor:
        found = {}
        for name in ("server_version", "shared_buffers", "work_mem", "jit"):
            cursor.execute(f"SHOW {name}")
            found[name] = cursor.fetchone()[0]
    return {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "cpus": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "postgresql": found.pop("server_version"),
        "postgresql_settings": found,
        "database": connection.settings_dict["NAME"],
    }


def summarise(records):
    """{class: {n, hits_p50, <figure>: {p50, p95}}} from the per-query records of each class."""
    result = {}
    for name, class_records in records.items():
        row = {"n": len(class_records)}
        if class_records:
            row["hits_p50"] = statistics.median(record["hits"] for record in class_records)
            for record in class_records:
                # What the page spent in Python: neither in SQL nor waiting for
                # its query's vector (the embedding overlaps the SQL: only the
                # wait adds to the page).
                record["python_ms"] = round(record["cold_ms"] - record["waited_ms"] - record["sql_ms"], 2)
            for figure in TIMED:
                samples = [record[figure] for record in class_records if figure in record]
                if samples:
                    row[figure] = {
                        "p50": round(percentile(samples, 0.5), 2),
                        "p95": round(percentile(samples, 0.95), 2),
                    }
        result[name] = row
    return result


def _pair(row, figure, width=6):
    if figure not in row:
        return f"{'-':>{width * 2 + 1}}"
    return f"{row[figure]['p50']:{width}.1f} {row[figure]['p95']:{width}.1f}"


def print_size(write, size, result, classes):
    """The table of one size: the cold headline, the cached repeat and the alternatives per class."""
    write(
        f"\n{size} items, {result['visible_items']} visible to anonymous visitors; search by meaning "
        f"{'on' if result['meaning'] else 'off'}"
    )
    write("Search page COLD (headline): distinct queries, each asked once, every cache and query vector")
    write("emptied first; whole page through the test client. ms p50 p95; beside it the same queries")
    write("cached (asked again) and the alternatives (plain = ts_rank over all matches + exact count).")
    write("Embedding: the model's time, overlapping the SQL; python: the page less its SQL and its wait for")
    write("the query's vector.")
    columns = ["cold page", "embedding", "sql", "python", "cached", "plain SQL", "icontains", "tantivy"]
    write(f"{'class':<10} {'n':>3} {'hits':>7} " + " ".join(f"{column:>13}" for column in columns))
    for name in CLASSES:
        row = result["search"][name]
        figures = ("cold_ms", "embedding_ms", "sql_ms", "python_ms", "cached_ms")
        figures += ("plain_ms", "icontains_ms", "tantivy_ms")
        cells = " ".join(_pair(row, figure) for figure in figures)
        write(f"{name:<10} {row['n']:>3} {row.get('hits_p50', 0):>7} {cells}")
    for name in CLASSES:
        found = classes[name]
        if found["found"] < found["wanted"]:
            write(
                f"  {name}: only {found['found']} of {found['wanted']} queries follow the rule "
                f"({found['rule']}; {found['tried']} candidates counted)"
            )
    write("search page SQL by part, cold (ms, mean of the first 3 queries of each class):")
    parts = ("facets", "ranking", "headline", "fallback", "other", "python", "queries")
    write(f"  {'class':<10}" + "".join(f"{part:>10}" for part in parts))
    for name in CLASSES:
        row = result["sql_breakdown_ms"][name]
        write(f"  {name:<10}" + "".join(f"{row[part]:>10}" for part in parts))
    for suffix, label in (("_uncached", "pages, uncached"), ("", "pages, cached")):
        p50, p95 = result[f"pages{suffix}_p50_ms"], result[f"pages{suffix}_p95_ms"]
        counts = result[f"pages{suffix}_n"]
        pages = ", ".join(f"{name} {p50[name]:.1f} / {p95[name]:.1f} (n={counts[name]})" for name in PAGES)
        write(f"{label} (p50 / p95 ms): {pages}")
    write(f"tantivy index build: {result['tantivy_index_s']} s")
    before, after = result["load_average_before"], result["load_average_after"]
    write(f"load average before {fmt_load(before)}, after {fmt_load(after)}")
    host_before, host_after = describe(result["host_before"]), describe(result["host_after"])
    write(f"host check, CPU ms p50: before {host_before}; after {host_after}")
    if "http_rps" in result:
        write(
            f"http (gunicorn, 2 workers): {result['http_rps']} req/s, "
            f"p50 {result['http_p50_ms']} ms, p95 {result['http_p95_ms']} ms, "
            f"{result['http_errors']} errors, worker RSS {result['worker_rss_mb']} MB"
        )


def fmt_load(load):
    return " ".join(f"{value:.2f}" for value in load)


def target_checks(result):
    """[(text, passed)] for one size: every class cold, every page uncached, the HTTP load."""
    checks = []
    for name in CLASSES:
        row = result["search"][name]
        if "cold_ms" not in row:
            checks.append((f"search cold {name}: no queries", False))
            continue
        p95 = row["cold_ms"]["p95"]
        text = f"search cold p95 {name} {p95:.1f} ms"
        if row["n"] < result["per_class"]:
            text += f" (only {row['n']} queries)"
        checks.append((text, p95 <= TARGETS["search_p95_ms"]))
    for name in PAGES:
        p95 = result["pages_uncached_p95_ms"][name]
        checks.append((f"page uncached p95 {name} {p95:.1f} ms", p95 <= TARGETS["page_p95_ms"]))
    if "http_rps" in result:
        checks.append(
            (
                f"http {result['http_rps']} req/s p95 {result['http_p95_ms']} ms "
                f"{result['http_errors']} errors RSS max {max(result['worker_rss_mb'])} MB",
                result["http_rps"] >= TARGETS["http_rps"]
                and result["http_p95_ms"] < TARGETS["http_p95_ms"]
                and result["http_errors"] == 0
                and max(result["worker_rss_mb"]) < TARGETS["worker_rss_mb"],
            )
        )
    return checks


def print_targets(write, results):
    write(
        f"\nTargets (issue 16, cold): search page p95 <= {TARGETS['search_p95_ms']} ms for every class; "
        f"card/lesson/list/programme/learning pages p95 <= {TARGETS['page_p95_ms']} ms uncached;"
    )
    write(
        f">= {TARGETS['http_rps']} search req/s with p95 < {TARGETS['http_p95_ms']} ms, 0 errors, "
        f"< {TARGETS['worker_rss_mb']} MB per worker. Cached figures are shown above, never checked here."
    )
    for size, result in results["sizes"].items():
        write(
            f"  {size} (load average {fmt_load(result['load_average_after'])}; "
            f"host {describe(result['host_before'])} before, {describe(result['host_after'])} after):"
        )
        for text, passed in target_checks(result):
            write(f"    {'ok    ' if passed else 'MISSED'} {text}")
