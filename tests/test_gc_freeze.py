"""A worker keeps what its first request loaded out of later garbage collections."""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.db import connection

SCRIPT = """
import gc, json, django
django.setup()
from django.test import Client
client = Client()
before = gc.get_freeze_count()
first = client.get("/robots.txt").status_code
after_first = gc.get_freeze_count()
gc.unfreeze()
second = client.get("/robots.txt").status_code
print(json.dumps([before, first, after_first, second, gc.get_freeze_count()]))
"""


def test_a_new_process_freezes_what_its_first_request_loaded_and_only_then(db):
    server = connection.settings_dict
    host = quote(str(server["HOST"]), safe="")
    env = {key: value for key, value in os.environ.items() if key != "DEALKENNIS_DB_NAME"}
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=Path(__file__).resolve().parent.parent,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "dealkennis.settings",
            "DATABASE_URL": f"postgres://{server['USER']}@{host}:{server['PORT']}/{server['NAME']}",
            "DJANGO_ALLOWED_HOSTS": "testserver",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    before, first, after_first, second, after_second = json.loads(result.stdout.splitlines()[-1])
    assert (before, first, second) == (0, 200, 200)
    # The URLconf, templates, translations and models: tens of thousands of objects.
    assert after_first > 10_000
    assert after_second == 0
