"""Findings of an attack on the merged work of issue 13, each with the test that failed before its fix."""

import pytest
import reversion
from reversion.models import Version

from lessons.models import Lesson
from tests.test_coordinators import admin_form
from tests.test_workflow_paths import post_as_shown


def one_revision(user, *items):
    """A revision holding several items, as an import records it."""
    with reversion.create_revision():
        reversion.set_user(user)
        for item in items:
            reversion.add_to_revision(item)


@pytest.mark.django_db
def test_editor_restoring_one_item_of_an_import_revision_does_not_publish_the_others(
    coordinator_client, editor_client, make_lesson
):
    # An import records all its items in one revision; restoring one of them
    # makes django-reversion write back the whole revision.
    draft = make_lesson(slug="concept", status="draft")
    published = make_lesson(slug="gepubliceerd", status="published")
    one_revision(None, draft, published)
    Lesson.objects.filter(pk=published.pk).update(status="draft")  # the coordinator withdrew it later
    version = Version.objects.get_for_object(draft).get()

    url = f"/admin/lessons/lesson/{draft.pk}/history/{version.pk}/"
    form = admin_form(draft, status="draft", loaded_version=draft.updated_at.isoformat())
    response = editor_client.post(url, form, follow=True)

    assert Lesson.objects.get(pk=published.pk).status == "draft"
    assert "terugzetten zou ook “" in response.content.decode()
    assert Version.objects.count() == 2


@pytest.mark.django_db
def test_coordinator_restoring_an_import_revision_still_restores_all_its_items(
    coordinator_client, make_lesson
):
    draft = make_lesson(slug="concept", status="draft")
    published = make_lesson(slug="gepubliceerd", status="published")
    one_revision(None, draft, published)
    Lesson.objects.filter(pk=published.pk).update(status="draft")
    version = Version.objects.get_for_object(draft).get()

    url = f"/admin/lessons/lesson/{draft.pk}/history/{version.pk}/"
    assert post_as_shown(coordinator_client, url, admin_form(draft, status="draft")).status_code == 302

    assert Lesson.objects.get(pk=published.pk).status == "published"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/lessons/lesson/?status__exact=%00",
        "/admin/cards/card/?title__startswith=a%00b",
        "/admin/lessons/lesson/a%00b/history/",
        "/admin/autocomplete/?term=%00&app_label=lessons&model_name=lesson&field_name=deal",
    ],
)
def test_a_nul_in_an_admin_url_is_a_clear_refusal(coordinator_client, url):
    response = coordinator_client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["lessons/lesson", "cards/card"])
def test_a_year_too_large_for_the_date_filter_is_no_server_error(coordinator_client, kind):
    response = coordinator_client.get(f"/admin/{kind}/?updated_at__year=99999999999999999999")
    assert response.status_code == 302
    assert response["Location"].endswith("?e=1")


@pytest.mark.django_db
@pytest.mark.parametrize("deal", ["abc", "\x00", "[]", "²"])
def test_a_deal_that_is_no_number_is_a_form_error_in_the_admin(editor_client, make_lesson, deal):
    lesson = make_lesson(status="draft")
    response = editor_client.post(f"/admin/lessons/lesson/{lesson.pk}/change/", admin_form(lesson, deal=deal))
    assert response.status_code == 200
    assert "deal" in response.context["adminform"].form.errors


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["format=99", "foo=1", "updated_at__year=99999999999999999999"])
def test_an_export_url_with_a_filter_that_does_not_exist_is_no_server_error(coordinator_client, query):
    response = coordinator_client.get(f"/admin/lessons/lesson/export/?{query}")
    assert response.status_code == 302
    assert response["Location"] == "/admin/lessons/lesson/?e=1"


@pytest.mark.django_db
def test_an_editor_cannot_hand_a_draft_to_another_reader_as_their_submission(
    editor_client, make_lesson, member, member_client
):
    # Whoever is the contributor sees the lesson's title, status and note on
    # "Mijn inzendingen" and gets its status mail: only the share form sets it.
    lesson = make_lesson(status="draft", title="Geheim concept")
    response = editor_client.post(
        f"/admin/lessons/lesson/{lesson.pk}/change/", admin_form(lesson, contributor=member.pk)
    )
    assert response.status_code == 302

    lesson.refresh_from_db()
    assert lesson.contributor is None
    assert "Geheim concept" not in member_client.get("/lessen/mijn-inzendingen/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/lessons/lesson/", "/admin/cards/card/"])
@pytest.mark.parametrize("selected", ["abc", "\x00", "1.5"])
def test_a_selected_item_that_is_no_number_is_refused_in_a_bulk_action(coordinator_client, url, selected):
    response = coordinator_client.post(url, {"action": "delete_selected", "_selected_action": [selected]})
    assert response.status_code == 302
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "ongeldig" in page


@pytest.mark.django_db
@pytest.mark.parametrize("lessons", ["abc", "\x00", "²"])
def test_a_linked_lesson_that_is_no_number_is_a_form_error_in_the_card_admin(
    editor_client, make_card, lessons
):
    card = make_card(status="draft")
    form = {
        **{name: getattr(card, name) for name in ["title", "slug", "question", "answer", "summary", "body"]},
        **{
            name: getattr(card, name) for name in ["stream", "mode", "order", "level", "status", "visibility"]
        },
        "programme": card.programme_id,
        "source": card.source,
        "lessons": [lessons],
        "loaded_version": card.updated_at.isoformat(),
    }
    response = editor_client.post(f"/admin/cards/card/{card.pk}/change/", form)
    assert response.status_code == 200
    assert "lessons" in response.context["adminform"].form.errors
