"""What the benchmark reports besides its timings: the machine, the tables per size, the targets."""

import os
import platform

import django
import psutil
from django.db import connection

from dealkennis.content.bench.load import HTTP_CONNECTIONS
from dealkennis.content.bench.pages import PAGES
from dealkennis.content.bench.queries import CLASSES, FACETS

TARGETS = {"search_p95_ms": 50, "page_p95_ms": 20, "http_rps": 150, "http_p95_ms": 100, "worker_rss_mb": 150}


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


def print_size(write, size, result, info):
    write(f"\n{size} items, {result['visible_items']} visible to anonymous visitors (ms: p50 / p95)")
    header = f"{'class':<10} {'query':<40} {'hits':>6} {'page':>13} {'page uncached':>15}"
    write(header + f" {'raw rank':>15} {'icontains':>17} {'tantivy':>13}")
    for name in CLASSES:
        query = info[name]["q"] + "".join(f" {k}={v}" for k, v in info[name].items() if k in FACETS)
        path = " (fuzzy)" if info[name]["fuzzy"] else " (widened)" if info[name]["widened"] else ""
        cells = [
            f"{result['page_p50_ms'][name]:6.1f} {result['page_p95_ms'][name]:6.1f}",
            f"{result['page_uncached_p50_ms'][name]:7.1f} {result['page_uncached_p95_ms'][name]:7.1f}",
            f"{result['raw_rank_ms'][name]['p50']:7.1f} {result['raw_rank_ms'][name]['p95']:7.1f}",
            f"{result['icontains_ms'][name]['p50']:8.1f} {result['icontains_ms'][name]['p95']:8.1f}",
            f"{result['tantivy_ms'][name]['p50']:6.2f} {result['tantivy_ms'][name]['p95']:6.2f}",
        ]
        write(f"{name:<10} {(query + path)[:40]:<40} {info[name]['hits']:>6} " + " ".join(cells))
    write("search page SQL by part (ms, mean of 3):")
    parts = ("facets", "ranking", "headline", "fallback", "other", "python", "queries")
    write(f"  {'class':<10}" + "".join(f"{part:>10}" for part in parts))
    for name in CLASSES:
        row = result["sql_breakdown_ms"][name]
        write(f"  {name:<10}" + "".join(f"{row[part]:>10}" for part in parts))
    for suffix, label in (("", "pages"), ("_uncached", "pages, uncached")):
        p50, p95 = result[f"pages{suffix}_p50_ms"], result[f"pages{suffix}_p95_ms"]
        pages = ", ".join(f"{name} {p50[name]:.1f} / {p95[name]:.1f}" for name in PAGES)
        write(f"{label}: {pages}")
    write(f"tantivy index build: {result['tantivy_index_s']} s")
    before, after = result["load_average_before"][0], result["load_average_after"][0]
    write(f"load average (1 min) before {before:.2f}, after {after:.2f}")
    if "http_rps" in result:
        write(
            f"http (gunicorn, 2 workers, {HTTP_CONNECTIONS} connections): {result['http_rps']} req/s, "
            f"p50 {result['http_p50_ms']} ms, p95 {result['http_p95_ms']} ms, "
            f"{result['http_errors']} errors, worker RSS {result['worker_rss_mb']} MB"
        )


def print_targets(write, results):
    write("\nTargets: search page p95 <= 50 ms per class; card/lesson/list/learning p95 <= 20 ms;")
    write(">= 150 search req/s with p95 < 100 ms, 0 errors, < 150 MB per worker")
    write("(page targets as the issue measures them, after a warm-up; uncached shown alongside)")
    for size, result in results["sizes"].items():
        checks = []
        for suffix, label in (("", "after warm-up"), ("_uncached", "uncached")):
            worst = max(result[f"page{suffix}_p95_ms"].items(), key=lambda pair: pair[1])
            slowest = max(result[f"pages{suffix}_p95_ms"].items(), key=lambda pair: pair[1])
            checks += [
                (
                    f"search {label} p95 max {worst[1]:.1f} ms ({worst[0]})",
                    worst[1] <= TARGETS["search_p95_ms"],
                ),
                (
                    f"pages {label} p95 max {slowest[1]:.1f} ms ({slowest[0]})",
                    slowest[1] <= TARGETS["page_p95_ms"],
                ),
            ]
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
        write(f"  {size}:")
        for text, passed in checks:
            write(f"    {text}: {'ok' if passed else 'MISSED'}")
