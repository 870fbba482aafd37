"""Scenarios the scale-out tests run in a process of their own, with settings from the environment.

Each scenario prints one line of JSON: which database alias every request's
queries went to (captured on the connections themselves) and which server
each alias is (`pg_is_in_recovery()` and its port, asked through that same
connection).
"""

import json
import os
import subprocess
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dealkennis.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from dealkennis.caching import ContentVersion  # noqa: E402
from dealkennis.db import router  # noqa: E402
from dealkennis.models import Programme  # noqa: E402
from lessons.models import Lesson  # noqa: E402


def servers():
    """Each alias: is it in recovery (a replica), and on which port does it listen."""
    found = {}
    for alias in connections:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery(), current_setting('port')::int")
            found[alias] = list(cursor.fetchone())
    return found


def request(client, method, path, **data):
    """Send a request; its status, and how many queries each alias ran for it (health checks apart)."""
    captures = {alias: CaptureQueriesContext(connections[alias]) for alias in connections}
    for capture in captures.values():
        capture.__enter__()
    started = time.monotonic()
    try:
        response = getattr(client, method)(path, data)
    finally:
        for capture in captures.values():
            capture.__exit__(None, None, None)
    return {
        "status": response.status_code,
        "seconds": round(time.monotonic() - started, 3),
        # The router's health checks are counted apart from the page's own queries.
        "queries": {
            alias: sum("pg_is_in_recovery" not in query["sql"] for query in capture.captured_queries)
            for alias, capture in captures.items()
        },
        "checks": sum(
            "pg_is_in_recovery" in query["sql"]
            for capture in captures.values()
            for query in capture.captured_queries
        ),
        "body": response.content.decode(errors="replace") if method == "get" else "",
    }


def slim(result):
    return {key: value for key, value in result.items() if key != "body"}


def routing():
    """Public reads, a signed-in member's write and their next reads, a coordinator's reads."""
    programme = Programme.objects.create(name="Replica Deals", slug="replica-deals", ministries="BZK")
    member = get_user_model().objects.create_user("lezer", "lezer@example.nl", "x")
    staff = get_user_model().objects.create_user("coordinator", "c@example.nl", "x", is_staff=True)
    wait_for_replica()
    anonymous, signed_in, coordinator = Client(), Client(), Client()
    signed_in.force_login(member)
    coordinator.force_login(staff)
    share = {
        "title": "Wat we leerden",
        "body": "Het verhaal.",
        "insight": "Wat het leerzaam maakte.",
        "change": "Wat er veranderde.",
        "summary": "Kort.",
        "programme": programme.pk,
        "stream": "social",
        "mode": "experiential",
        "order": "first",
        "level": "task",
    }
    results = {
        "servers": servers(),
        "anonymous": slim(request(anonymous, "get", "/programmas/")),
        "member_before": slim(request(signed_in, "get", "/programmas/")),
        "share": slim(request(signed_in, "post", "/lessen/delen/", **share)),
        "shared": Lesson.objects.filter(title="Wat we leerden").count(),
        "member_after": slim(request(signed_in, "get", "/programmas/")),
        "anonymous_after": slim(request(anonymous, "get", "/programmas/")),
        "coordinator": slim(request(coordinator, "get", "/programmas/")),
        "admin": slim(request(coordinator, "get", "/admin/")),
    }
    time.sleep(float(os.environ["DEALKENNIS_READ_YOUR_WRITES_SECONDS"]) + 1.1)
    results["member_later"] = slim(request(signed_in, "get", "/programmas/"))
    return results


def wait_for_replica(timeout=20):
    """Until the replica shows the primary's latest content version and users."""
    deadline = time.monotonic() + timeout
    users = get_user_model().objects.using("default").count()
    version = ContentVersion.objects.using("default").values_list("value", flat=True).first()
    while time.monotonic() < deadline:
        replica = ContentVersion.objects.using("replica1").values_list("value", flat=True).first()
        if replica == version and get_user_model().objects.using("replica1").count() == users:
            return
        time.sleep(0.05)
    raise TimeoutError("replica did not catch up")


def run(command):
    command = json.loads(command)
    subprocess.run(command["arguments"], check=True, capture_output=True, timeout=60, user=command["user"])


def fallback(stop_command, start_command):
    """Reads while the replica is stopped, and after it is back."""
    # The failed first attempt is logged and signalled like any error; only
    # the answer the reader gets counts here.
    client = Client(raise_request_exception=False)
    results = {"before": slim(request(client, "get", "/programmas/"))}
    run(stop_command)
    results["stopped_first"] = slim(request(client, "get", "/programmas/"))
    results["stopped_next"] = slim(request(client, "get", "/programmas/"))
    results["health_stopped"] = json.loads(request(client, "get", "/gezondheid/")["body"])
    run(start_command)
    # Back once it streams from the primary again (its WAL receiver reconnects).
    started = time.monotonic()
    while True:
        results["back"] = slim(request(client, "get", "/programmas/"))
        if results["back"]["queries"]["replica1"] or time.monotonic() - started > 15:
            break
        time.sleep(0.2)
    results["back_after_seconds"] = round(time.monotonic() - started, 1)
    results["health_back"] = json.loads(request(client, "get", "/gezondheid/")["body"])
    return results


def lag():
    """Replay paused on the replica while the primary writes: the bound sends reads to the primary."""
    client = Client()
    results = {"before": slim(request(client, "get", "/programmas/"))}
    with connections["replica1"].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        Programme.objects.create(name="Later Deals", slug="later-deals", ministries="EZK")
        time.sleep(float(os.environ["DEALKENNIS_REPLICA_MAX_LAG_SECONDS"]) + 1.0)
        router.forget_status()
        results["paused"] = slim(request(client, "get", "/programmas/"))
        results["health_paused"] = json.loads(request(client, "get", "/gezondheid/")["body"])
    finally:
        with connections["replica1"].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    wait_for_replica()
    router.forget_status()
    back = request(client, "get", "/programmas/")
    results["resumed"] = slim(back)
    results["resumed_shows_new"] = "Later Deals" in back["body"]
    return results


def publish(title):
    """A coordinator's change: a published public lesson (its save bumps the content version)."""
    before = ContentVersion.current()
    programme = Programme.objects.first() or Programme.objects.create(
        name="Publicatie Deals", slug="publicatie-deals", ministries="BZK"
    )
    Lesson.objects.create(
        title=title,
        summary="Net gepubliceerd.",
        body="Wat er gebeurde.",
        programme=programme,
        stream="social",
        mode="experiential",
        order="first",
        level="task",
        status="published",
        visibility="public",
        source="Essay (2020)",
    )
    return {"before": before, "after": ContentVersion.current()}


if __name__ == "__main__":
    setup_test_environment()
    scenario, arguments = sys.argv[1], sys.argv[2:]
    print(
        json.dumps(
            {"routing": routing, "fallback": fallback, "lag": lag, "publish": publish}[scenario](*arguments)
        )
    )
