"""`manage.py generate_corpus`: a benchmark corpus in a database of its own."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from dealkennis.content import corpus
from dealkennis.db.tools import ensure_database, server_settings


class Command(BaseCommand):
    help = (
        "Fill a benchmark database (DEALKENNIS_DB_NAME=dealkennis_bench) with generated cards and "
        "lessons. Replaces all cards and lessons there unless --append is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, required=True, help="how many cards and lessons together")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--append", action="store_true", help="keep the items already there")
        add_test_database_argument(parser)

    def handle(self, *args, **options):
        prepare_database(options["allow_test_database"])
        started = time.perf_counter()
        counts = corpus.generate(options["items"], seed=options["seed"], append=options["append"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {counts['cards']} cards and {counts['lessons']} lessons in "
                f"{connection.settings_dict['NAME']} in {time.perf_counter() - started:.1f} s."
            )
        )


def add_test_database_argument(parser):
    """The flag every benchmark command takes to run on the test database (for the project's tests)."""
    parser.add_argument(
        "--allow-test-database",
        action="store_true",
        help="allow a test_ database (for the project's own tests)",
    )


def prepare_database(allow_test_database):
    """Check the database is a benchmark one, and create and migrate it when needed."""
    name = corpus.check_database(connection.settings_dict, allow_test_database)
    if not name.startswith("test_"):
        # The test runner has created and migrated a test database already.
        ensure_database(server_settings(connection))
        call_command("migrate", interactive=False, verbosity=0)
