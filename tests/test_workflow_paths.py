"""Only a coordinator publishes, withdraws, archives or exposes, on every admin path.

The paths: the change form, the bulk actions, a history restore and a recover
(both from django-reversion). Each refusal is a clear Dutch message on the page
(the form kept), never a 500, and writes nothing: no row, no history version.
"""

import threading
import time

import pytest
import reversion
from django.db import connection, connections, transaction
from django.db.models.signals import post_save
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reversion.models import Version

from dealkennis.roles import COORDINATOR, EDITOR
from lessons.models import Lesson
from tests.test_coordinators import admin_form, staff_client

STATUSES = ["draft", "review", "published", "archived"]
BULK_ACTIONS = {"publish": "published", "send_back_to_draft": "draft", "archive": "archived"}


def change_url(lesson):
    return f"/admin/lessons/lesson/{lesson.pk}/change/"


def versions_of(lesson):
    return Version.objects.get_for_object_reference(Lesson, lesson.pk)


def form_errors(response):
    form = response.context["adminform"].form
    return " ".join(message for messages in form.errors.values() for message in messages)


def post_as_shown(client, url, data):
    """Post `data` to a history restore or recover form with the hidden field the page gave.

    A version keeps `updated_at` to the millisecond, so the form's loaded
    version is the restored one, not the row's.
    """
    shown = client.get(url)
    assert shown.status_code == 200
    loaded_version = shown.context["adminform"].form.initial["loaded_version"]
    return client.post(url, {**data, "loaded_version": loaded_version})


def refused_in_the_form(response, words):
    """The form came back (200, the typed values kept) with a Dutch message about it."""
    assert response.status_code == 200
    assert words in form_errors(response)


@pytest.mark.django_db
def test_editor_restoring_a_published_version_does_not_publish(
    coordinator_client, editor_client, make_lesson
):
    lesson = make_lesson(status="review")
    coordinator_client.post(change_url(lesson), admin_form(lesson, status="published"))
    lesson.refresh_from_db()
    published_version = versions_of(lesson).get()
    assert coordinator_client.post(change_url(lesson), admin_form(lesson, status="draft")).status_code == 302
    lesson.refresh_from_db()
    count = versions_of(lesson).count()
    restore_url = f"/admin/lessons/lesson/{lesson.pk}/history/{published_version.pk}/"

    shown = editor_client.get(restore_url)
    assert shown.status_code == 200
    offered = [value for value, _ in shown.context["adminform"].form.fields["status"].choices]
    assert "published" not in offered

    response = post_as_shown(editor_client, restore_url, admin_form(lesson, status="published"))
    assert response.status_code == 200
    lesson.refresh_from_db()
    assert lesson.status == "draft"
    assert versions_of(lesson).count() == count


@pytest.mark.django_db
def test_editor_restoring_a_draft_version_does_not_withdraw(coordinator_client, editor_client, make_lesson):
    lesson = make_lesson(status="review")
    coordinator_client.post(change_url(lesson), admin_form(lesson, status="draft"))
    lesson.refresh_from_db()
    draft_version = versions_of(lesson).get()
    coordinator_client.post(change_url(lesson), admin_form(lesson, status="published"))
    restore_url = f"/admin/lessons/lesson/{lesson.pk}/history/{draft_version.pk}/"
    response = post_as_shown(editor_client, restore_url, admin_form(lesson, status="draft"))
    refused_in_the_form(response, "Alleen een coördinator")
    lesson.refresh_from_db()
    assert lesson.status == "published"
    assert versions_of(lesson).count() == 2


@pytest.fixture
def deleted_published_lesson(coordinator_client, make_lesson):
    lesson = make_lesson(status="review", slug="verwijderd")
    coordinator_client.post(change_url(lesson), admin_form(lesson, status="published"))
    lesson.refresh_from_db()
    form = admin_form(lesson)
    coordinator_client.post(f"/admin/lessons/lesson/{lesson.pk}/delete/", {"post": "yes"})
    assert not Lesson.objects.exists()
    version = Version.objects.get_deleted(Lesson).get()
    return f"/admin/lessons/lesson/recover/{version.pk}/", form


