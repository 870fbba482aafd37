"""Timing a lesson import through the admin (preview, then confirm), rolled back afterwards."""

import contextlib
import time

import tablib
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import CommandError
from django.db import transaction
from django.test import Client
from django.test.utils import setup_test_environment

from dealkennis.models import Programme


class Rollback(Exception):
    pass


def bench_import(rows, write):
    """Import `rows` lessons as new rows, then the same rows as updates; nothing stays."""
    # Lets the in-process client read the confirm form from the rendered page.
    with contextlib.suppress(RuntimeError):  # already done by a test runner
        setup_test_environment()
    try:
        with transaction.atomic():
            run(rows, write)
            raise Rollback
    except Rollback:
        pass


def run(rows, write):
    programme, _ = Programme.objects.get_or_create(
        slug="bench-import", defaults={"name": "Bench import", "ministries": "-", "description": "-"}
    )
    user = get_user_model().objects.create_superuser("bench-import", "bench@example.nl", None)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    data = tablib.Dataset(
        headers=["slug", "title", "summary", "body", "programme", "stream", "mode", "order", "level"]
        + ["status", "visibility", "source", "tags"]
    )
    for number in range(rows):
        data.append(
            [f"bench-import-{number}", f"Les {number} over samenwerking", "Kort.", f"Tekst {number}."]
            + [programme.slug, "social", "experiential", "first", "task", "published", "internal"]
            + ["Workshop", f"bench, thema {number % 50}"]
        )
    for label in ("new", "updates"):
        write(f"{rows} rows, {label}: " + import_once(client, data))


def import_once(client, data):
    upload = SimpleUploadedFile("bench.csv", data.csv.encode(), content_type="text/csv")
    started = time.perf_counter()
    preview = client.post(
        "/admin/lessons/lesson/import/",
        {"resource": "0", "format": "0", "import_file": upload},
    )
    previewed = time.perf_counter()
    confirm_form = preview.context and preview.context.get("confirm_form")
    if confirm_form is None:
        raise CommandError(f"The preview did not offer a confirmation (status {preview.status_code}).")
    done = client.post("/admin/lessons/lesson/process_import/", confirm_form.initial)
    confirmed = time.perf_counter()
    if done.status_code != 302:
        raise CommandError(f"The confirmation failed (status {done.status_code}).")
    return f"preview {previewed - started:.1f} s, confirm {confirmed - previewed:.1f} s"
