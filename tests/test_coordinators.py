"""The coordinators' workflow: roles, review workflow, history, import/export, sharing."""

import io

import pytest
import reversion
import tablib
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from reversion.models import Version

from cards.resources import CardResource
from dealkennis.roles import COORDINATOR, EDITOR
from lessons.models import Lesson
from lessons.resources import LessonResource
from tests.conftest import staff_client

pytestmark = pytest.mark.django_db


def admin_form(lesson, **changes):
    data = {
        "title": lesson.title,
        "slug": lesson.slug,
        "summary": lesson.summary,
        "body": lesson.body,
        "insight": "",
        "reflection": "",
        "change": "",
        "takeaway": "",
        "programme": lesson.programme_id,
        "deal": "",
        "stream": lesson.stream,
        "mode": lesson.mode,
        "order": lesson.order,
        "level": lesson.level,
        "tags": "",
        "status": lesson.status,
        "visibility": lesson.visibility,
        "source_kind": lesson.source_kind,
        "source": lesson.source,
        "contributor": "",
        "review_note": lesson.review_note,
        "loaded_version": lesson.updated_at.isoformat(),
    }
    data.update(changes)
    return data


def test_roles_exist_with_the_right_publish_rights():
    coordinator = Group.objects.get(name=COORDINATOR)
    editor = Group.objects.get(name=EDITOR)
    assert coordinator.permissions.filter(codename="publish_lesson").exists()
    assert coordinator.permissions.filter(codename="publish_card").exists()
    assert not editor.permissions.filter(codename__startswith="publish").exists()
    assert editor.permissions.filter(codename="change_lesson").exists()


def test_editor_cannot_publish_through_the_change_form(editor_client, make_lesson):
    lesson = make_lesson(status="review")
    url = f"/admin/lessons/lesson/{lesson.pk}/change/"
    response = editor_client.post(url, admin_form(lesson, status="published"))
    lesson.refresh_from_db()
    assert lesson.status == "review"
    assert response.status_code == 200
    assert "status" in response.context["adminform"].form.errors


def test_editor_has_no_publish_action(editor_client, make_lesson):
    lesson = make_lesson(status="review")
    response = editor_client.post(
        "/admin/lessons/lesson/", {"action": "publish", "_selected_action": [lesson.pk]}, follow=True
    )
    lesson.refresh_from_db()
    assert lesson.status == "review"
    assert "publish" not in dict(response.context["action_form"].fields["action"].choices)


