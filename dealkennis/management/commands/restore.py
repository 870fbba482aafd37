"""`manage.py restore`: a backup into a new, empty database, all or nothing."""

import subprocess
from pathlib import Path

import psycopg
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dealkennis.db.tools import (
    connection_arguments,
    ensure_database,
    environment,
    find_tool,
    server_params,
    server_settings,
)


class Command(BaseCommand):
    help = (
        "Restore a backup made by 'backup' into an empty database (created when missing), "
        "in one transaction: on any error nothing is restored."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--database-name",
            help="Restore into this database on the same server instead of the configured one.",
        )

    def handle(self, path, database_name, **options):
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        settings_dict = server_settings(connection)
        target = database_name or settings_dict["NAME"]
        self._ensure_empty_database(settings_dict, target)
        command = [
            find_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *connection_arguments(settings_dict, database=target),
            str(path),
        ]
        result = subprocess.run(command, capture_output=True, text=True, env=environment(settings_dict))
        if result.returncode != 0:
            raise CommandError(f"pg_restore failed, nothing was restored: {result.stderr.strip()}")
        self.stdout.write(self.style.SUCCESS(f"Restored {path} into {target}."))

    def _ensure_empty_database(self, settings_dict, name):
        if ensure_database(settings_dict, name):
            return
        with psycopg.connect(**server_params(settings_dict, name)) as target:
            tables = target.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
            ).fetchone()[0]
        if tables:
            raise CommandError(
                f"The database {name} is not empty ({tables} tables); restore into an empty or new "
                "database (--database-name) so nothing is overwritten."
            )
