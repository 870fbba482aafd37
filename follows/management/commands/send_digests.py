"""Send the digests that are due; meant for cron or a systemd timer (see the README).

Running it more often than needed is harmless: each reader's period is sent
once (`follows.digest`). Exits with status 1 when a mail could not be sent, so
the timer's log shows it; those readers are tried again on the next run.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from follows.digest import send_digests


class Command(BaseCommand):
    help = "Send the e-mail digests of what is new in what readers follow (safe to run repeatedly)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            help="Act as if it were this moment (ISO 8601, e.g. 2026-12-07T07:00+01:00), for tests.",
        )

    def handle(self, *args, now=None, **options):
        moment = None
        if now:
            moment = parse_datetime(now)
            if moment is None or moment.tzinfo is None:
                raise CommandError("--now must be an ISO 8601 date and time with its offset.")
        report = send_digests(moment)
        self.stdout.write(
            f"Digests sent: {report.sent}; nothing new: {report.empty}; "
            f"not due: {report.skipped}; failed: {report.failed}."
        )
        if report.failed:
            raise CommandError(f"{report.failed} digest(s) could not be sent; they are tried again next run.")