def test_editor_can_send_a_lesson_to_review(editor_client, make_lesson):
    lesson = make_lesson(status="draft")
    response = editor_client.post(
        f"/admin/lessons/lesson/{lesson.pk}/change/", admin_form(lesson, status="review")
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.status == "review"


def test_coordinator_publishes_in_bulk_and_history_records_it(coordinator_client, make_lesson):
    lessons = [make_lesson(status="review"), make_lesson(status="review")]
    coordinator_client.post(
        "/admin/lessons/lesson/", {"action": "publish", "_selected_action": [lesson.pk for lesson in lessons]}
    )
    for lesson in lessons:
        lesson.refresh_from_db()
        assert lesson.status == "published"
        versions = Version.objects.get_for_object(lesson)
        assert versions.count() == 1
        assert versions[0].revision.user.username == "coordinator"


def test_workflow_refuses_skipping_from_draft_to_archived(coordinator_client, make_lesson):
    lesson = make_lesson(status="draft")
    response = coordinator_client.post(
        "/admin/lessons/lesson/", {"action": "archive", "_selected_action": [lesson.pk]}, follow=True
    )
    lesson.refresh_from_db()
    assert lesson.status == "draft"
    assert "niet direct" in response.content.decode()


def test_publishing_an_unclassified_lesson_is_refused(make_lesson):
    from django.core.exceptions import ValidationError

    lesson = make_lesson(status="review", stream="")
    lesson.status = "published"
    with pytest.raises(ValidationError) as error:
        lesson.full_clean()
    assert "stream" in error.value.message_dict


def test_history_keeps_previous_versions_and_restores_one(coordinator_client, make_lesson):
    lesson = make_lesson(title="Eerste titel")
    with reversion.create_revision():
        lesson.save()
    coordinator_client.post(
        f"/admin/lessons/lesson/{lesson.pk}/change/", admin_form(lesson, title="Tweede titel")
    )
    lesson.refresh_from_db()
    assert lesson.title == "Tweede titel"
    versions = Version.objects.get_for_object(lesson).order_by("pk")
    assert versions.count() == 2
    history = coordinator_client.get(f"/admin/lessons/lesson/{lesson.pk}/history/")
    assert history.status_code == 200
    first = versions.first()
    revert_url = f"/admin/lessons/lesson/{lesson.pk}/history/{first.pk}/"
    assert coordinator_client.get(revert_url).status_code == 200
    coordinator_client.post(revert_url, admin_form(lesson, title="Eerste titel"))
    lesson.refresh_from_db()
    assert lesson.title == "Eerste titel"


def test_draft_preview_is_for_staff_only(coordinator_client, client, make_card):
    card = make_card(status="draft", title="Conceptkaart")
    preview = coordinator_client.get(card.get_absolute_url())
    assert preview.status_code == 200
    assert "Voorbeeld" in preview.content.decode()
    assert client.get(card.get_absolute_url()).status_code == 404


def lesson_rows(programme_slug, rows):
    dataset = tablib.Dataset(
        headers=[
            "slug",
            "title",
            "summary",
            "programme",
            "stream",
            "mode",
            "order",
            "level",
            "status",
            "source",
            "tags",
        ]
    )
    for row in rows:
        dataset.append(
            [
                row.get("slug", "les"),
                row.get("title", "Een les"),
                "Samenvatting",
                row.get("programme", programme_slug),
                row.get("stream", "social"),
                "experiential",
                "first",
                "task",
                "draft",
                "Eigen praktijk",
                row.get("tags", "samenwerking, juristen"),
            ]
        )
    return dataset


def test_import_preview_reports_every_bad_row_in_dutch_and_writes_nothing(programme):
    dataset = lesson_rows(
        programme.slug,
        [
            {"slug": "goede-les"},
            {"slug": "onbekend-programma", "programme": "blue-deals"},
            {"slug": "foute-stroming", "stream": "telepathisch"},
            {"slug": "zonder-titel", "title": ""},
            {"slug": "goede-les"},
        ],
    )
    result = LessonResource().import_data(dataset, dry_run=True, use_transactions=True)
    messages = {}
    for invalid in result.invalid_rows:
        messages[invalid.number] = " ".join(m for ms in invalid.error_dict.values() for m in ms)
    for number, errors in result.row_errors():
        messages[number] = " ".join(str(error.error) for error in errors)
    assert "Onbekend programma “blue-deals”" in messages[2]
    assert "“telepathisch” is geen geldige code" in messages[3]
    assert "Dit veld kan niet leeg zijn" in messages[4]
    assert "meer dan eens" in messages[5]
    assert 1 not in messages
    assert not Lesson.objects.exists()


def test_admin_import_shows_errors_and_imports_nothing(coordinator_client, programme):
    dataset = lesson_rows(programme.slug, [{"slug": "goed"}, {"slug": "fout", "programme": "nergens"}])
    upload = io.BytesIO(dataset.csv.encode())
    upload.name = "lessen.csv"
    response = coordinator_client.post(
        "/admin/lessons/lesson/import/", {"resource": "0", "format": "0", "import_file": upload}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Onbekend programma “nergens”" in content
    assert 'name="import_file_name"' not in content  # no confirm step offered
    assert not Lesson.objects.exists()


def test_import_command_imports_a_good_file_completely(programme, tmp_path):
    path = tmp_path / "lessen.csv"
    path.write_text(
        lesson_rows(programme.slug, [{"slug": f"les-{n}", "title": f"Les {n}"} for n in range(5)]).csv
    )
    call_command("import_items", str(path), "--type", "lesson", verbosity=0)
    assert Lesson.objects.count() == 5
    assert set(Lesson.objects.get(slug="les-3").tags.names()) == {"samenwerking", "juristen"}
    assert "juristen" in Lesson.objects.get(slug="les-3").search_tags


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"titel,programma\nEen,green-deals\n", "mist de kolom"),
    ],
)
def test_import_command_refuses_broken_files_and_writes_nothing(programme, tmp_path, content, message):
    path = tmp_path / "kapot.csv"
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        call_command("import_items", str(path), "--type", "lesson", verbosity=0)
    assert message in str(error.value)
    assert not Lesson.objects.exists()


