"""Time a lesson import through the admin (`make bench-import`); the logic is in content.bench.imports."""

from django.core.management.base import BaseCommand

from dealkennis.content.bench.imports import bench_import
from dealkennis.management.commands.generate_corpus import add_test_database_argument, prepare_database


class Command(BaseCommand):
    help = (
        "Time a lesson import through the admin (preview, then confirm), first as new rows and then "
        "the same rows as updates, in a benchmark database (DEALKENNIS_DB_NAME=dealkennis_bench). "
        "Everything it writes is rolled back."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=5000)
        add_test_database_argument(parser)

    def handle(self, *args, **options):
        prepare_database(options["allow_test_database"])
        bench_import(options["rows"], self.stdout.write)
