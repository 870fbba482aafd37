"""The search under load: gunicorn with two workers on a free port, driven by wrk."""

import http.client
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection

# Two sync workers keep up to two requests in progress; two more wait in line,
# so the latency includes some queueing, as it would in production.
HTTP_CONNECTIONS = 4

WRK_SCRIPT = """
local paths = {__PATHS__}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_JSON {\\"requests\\": %.0f, \\"duration_us\\": %.0f, \\"p50_us\\": %.0f, \\"p95_us\\": %.0f, "
    .. "\\"errors\\": %.0f}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    e.connect + e.read + e.write + e.status + e.timeout))
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


def http_load(paths, seconds):
    """The search under load through gunicorn with two workers, measured by wrk."""
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
    }
    # Production templates need the static files manifest.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=base_dir,
        env=env,
        check=True,
    )
    port = free_port()
    with tempfile.TemporaryDirectory() as scratch:
        log = open(Path(scratch) / "gunicorn.log", "w+")  # noqa: SIM115 - closed below
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "dealkennis.wsgi", "--workers", "2"]
            + ["--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning"],
            cwd=base_dir,
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise CommandError(f"gunicorn did not start:\n{log.read()[-3000:]}")
                try:
                    if get(port, "/") == 200:
                        break
                except OSError:
                    time.sleep(0.2)
            for path in paths * 2:  # warm both workers
                get(port, path, timeout=60)
            script = Path(scratch) / "mix.lua"
            script.write_text(WRK_SCRIPT.replace("__PATHS__", ", ".join(json.dumps(p) for p in paths)))
            command = [wrk, "-t1", f"-c{HTTP_CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s"]
            command += ["-s", str(script), f"http://127.0.0.1:{port}"]
            output = subprocess.run(
                command, capture_output=True, text=True, timeout=seconds + 60, check=True
            ).stdout
            workers = psutil.Process(server.pid).children(recursive=True)
            rss = sorted(round(worker.memory_info().rss / 2**20, 1) for worker in workers)
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    stats = json.loads(line.removeprefix("BENCH_JSON "))
    return {
        "http_rps": round(stats["requests"] / (stats["duration_us"] / 1e6), 1),
        "http_p50_ms": round(stats["p50_us"] / 1000, 2),
        "http_p95_ms": round(stats["p95_us"] / 1000, 2),
        "http_errors": int(stats["errors"]),
        "http_requests": int(stats["requests"]),
        "worker_rss_mb": rss,
    }