def test_import_command_with_a_bad_last_row_writes_nothing(programme, tmp_path):
    rows = [{"slug": f"les-{n}"} for n in range(4)] + [{"slug": "laatste", "stream": "fout"}]
    path = tmp_path / "lessen.csv"
    path.write_text(lesson_rows(programme.slug, rows).csv)
    with pytest.raises(CommandError) as error:
        call_command("import_items", str(path), "--type", "lesson", verbosity=0)
    assert "row 5" in str(error.value)
    assert not Lesson.objects.exists()


def test_export_then_import_gives_the_same_data(make_card, make_lesson, deal):
    make_card(title="Kaart", deal=deal, tags=["juridisch", "toetreding"], question="Wat nu?", answer="Dit.")
    make_lesson(title="Les", insight="Inzicht", change="Verandering", tags=["juristen"])
    for resource_class in (CardResource, LessonResource):
        model = resource_class._meta.model
        exported = resource_class().export()
        before = {row["slug"]: row for row in exported.dict}
        model.objects.all().delete()
        result = resource_class().import_data(
            tablib.Dataset().load(exported.csv, format="csv"), dry_run=False
        )
        assert not result.has_errors() and not result.has_validation_errors()
        after = {row["slug"]: row for row in resource_class().export().dict}
        assert after == before


def test_export_neutralises_formulae_and_import_restores_them(make_lesson):
    make_lesson(title='=HYPERLINK("http://kwaad.example")', summary="+31 6 1234", source="@bron")
    row = LessonResource().export().dict[0]
    assert row["title"].startswith("'=")
    assert row["summary"].startswith("'+")
    assert row["source"].startswith("'@")
    Lesson.objects.all().delete()
    dataset = tablib.Dataset(list(row.values()), headers=list(row))
    LessonResource().import_data(dataset, dry_run=False)
    assert Lesson.objects.get().title == '=HYPERLINK("http://kwaad.example")'


def test_create_coordinator_command_makes_a_staff_account_with_the_role(monkeypatch):
    monkeypatch.setenv("NIEUW_WACHTWOORD", "een-lang-en-sterk-wachtwoord-2026")
    call_command(
        "create_coordinator", "anne", "--email", "anne@example.nl", "--password-from-env", "NIEUW_WACHTWOORD"
    )
    anne = get_user_model().objects.get(username="anne")
    assert anne.is_staff and not anne.is_superuser
    assert anne.groups.filter(name=COORDINATOR).exists()
    assert anne.has_perm("lessons.publish_lesson")
    assert anne.check_password("een-lang-en-sterk-wachtwoord-2026")


def test_needs_attention_lists_review_overdue_and_untagged(coordinator_client, make_card, make_lesson):
    import datetime

    make_lesson(title="Wacht op beoordeling", status="review", tags=["x"])
    make_card(title="Verlopen kaart", review_due=datetime.date(2020, 1, 1), tags=["x"])
    make_lesson(title="Les zonder tags")
    content = coordinator_client.get("/admin/aandacht/").content.decode()
    assert "Wacht op beoordeling" in content
    assert "Verlopen kaart" in content
    assert "Les zonder tags" in content


