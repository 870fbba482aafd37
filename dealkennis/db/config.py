"""Database settings from URLs: the primary's and the read replicas', parsed strictly.

Imported by the settings module, so it needs nothing of Django but its exception.
"""

import os
from pathlib import Path

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


# Where a container's memory limit is found (cgroup v2, then v1): inside one,
# the machine's memory is not what the server may use.
CGROUP_MEMORY_LIMITS = ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes")
SHARED_BUFFERS_MB = (128, 8192)


def default_shared_buffers_mb(limits=CGROUP_MEMORY_LIMITS):
    """A quarter of the memory this process may use, in MB, within `SHARED_BUFFERS_MB`.

    PostgreSQL's own advice for a dedicated server. With less, a collection of
    100,000 items (1.4 GB with its texts) does not fit, and what is read
    through the kernel's cache may have been dropped from it meanwhile.
    """
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return 1024
    for path in limits:
        try:
            limit = Path(path).read_text().strip()
        except OSError:
            continue
        if limit.isdigit():
            memory = min(memory, int(limit))
        break
    low, high = SHARED_BUFFERS_MB
    return max(low, min(high, memory // 4 // 2**20))
