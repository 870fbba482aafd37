"""A contributor gets a mail when their lesson's status changes, whichever path changed it.

The mail goes through Django's SMTP backend to a real SMTP server (aiosmtpd,
in a process of its own), which stores what it receives in a maildir.
"""

import email
import email.policy
import logging
import mailbox
import socket
import subprocess
import sys
import time

import pytest
import reversion
import tablib
from django.db import transaction
from django.utils import translation
from reversion.models import Version

from dealkennis.roles import COORDINATOR
from lessons.resources import LessonResource
from tests.test_coordinators import admin_form, staff_client
from tests.test_settings import PRODUCTION_ENV, _manage

pytestmark = pytest.mark.django_db

SITE = "https://dealkennis.example.nl"
CLASSIFIED = {"stream": "social", "mode": "experiential", "order": "first", "level": "task"}


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def smtp_server(tmp_path_factory):
    """aiosmtpd on a free local port, keeping every message in a maildir."""
    maildir = tmp_path_factory.mktemp("smtp") / "maildir"
    port = free_port()
    command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}"]
    command += ["-c", "aiosmtpd.handlers.Mailbox", str(maildir)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 15
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"aiosmtpd did not start: {process.stderr.read().decode()}")
            time.sleep(0.1)
    yield port, maildir
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def received(settings, smtp_server):
    """The mail settings pointed at the server; returns a function listing what it received."""
    port, maildir = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "Dealkennis <noreply@dealkennis.example.nl>"
    settings.SITE_URL = SITE
    box = mailbox.Maildir(maildir)
    box.clear()

    def messages():
        return [
            email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
            for key in box.iterkeys()
        ]

    return messages


@pytest.fixture
def shared(member, make_lesson):
    lesson = make_lesson(
        title="Een gedeelde ervaring",
        status="review",
        visibility="internal",
        contributor=member,
        body="Geheime werknotitie van de redactie.",
        source="Gedeeld via Dealkennis",
    )
    return lesson


@pytest.fixture
def coordinator():
    return staff_client(COORDINATOR, "coordinator")


def body_of(message):
    assert message.get_content_type() == "text/plain"
    return message.get_content()


def test_contributor_gets_a_dutch_mail_when_the_lesson_is_published(
    received, shared, coordinator, django_capture_on_commit_callbacks
):
    client, _ = coordinator
    data = {**CLASSIFIED, "visibility": "internal", "tags": "", "decision": "publish"}
    data["review_note"] = "Mooi verhaal, dank je."
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/beoordelen/{shared.pk}/", data)
    assert response.status_code == 302
    [message] = received()
    assert message["To"] == "ambtenaar@example.nl"
    assert message["From"] == "Dealkennis <noreply@dealkennis.example.nl>"
    assert "Een gedeelde ervaring" in message["Subject"] and "gepubliceerd" in message["Subject"]
    text = body_of(message)
    assert "is gepubliceerd" in text
    assert "Mooi verhaal, dank je." in text
    assert f"{SITE}/lessen/mijn-inzendingen/" in text
    assert f"{SITE}/lessen/{shared.slug}/" in text


def _publish_with_the_admin_form(client, user, lesson):
    return client.post(
        f"/admin/lessons/lesson/{lesson.pk}/change/",
        admin_form(lesson, status="published", contributor=lesson.contributor_id),
    )


def _publish_with_the_bulk_action(client, user, lesson):
    return client.post("/admin/lessons/lesson/", {"action": "publish", "_selected_action": [lesson.pk]})


def _publish_by_import(client, user, lesson):
    exported = LessonResource().export()
    row = list(exported[0])
    row[exported.headers.index("status")] = "published"
    rows = tablib.Dataset(row, headers=exported.headers)
    result = LessonResource().import_data(rows, dry_run=False, use_transactions=True, user=user)
    assert not result.has_errors() and not result.has_validation_errors()


@pytest.mark.parametrize(
    "publish",
    [_publish_with_the_admin_form, _publish_with_the_bulk_action, _publish_by_import],
    ids=["admin-form", "bulk-action", "import"],
)
def test_every_path_that_publishes_tells_the_contributor_once(
    received, shared, coordinator, publish, django_capture_on_commit_callbacks
):
    client, user = coordinator
    with django_capture_on_commit_callbacks(execute=True):
        publish(client, user, shared)
    shared.refresh_from_db()
    assert shared.status == "published"
    [message] = received()
    assert "is gepubliceerd" in body_of(message)


