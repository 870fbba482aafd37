"""`manage.py bench_load`: the search through gunicorn (2 workers) under distinct queries, each asked once."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dealkennis.content.bench.load import http_load


class Command(BaseCommand):
    help = (
        "Drive gunicorn with two workers on the corpus in this database with wrk and a stream of "
        "distinct search queries (every request a cold search): requests/s, latency, errors, worker "
        "memory and CPU per request (embedding, Python, database)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seconds", type=int, default=30)
        parser.add_argument("--json", type=Path, help="also write the figures to this file")

    def handle(self, *args, **options):
        result = http_load([], options["seconds"])
        if result is None:
            raise CommandError("wrk is not installed (apt-get install wrk).")
        self.stdout.write(json.dumps(result, indent=1))
        if options["json"]:
            options["json"].write_text(json.dumps(result, indent=1))
