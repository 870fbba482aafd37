"""Database settings from URLs: the primary's and the read replicas', parsed strictly.

Imported by the settings module, so it needs nothing of Django but its exception.
"""

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def database_from_url(name, url, conn_max_age):
    """A Django database setting from the URL in variable `name`; only PostgreSQL is accepted."""
    try:
        database = dj_database_url.parse(url, conn_max_age=conn_max_age, conn_health_checks=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} cannot be parsed: {error}") from None
    if database["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(f"{name} must point to PostgreSQL (postgres://...).")
    return database


def replica_databases(raw, conn_max_age, connect_timeout):
    """{"replica1": setting, ...} from DATABASE_REPLICA_URLS, comma-separated.

    Each mirrors "default" in tests, so the test suite needs no replica.
    """
    replicas = {}
    for number, url in enumerate(raw.split(","), start=1):
        if not url.strip():
            raise ImproperlyConfigured(
                "DATABASE_REPLICA_URLS has an empty entry; separate URLs with one comma."
            )
        replica = database_from_url("DATABASE_REPLICA_URLS", url.strip(), conn_max_age)
        replica.setdefault("OPTIONS", {})["connect_timeout"] = connect_timeout
        replica["TEST"] = {"MIRROR": "default"}
        replicas[f"replica{number}"] = replica
    return replicas
