"""Measure the embedding model here: query and passage time, memory (`manage.py bench_embedding`)."""

import random
import resource
import time

from django.core.management.base import BaseCommand, CommandError

from dealkennis.content.bench.timing import percentile
from dealkennis.content.sampler import Vocabulary, demo_texts
from dealkennis.search import embedding


def _rss_mb():
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


class Command(BaseCommand):
    # The checks would load the model before it is timed.
    requires_system_checks = []
    help = (
        "Time the embedding model in this process (one thread): distinct generated queries, then "
        "passages of demo text as long as items' embedded text; report RSS with the model loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queries", type=int, default=200)
        parser.add_argument("--passages", type=int, default=20)

    def handle(self, *args, **options):
        before = _rss_mb()
        started = time.perf_counter()
        if not embedding.model_available():
            raise CommandError(f"The model cannot run here: {embedding.unavailable_reason()}")
        load_ms = (time.perf_counter() - started) * 1000
        vocabulary = Vocabulary(seed=7)
        rng = random.Random(7)  # noqa: S311 - test text
        queries = [
            " ".join(vocabulary.draw(rng, rng.randint(2, 8))) + f" {n}" for n in range(options["queries"])
        ]
        timings = []
        for query in queries:
            started = time.perf_counter()
            embedding.embed_query(query)
            timings.append((time.perf_counter() - started) * 1000)
        words = " ".join(demo_texts()).split()
        passages = [" ".join(words[n * 200 : n * 200 + 200]) for n in range(options["passages"])]
        started = time.perf_counter()
        embedding.embed_passages(passages)
        per_passage = (time.perf_counter() - started) / len(passages)
        self.stdout.write(
            f"model load {load_ms:.0f} ms; query p50 {percentile(timings, 0.5):.1f} ms, "
            f"p95 {percentile(timings, 0.95):.1f} ms ({len(queries)} distinct queries)\n"
            f"passage of 200 words: {per_passage * 1000:.0f} ms ({1 / per_passage:.2f} passages/s)\n"
            f"RSS {before:.0f} MB before the model, {_rss_mb():.0f} MB after "
            f"(peak {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB)"
        )