def test_editor_recovering_a_deleted_published_lesson_does_not_publish_it(
    editor_client, deleted_published_lesson
):
    url, form = deleted_published_lesson
    response = post_as_shown(editor_client, url, form)
    assert response.status_code == 200
    assert form_errors(response)
    assert not Lesson.objects.exists()
    assert Version.objects.count() == 1


def test_editor_may_recover_a_deleted_lesson_as_a_draft(editor_client, deleted_published_lesson):
    url, form = deleted_published_lesson
    assert post_as_shown(editor_client, url, {**form, "status": "draft"}).status_code == 302
    assert Lesson.objects.get().status == "draft"


def test_coordinator_recovers_a_deleted_published_lesson(coordinator_client, deleted_published_lesson):
    url, form = deleted_published_lesson
    assert post_as_shown(coordinator_client, url, form).status_code == 302
    assert Lesson.objects.get().status == "published"


@pytest.mark.django_db
def test_editor_cannot_make_a_published_internal_lesson_public(editor_client, make_lesson):
    lesson = make_lesson(status="published", visibility="internal")
    response = editor_client.post(change_url(lesson), admin_form(lesson, visibility="public"))
    refused_in_the_form(response, "zichtbaarheid van een gepubliceerd item")
    assert "visibility" in response.context["adminform"].form.errors
    lesson.refresh_from_db()
    assert lesson.visibility == "internal"
    assert not versions_of(lesson).exists()


@pytest.mark.django_db
def test_coordinator_may_make_a_published_lesson_public(coordinator_client, make_lesson):
    lesson = make_lesson(status="published", visibility="internal")
    response = coordinator_client.post(change_url(lesson), admin_form(lesson, visibility="public"))
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.visibility == "public"


@pytest.mark.django_db
def test_editor_may_still_edit_the_text_of_a_published_lesson(editor_client, make_lesson):
    lesson = make_lesson(status="published", visibility="internal")
    response = editor_client.post(change_url(lesson), admin_form(lesson, title="Betere titel"))
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert (lesson.title, lesson.status, lesson.visibility) == ("Betere titel", "published", "internal")


def bulk(client, action, *items):
    return client.post(
        "/admin/lessons/lesson/",
        {"action": action, "_selected_action": [item.pk for item in items]},
        follow=True,
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.django_db
def test_bulk_publish_of_an_unclassified_shared_lesson_is_refused_with_a_message(
    coordinator_client, make_lesson
):
    shared = make_lesson(title="Gedeelde les", status="review", visibility="internal", order="", level="")
    ready = make_lesson(title="Klare les", status="review")
    response = bulk(coordinator_client, "publish", shared, ready)
    assert response.status_code == 200
    shared.refresh_from_db()
    ready.refresh_from_db()
    assert (shared.status, ready.status) == ("review", "published")
    refusal = next(message for message in messages_of(response) if message.startswith("Gedeelde les"))
    assert "nog niet ingedeeld op orde, niveau. Vul dit in voordat je publiceert." in refusal
    assert not versions_of(shared).exists()


@pytest.mark.django_db
def test_editor_cannot_withdraw_a_published_lesson_in_bulk(editor_client, make_lesson):
    published = make_lesson(title="Gepubliceerde les", status="published")
    review = make_lesson(title="Les ter beoordeling", status="review")
    response = bulk(editor_client, "send_back_to_draft", published, review)
    published.refresh_from_db()
    review.refresh_from_db()
    assert (published.status, review.status) == ("published", "draft")
    assert any(
        message.startswith("Gepubliceerde les") and "Alleen een coördinator" in message
        for message in messages_of(response)
    )


@pytest.mark.django_db
def test_archiving_a_draft_in_bulk_is_refused_with_a_message(coordinator_client, make_lesson):
    draft = make_lesson(title="Concept", status="draft")
    response = bulk(coordinator_client, "archive", draft)
    draft.refresh_from_db()
    assert draft.status == "draft"
    assert any("niet direct" in message for message in messages_of(response))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["lesson", "card"])
