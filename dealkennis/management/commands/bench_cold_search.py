"""`manage.py bench_cold_search`: only the benchmark's headline, the cold search page per query class."""

import json
import os
from pathlib import Path

from django.core.management.base import BaseCommand

from dealkennis.content.bench.host import describe, host_check
from dealkennis.content.bench.queries import CLASSES, PER_CLASS
from dealkennis.content.bench.report import summarise
from dealkennis.content.bench.run import headline, measured_settings
from dealkennis.management.commands.generate_corpus import add_test_database_argument, prepare_database
from dealkennis.search.meaning import semantic_available


class Command(BaseCommand):
    help = (
        "Time the search page cold (caches and query vectors emptied before every request) on the "
        "corpus in this database, distinct queries per class, each asked once and then again (cached); "
        "compare with DEALKENNIS_EMBEDDING_BACKEND=off for the cost of meaning."
    )

    def add_arguments(self, parser):
        parser.add_argument("--per-class", type=int, default=PER_CLASS, help="distinct queries per class")
        parser.add_argument("--seed", type=int, default=1, help="the seed the corpus was generated with")
        parser.add_argument("--json", type=Path, help="also write the figures and the queries to this file")
        add_test_database_argument(parser)

    def handle(self, *args, **options):
        prepare_database(options["allow_test_database"])
        load = os.getloadavg()
        with measured_settings():
            before = host_check()
            classes, records = headline(options["seed"], options["per_class"])
            after = host_check()
        figures = summarise(records)
        self.stdout.write(f"search by meaning: {'on' if semantic_available() else 'off'}; load {load}")
        self.stdout.write(f"host check, CPU ms p50: before {describe(before)}; after {describe(after)}")
        self.stdout.write(
            "ms p50 / p95: cold page (p50 of: the model's embedding, the part of it the page waited for,"
            " sql, python) and the same query cached"
        )
        for name in CLASSES:
            row = figures[name]
            if not row["n"]:
                self.stdout.write(f"{name:10} n=  0")
                continue
            self.stdout.write(
                f"{name:10} n={row['n']:3}  cold {row['cold_ms']['p50']:6.1f} {row['cold_ms']['p95']:6.1f}"
                f"  embedding {row['embedding_ms']['p50']:5.1f} waited {row['waited_ms']['p50']:5.1f}"
                f"  sql {row['sql_ms']['p50']:6.1f}  python {row['python_ms']['p50']:5.1f}"
                f"  cached {row['cached_ms']['p50']:5.1f} {row['cached_ms']['p95']:5.1f}"
            )
        if options["json"]:
            result = {"meaning": semantic_available(), "load": load, "classes": figures, "queries": classes}
            result.update(host_before=before, host_after=after)
            options["json"].write_text(json.dumps(result, indent=1, ensure_ascii=False))