def test_needs_attention_is_for_staff_only(member_client):
    assert member_client.get("/admin/aandacht/").status_code == 302


def share_data(programme, **changes):
    data = {
        "title": "Juristen te laat aan tafel",
        "body": "We haalden de juristen er pas bij toen de tekst klaar was.",
        "insight": "Het kostte weken om alles over te doen.",
        "reflection": "Ja, we hebben het in de evaluatie besproken.",
        "change": "We nodigen juristen nu vanaf de start uit.",
        "takeaway": "Betrek juristen vroeg.",
        "summary": "Juristen horen vanaf het begin aan tafel.",
        "programme": programme.pk,
        "deal": "",
        "stream": "",
        "mode": "experiential",
        "order": "",
        "level": "",
    }
    data.update(changes)
    return data


def test_anonymous_visitor_is_asked_to_sign_in_before_sharing(client):
    response = client.get("/lessen/delen/")
    assert response.status_code == 200
    assert "/account/login/?next=/lessen/delen/" in response.content.decode()
    assert "<textarea" not in response.content.decode()


def test_shared_lesson_goes_to_review_never_published(member_client, member, programme):
    response = member_client.post("/lessen/delen/", share_data(programme), follow=True)
    lesson = Lesson.objects.get()
    assert lesson.status == "review"
    assert lesson.visibility == "internal"
    assert lesson.contributor == member
    assert lesson.mode == "experiential" and lesson.stream == ""
    content = response.content.decode()
    assert "Dank je" in content
    assert "Juristen te laat aan tafel" in content and "Ter beoordeling" in content


def test_share_form_keeps_what_was_typed_when_something_is_missing(member_client, programme):
    response = member_client.post("/lessen/delen/", share_data(programme, change="", title=""))
    content = response.content.decode()
    assert response.status_code == 200
    assert "We haalden de juristen er pas bij toen de tekst klaar was." in content
    assert "Het kostte weken om alles over te doen." in content
    assert 'aria-invalid="true"' in content
    assert 'aria-describedby="id_change_error"' in content
    assert not Lesson.objects.exists()


def test_share_form_refuses_a_title_that_is_only_markup(member_client, programme):
    # Found by the property test: markup is stripped from plain-text fields on
    # save, which left an empty title for the database to refuse (a 500).
    response = member_client.post("/lessen/delen/", share_data(programme, title="<script>alert(1)</script>"))
    assert response.status_code == 200
    assert 'aria-describedby="id_title_error"' in response.content.decode()
    assert "alleen opmaak" in response.content.decode()
    assert not Lesson.objects.exists()


def test_share_form_ignores_fields_it_does_not_list(member_client, programme):
    member_client.post(
        "/lessen/delen/", share_data(programme, status="published", visibility="public", slug="x")
    )
    lesson = Lesson.objects.get()
    assert (lesson.status, lesson.visibility) == ("review", "internal")
    assert lesson.slug != "x"


def test_workflow_rule_itself_refuses_an_editor_publishing(make_lesson):
    # The admin hides the choice from editors; the rule underneath must hold on its own.
    from django.core.exceptions import ValidationError

    from dealkennis.workflow import Stored, check_change

    _, editor = staff_client(EDITOR, "redacteur2")
    _, coordinator = staff_client(COORDINATOR, "coordinator2")
    lesson = make_lesson(status="published")
    with pytest.raises(ValidationError) as refused:
        check_change(editor, lesson, Stored("review", "public"))
    assert refused.value.code == "forbidden"
    lesson.status = "draft"
    with pytest.raises(ValidationError) as refused:
        check_change(editor, lesson, Stored("published", "public"))
    assert refused.value.code == "forbidden"
    lesson.status = "published"
    check_change(coordinator, lesson, Stored("review", "public"))
    lesson.status = "review"
    check_change(editor, lesson, Stored("draft", "public"))