def test_restoring_a_published_version_tells_the_contributor(
    received, shared, coordinator, django_capture_on_commit_callbacks
):
    client, _ = coordinator
    # Published once, then sent back to draft (these mails are not sent: no commit).
    for status in ("published", "draft"):
        with reversion.create_revision():
            shared.status = status
            shared.save()
    published = Version.objects.get_for_object(shared).last()
    shared.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/lessons/lesson/{shared.pk}/history/{published.pk}/",
            admin_form(shared, status="published", contributor=shared.contributor_id),
        )
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.status == "published"
    [message] = received()
    assert "is gepubliceerd" in body_of(message)


def test_sending_back_tells_the_contributor_with_the_note(
    received, shared, coordinator, django_capture_on_commit_callbacks
):
    client, _ = coordinator
    data = {**CLASSIFIED, "visibility": "internal", "tags": "", "decision": "return"}
    data["review_note"] = "Noem de deal, dan publiceer ik haar."
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/beoordelen/{shared.pk}/", data)
    [message] = received()
    text = body_of(message)
    assert "teruggestuurd" in text and "Noem de deal, dan publiceer ik haar." in text
    # A lesson that is not published has no page the contributor could open.
    assert f"/lessen/{shared.slug}/" not in text
    assert "Geheime werknotitie" not in text


def test_no_mail_without_a_change_of_status_or_without_a_contributor(
    received, shared, make_lesson, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        shared.review_note = "Alleen een opmerking."
        shared.save()
        orphan = make_lesson(status="review")
        orphan.status = "published"
        orphan.save()
    assert received() == []


def test_two_changes_in_one_transaction_send_one_mail_about_the_end_state(
    received, shared, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for status in ("published", "draft"):
            shared.status = status
            shared.save()
    [message] = received()
    assert "teruggestuurd" in message["Subject"]


def test_a_change_that_is_rolled_back_sends_nothing(received, shared, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        shared.status = "published"
        shared.save()
        transaction.set_rollback(True)
    assert received() == []


def test_the_mail_is_dutch_whatever_language_the_coordinator_uses(
    received, shared, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), translation.override("en"):
        shared.status = "draft"
        shared.save()
    [message] = received()
    assert "teruggestuurd" in body_of(message)


def test_a_failing_mail_server_does_not_break_the_save(
    received, settings, shared, coordinator, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_PORT = free_port()  # nothing listens there
    client, _ = coordinator
    data = {**CLASSIFIED, "visibility": "internal", "tags": "", "review_note": "", "decision": "publish"}
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/beoordelen/{shared.pk}/", data)
    assert response.status_code == 302
    shared.refresh_from_db()
    assert shared.status == "published"
    assert "Could not mail ambtenaar@example.nl" in caplog.text


@pytest.mark.parametrize(
    "env, message",
    [
        ({"EMAIL_HOST": "smtp.example.nl", "EMAIL_PORT": "zeshonderd"}, "EMAIL_PORT"),
        ({"EMAIL_HOST": "smtp.example.nl"}, "DEFAULT_FROM_EMAIL is required"),
        ({"EMAIL_PORT": "25"}, "EMAIL_PORT is set but EMAIL_HOST is not"),
        ({"DEALKENNIS_SITE_URL": "dealkennis.example.nl"}, "DEALKENNIS_SITE_URL must start with https://"),
    ],
)
def test_a_mail_setting_that_cannot_be_understood_stops_the_process(env, message):
    result = _manage("check", **{**PRODUCTION_ENV, **env})
    assert result.returncode != 0
    assert message in result.stderr


def test_smtp_is_used_when_a_mail_server_is_configured():
    env = {
        **PRODUCTION_ENV,
        "EMAIL_HOST": "smtp.example.nl",
        "DEFAULT_FROM_EMAIL": "Dealkennis <dealkennis@example.nl>",
    }
    show = "from django.conf import settings; print(settings.EMAIL_BACKEND, settings.SITE_URL)"
    result = _manage("shell", "-c", show, **env)
    assert result.returncode == 0, result.stderr
    assert "smtp.EmailBackend https://dealkennis.example.nl" in result.stdout
