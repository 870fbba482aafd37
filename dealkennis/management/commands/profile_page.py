"""`manage.py profile_page`: where a page's Python time goes (pyinstrument, a dev dependency)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings

from dealkennis.caching import clear_caches
from dealkennis.db.timer import StatementTimer
from dealkennis.search.embedding import forget_queries


class Command(BaseCommand):
    help = (
        "Profile pages through Django's test client with production settings (DEBUG off), "
        "by default cold: caches and query vectors emptied before every request."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="e.g. /zoeken/?q=deal /kaarten/")
        parser.add_argument("--runs", type=int, default=20, help="requests per path, all in one profile")
        parser.add_argument("--warm", action="store_true", help="keep the caches between requests")
        parser.add_argument("--html", help="also write the profile as HTML to this file")
        parser.add_argument("--all", action="store_true", help="show Django's and libraries' frames too")
        parser.add_argument("--interval", type=float, default=0.0005, help="sampling interval in seconds")

    def handle(self, *args, **options):
        try:
            from pyinstrument import Profiler
        except ImportError:
            raise CommandError("pyinstrument is a dev dependency: pip install -r requirements.txt") from None
        with override_settings(DEBUG=False, ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            client = Client()
            for path in options["paths"]:
                self.fetch(client, path)  # the model, templates and connection loaded
            profiler = Profiler(interval=options["interval"])
            spent, counter = 0.0, StatementTimer()
            for _ in range(options["runs"]):
                for path in options["paths"]:
                    if not options["warm"]:
                        clear_caches()
                        forget_queries()
                    with connection.execute_wrapper(counter):
                        started = time.perf_counter()
                        profiler.start()
                        self.fetch(client, path)
                        profiler.stop()
                        spent += time.perf_counter() - started
            statements = counter.count
        requests = options["runs"] * len(options["paths"])
        self.stdout.write(profiler.output_text(unicode=True, color=False, show_all=options["all"]))
        self.stdout.write(
            f"{requests} requests: {spent * 1000 / requests:.1f} ms and {statements / requests:.1f} "
            f"SQL statements per request (profiler overhead included)"
        )
        if options["html"]:
            with open(options["html"], "w") as out:
                out.write(profiler.output_html())

    def fetch(self, client, path):
        response = client.get(path)
        if response.status_code != 200:
            raise CommandError(f"{path} answered {response.status_code}")