def test_staff_preview_a_half_classified_item(coordinator_client, make_lesson, make_card, kind):
    make = make_lesson if kind == "lesson" else make_card
    item = make(status="review", visibility="internal", order="", level="")
    response = coordinator_client.get(item.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "nog niet ingedeeld" in content
    assert '#orde-"' not in content and '#niveau-"' not in content  # no label for an empty axis


@pytest.mark.django_db
def test_a_refused_change_keeps_the_form_and_writes_nothing(editor_client, make_lesson):
    lesson = make_lesson(status="published", visibility="internal", title="Oud")
    response = editor_client.post(change_url(lesson), admin_form(lesson, title="Nieuw", visibility="public"))
    assert response.status_code == 200
    assert 'value="Nieuw"' in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.title == "Oud"
    assert not Version.objects.exists()


# Two saves racing on one item.


def test_the_second_of_two_simultaneous_saves_is_refused(transactional_db, programme):
    """Two coordinators save the same form at the same moment, on two connections.

    The first save stops just before it commits until the second request is
    seen waiting for a lock in PostgreSQL. Without the row lock the second
    passes its check on the old row and overwrites the first once it commits.
    """
    with reversion.create_revision():
        lesson = Lesson.objects.create(
            title="Oud",
            summary="Samenvatting",
            programme=programme,
            stream="social",
            mode="experiential",
            order="first",
            level="task",
            status="review",
            source="Bron",
        )
    first_client = staff_client(COORDINATOR, "eerste")[0]
    second_client = staff_client(COORDINATOR, "tweede")[0]
    first_saved, second_waits = threading.Event(), threading.Event()
    responses = {}

    def hold_first_save(sender, instance, **kwargs):
        if not first_saved.is_set():
            first_saved.set()
            second_waits.wait(timeout=10)

    def save(client, name, title):
        try:
            responses[name] = client.post(change_url(lesson), admin_form(lesson, title=title))
        finally:
            connection.close()

    post_save.connect(hold_first_save, sender=Lesson)
    try:
        first = threading.Thread(target=save, args=(first_client, "first", "Van de eerste"))
        second = threading.Thread(target=save, args=(second_client, "second", "Van de tweede"))
        first.start()
        assert first_saved.wait(timeout=10)
        second.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not waiting_for_a_lock():
            time.sleep(0.02)
        second_waits.set()
        first.join(timeout=20)
        second.join(timeout=20)
    finally:
        post_save.disconnect(hold_first_save, sender=Lesson)
        second_waits.set()
    assert responses["first"].status_code == 302
    assert responses["second"].status_code == 200
    assert "Iemand anders heeft dit item gewijzigd" in form_errors(responses["second"])
    lesson.refresh_from_db()
    assert lesson.title == "Van de eerste"


def waiting_for_a_lock():
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0] > 0


# The property: over role x path x from-status x to-status x visibility change.


def editor_may(before, after):
    """What an editor may do, stated apart from the code under test."""
    if before is None:
        return after[0] in ("draft", "review")
    (old_status, old_visibility), (new_status, new_visibility) = before, after
    if old_status != new_status and {old_status, new_status} - {"draft", "review"}:
        return False
    return not (new_visibility != old_visibility and "published" in (old_status, new_status))


COORDINATOR_STEPS = {
    "draft": {"review", "published"},
    "review": {"draft", "published"},
    "published": {"draft", "archived"},
    "archived": {"draft", "published"},
}


def coordinator_may(before, after):
    old_status = before[0] if before else "draft"
    return after[0] == old_status or after[0] in COORDINATOR_STEPS[old_status]


@pytest.fixture
def clients(db):
    return {
        role: staff_client(role, f"gebruiker-{number}")[0]
        for number, role in enumerate([EDITOR, COORDINATOR])
    }


def new_lesson(programme, status, visibility, classified=True):
    with reversion.create_revision():
        return Lesson.objects.create(
            title="Les",
            slug="les",
            summary="Samenvatting",
            programme=programme,
            stream="social",
            mode="experiential",
            order="first" if classified else "",
            level="task",
            status=status,
            visibility=visibility,
            source="Bron",
        )


