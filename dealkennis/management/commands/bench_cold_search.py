"""`manage.py bench_cold_search`: the search page with nothing cached, per class and distinct queries."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from dealkennis.content.bench.cold import measure
from dealkennis.management.commands.generate_corpus import add_test_database_argument, prepare_database


class Command(BaseCommand):
    help = (
        "Time the search page cold (caches and query vectors emptied before every request) on the "
        "corpus in this database; compare with DEALKENNIS_EMBEDDING_BACKEND=off for the cost of meaning."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=15, help="requests per query class")
        parser.add_argument("--distinct", type=int, default=60, help="distinct queries, each asked once")
        parser.add_argument("--json", type=Path, help="also write the figures to this file")
        add_test_database_argument(parser)

    def handle(self, *args, **options):
        prepare_database(options["allow_test_database"])
        result = measure(options["runs"], options["distinct"])
        self.stdout.write(f"search by meaning: {'on' if result['meaning'] else 'off'}; load {result['load']}")
        for name, figures in result["classes"].items():
            self.stdout.write(
                f"{name:10} n={figures['n']:3}  page p50 {figures['page_p50']:7.1f}"
                f" p95 {figures['page_p95']:7.1f}  embedding p50 {figures['embedding_p50']:5.1f}"
                f"  sql p50 {figures['sql_p50']:6.1f}  ms"
            )
        if options["json"]:
            options["json"].write_text(json.dumps(result, indent=1, ensure_ascii=False))
