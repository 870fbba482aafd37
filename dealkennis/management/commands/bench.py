"""Measure search and page speed on generated corpora (`make bench`); the logic is in content.bench."""

from pathlib import Path

from django.core.management.base import BaseCommand

from dealkennis.content.bench.queries import PER_CLASS
from dealkennis.content.bench.run import run
from dealkennis.management.commands.generate_corpus import add_test_database_argument, prepare_database


class Command(BaseCommand):
    help = "Benchmark search and pages on generated corpora (in a benchmark database, see generate_corpus)."

    def add_arguments(self, parser):
        parser.add_argument("--items", default="1000,10000,100000", help="comma-separated corpus sizes")
        parser.add_argument("--json", required=True, help="where to write the results")
        parser.add_argument(
            "--per-class", type=int, default=PER_CLASS, help="distinct queries per class, each asked once"
        )
        parser.add_argument("--runs", type=int, default=30, help="measured runs per page (card, lesson, ...)")
        parser.add_argument(
            "--http-seconds", type=int, default=30, help="seconds of load through gunicorn; 0 skips it"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--no-generate",
            action="store_true",
            help="only measure a corpus already in the database, of exactly the asked size; never write one",
        )
        add_test_database_argument(parser)

    def handle(self, *args, **options):
        prepare_database(options["allow_test_database"])
        run(
            sizes=[int(size) for size in options["items"].split(",")],
            path=Path(options["json"]),
            runs=options["runs"],
            http_seconds=options["http_seconds"],
            seed=options["seed"],
            stdout=self.stdout,
            style=self.style,
            per_class=options["per_class"],
            generate=not options["no_generate"],
        )
