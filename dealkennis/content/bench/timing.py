"""Timing a call many times after a warm-up, and the percentiles the benchmark reports."""

import math
import time

from dealkennis.caching import clear_caches
from dealkennis.search.embedding import forget_queries

WARMUP = 3
MIN_RUNS = 3


def percentile(samples, share):
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def timings(action, runs, cold=False, warmup=WARMUP, budget_s=None):
    """Milliseconds per call of `action`, after a few unmeasured warm-up calls.

    Cold: the (per-process) caches and the query vectors are emptied before
    every call, untimed, so each call computes everything (embedding the query
    too) as a query never asked before would. With a budget, measuring stops
    once the measured calls took that many seconds (after at least MIN_RUNS),
    so a page that takes seconds does not hold the benchmark up for minutes.
    """
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(runs):
        if budget_s is not None and len(samples) >= MIN_RUNS and sum(samples) > budget_s * 1000:
            break
        if cold:
            clear_caches()
            forget_queries()
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def p50_p95(samples):
    return {"p50": round(percentile(samples, 0.5), 3), "p95": round(percentile(samples, 0.95), 3)}
