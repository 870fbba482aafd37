"""`manage.py backup`: a pg_dump of the database."""

import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from dealkennis.db.tools import connection_arguments, environment, find_tool, server_settings


class Command(BaseCommand):
    help = "Write a full backup of the database (pg_dump, custom format) to PATH."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, path, **options):
        if path.exists():
            raise CommandError(f"{path} already exists; choose a new file name.")
        settings_dict = server_settings(connection)
        command = [
            find_tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            "--file",
            str(path),
            *connection_arguments(settings_dict),
        ]
        result = subprocess.run(command, capture_output=True, text=True, env=environment(settings_dict))
        if result.returncode != 0:
            path.unlink(missing_ok=True)
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        self.stdout.write(self.style.SUCCESS(f"Backup of {settings_dict['NAME']} written to {path}."))