def flip(visibility):
    return "public" if visibility == "internal" else "internal"


def walk_a_path(client, programme, path, old, new, classified):
    """Put a lesson in state `old`, then ask `path` to bring it to state `new`.

    Returns (the state before, the response, the row's state after or None).
    """
    if path == "form":
        lesson = new_lesson(programme, *old, classified=classified)
        response = client.post(change_url(lesson), admin_form(lesson, status=new[0], visibility=new[1]))
    elif path in BULK_ACTIONS:
        lesson = new_lesson(programme, *old, classified=classified)
        response = client.post("/admin/lessons/lesson/", {"action": path, "_selected_action": [lesson.pk]})
    elif path == "restore":
        lesson = new_lesson(programme, *new)
        version = versions_of(lesson).get()
        Lesson.objects.filter(pk=lesson.pk).update(status=old[0], visibility=old[1])
        lesson.refresh_from_db()
        url = f"/admin/lessons/lesson/{lesson.pk}/history/{version.pk}/"
        response = post_as_shown(client, url, admin_form(lesson, status=new[0], visibility=new[1]))
    else:  # recover
        lesson = new_lesson(programme, *new)
        version = versions_of(lesson).get()
        Lesson.objects.filter(pk=lesson.pk).delete()
        old = None
        url = f"/admin/lessons/lesson/recover/{version.pk}/"
        response = post_as_shown(client, url, admin_form(lesson, status=new[0], visibility=new[1]))
    row = Lesson.objects.filter(pk=lesson.pk).values_list("status", "visibility").first()
    return old, response, row


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    role=st.sampled_from([EDITOR, COORDINATOR]),
    path=st.sampled_from(["form", "restore", "recover", *BULK_ACTIONS]),
    old_status=st.sampled_from(STATUSES),
    new_status=st.sampled_from(STATUSES),
    old_visibility=st.sampled_from(["public", "internal"]),
    change_visibility=st.booleans(),
    classified=st.booleans(),
)
def test_no_admin_path_lets_an_editor_publish_withdraw_archive_or_expose(
    clients, programme, role, path, old_status, new_status, old_visibility, change_visibility, classified
):
    if path in BULK_ACTIONS:
        new_status, change_visibility = BULK_ACTIONS[path], False
    if old_status == "published" or path in ("restore", "recover"):
        classified = True  # a published row (or version) is always classified: a database constraint
    old = (old_status, old_visibility)
    new = (new_status, flip(old_visibility) if change_visibility else old_visibility)
    with transaction.atomic():
        versions = Version.objects.count()
        before, response, after = walk_a_path(clients[role], programme, path, old, new, classified)
        saved = Version.objects.count() > versions + 1  # the lesson's first version
        transaction.set_rollback(True)

    assert response.status_code in (200, 302), (path, response.status_code)
    may = (editor_may if role == EDITOR else coordinator_may)(before, new) and (
        classified or new_status != "published"
    )
    if path in BULK_ACTIONS and role == EDITOR and path != "send_back_to_draft":
        may = False  # editors are not offered these actions at all
    if may:
        assert after == new, (role, path, before, new, after)
    else:
        assert after == before, (role, path, before, new, after)
        assert not saved
    if role == EDITOR:  # the safety property itself, whatever the oracle above says
        status_before = before[0] if before else None
        status_after = after[0] if after else None
        assert status_after != "published" or status_before == "published"
        assert status_before not in ("published", "archived") or status_after == status_before
        assert not (before and before == ("published", "internal") and after == ("published", "public"))


def test_a_tag_longer_than_the_tag_table_holds_is_a_form_error(make_lesson):
    client, _ = staff_client(COORDINATOR, "coordinator-tags")
    lesson = make_lesson(status="draft")
    url = reverse("admin:lessons_lesson_change", args=[lesson.pk])
    response = client.post(url, admin_form(lesson, tags="x" * 101))
    assert response.status_code == 200
    assert "hoogstens 100 tekens" in response.content.decode()
    assert list(lesson.tags.all()) == []
