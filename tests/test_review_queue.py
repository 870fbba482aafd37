"""The review queue: classify a shared lesson and decide on it in one go; the contributor sees the outcome."""

import io

import pytest
import tablib
from django.test import Client
from reversion.models import Version

from cards.models import Card
from dealkennis.roles import COORDINATOR, EDITOR
from lessons.models import Lesson
from lessons.resources import LessonResource
from tests.test_coordinators import share_data, staff_client

pytestmark = pytest.mark.django_db

CLASSIFIED = {"stream": "social", "mode": "experiential", "order": "first", "level": "task"}


@pytest.fixture
def coordinator():
    return staff_client(COORDINATOR, "coordinator")


@pytest.fixture
def editor():
    return staff_client(EDITOR, "redacteur")


@pytest.fixture
def shared(member, make_lesson):
    """A lesson a member shared, with half a classification proposed."""
    return make_lesson(
        title="Een gedeelde ervaring",
        status="review",
        visibility="internal",
        contributor=member,
        stream="relational",
        mode="",
        order="",
        level="",
        body="Wat er **gebeurde**.",
    )


def review(client, lesson, decision, follow=False, **fields):
    data = {
        "stream": lesson.stream,
        "mode": lesson.mode,
        "order": lesson.order,
        "level": lesson.level,
        "visibility": lesson.visibility,
        "tags": "",
        "review_note": "",
        "decision": decision,
    }
    data.update(fields)
    return client.post(f"/admin/beoordelen/{lesson.pk}/", data, follow=follow)


def test_review_page_shows_the_contributed_text_with_the_proposed_classification(coordinator, shared):
    client, _ = coordinator
    response = client.get(f"/admin/beoordelen/{shared.pk}/")
    content = response.content.decode()
    assert response.status_code == 200
    assert "<strong>gebeurde</strong>" in content
    assert '<option value="relational" selected>' in content
    assert 'value="publish"' in content


def test_coordinator_classifies_and_publishes_a_shared_lesson_in_one_go(coordinator, shared):
    client, user = coordinator
    response = review(
        client, shared, "publish", visibility="public", tags="juristen, toetreding", **CLASSIFIED
    )
    assert response.status_code == 302
    shared.refresh_from_db()
    assert (shared.status, shared.visibility, shared.mode, shared.level) == (
        "published",
        "public",
        "experiential",
        "task",
    )
    assert set(shared.tags.names()) == {"juristen", "toetreding"}
    version = Version.objects.get_for_object(shared).first()
    assert version.revision.user == user
    assert version.revision.comment == "Gepubliceerd vanuit de beoordelingslijst"


def test_publishing_without_a_full_classification_is_refused_per_field(coordinator, shared):
    client, _ = coordinator
    response = review(client, shared, "publish", order="")
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Vul dit in voordat je publiceert." in errors["order"]
    shared.refresh_from_db()
    assert shared.status == "review"
    assert not Version.objects.get_for_object(shared).exists()


def test_editor_may_open_classify_and_send_back_but_never_publish(editor, shared):
    client, _ = editor
    page = client.get(f"/admin/beoordelen/{shared.pk}/")
    assert page.status_code == 200
    assert 'value="publish"' not in page.content.decode()
    response = review(client, shared, "publish", **CLASSIFIED)
    assert response.status_code == 200
    assert "Alleen een coördinator mag publiceren" in response.content.decode()
    shared.refresh_from_db()
    assert (shared.status, shared.mode) == ("review", "")
    response = review(client, shared, "return", review_note="Voeg een voorbeeld toe.")
    assert response.status_code == 302
    shared.refresh_from_db()
    assert (shared.status, shared.review_note) == ("draft", "Voeg een voorbeeld toe.")


def test_sending_back_keeps_the_note_and_records_who_did_it(coordinator, shared):
    client, user = coordinator
    review(client, shared, "return", review_note="Kun je de deal noemen?")
    shared.refresh_from_db()
    assert (shared.status, shared.review_note) == ("draft", "Kun je de deal noemen?")
    revision = Version.objects.get_for_object(shared).first().revision
    assert (revision.user, revision.comment) == (user, "Teruggestuurd naar de inzender")


def test_saving_the_note_keeps_the_lesson_in_review(coordinator, shared):
    client, _ = coordinator
    response = review(client, shared, "save", review_note="Ik kijk er morgen naar.", mode="deliberate")
    assert response.status_code == 302
    shared.refresh_from_db()
    assert (shared.status, shared.mode, shared.review_note) == (
        "review",
        "deliberate",
        "Ik kijk er morgen naar.",
    )
    assert Version.objects.get_for_object(shared).count() == 1


def test_a_decision_made_meanwhile_by_someone_else_is_not_overwritten(coordinator, shared):
    client, _ = coordinator
    Lesson.objects.filter(pk=shared.pk).update(status="draft")
    response = review(client, shared, "publish", follow=True, **CLASSIFIED)
    assert "staat niet meer ter beoordeling" in response.content.decode()
    shared.refresh_from_db()
    assert (shared.status, shared.mode) == ("draft", "")


@pytest.mark.parametrize(
    "fields",
    [
        {"decision": "verwijderen"},
        {"decision": ""},
        {"stream": "telepathisch"},
        {"visibility": "geheim"},
        {"review_note": "x" * 5000},
        {"review_note": "\x00"},
        {"tags": "\x00"},
        {"tags": "x" * 300},
    ],
)
def test_bad_input_gets_a_dutch_message_never_a_server_error(coordinator, shared, fields):
    client, _ = coordinator
    client.raise_request_exception = False
    data = {**CLASSIFIED, **fields}
    response = review(client, shared, data.pop("decision", "publish"), follow=True, **data)
    assert response.status_code == 200
    content = response.content.decode()
    assert any(
        text in content
        for text in ("Kies wat er met deze les gebeurt", "Selecteer een geldige keuze", "errorlist")
    )
    shared.refresh_from_db()
    assert shared.status == "review"


@pytest.mark.parametrize("tags", ['"' * 3, ",,,", '"een, twee" drie', "ä" * 100])
def test_odd_tag_input_never_breaks_the_page(coordinator, shared, tags):
    client, _ = coordinator
    client.raise_request_exception = False
    response = review(client, shared, "save", tags=tags)
    assert response.status_code == 302


@pytest.mark.parametrize("path", ["/admin/beoordelen/0/", "/admin/beoordelen/99999999999999999999999/"])
def test_unknown_lessons_are_not_found(coordinator, path):
    client, _ = coordinator
    client.raise_request_exception = False
    assert client.get(path).status_code == 404
    assert client.post(path, {"decision": "publish"}).status_code == 404


def test_a_lesson_not_in_review_offers_no_decision(coordinator, make_lesson):
    client, _ = coordinator
    lesson = make_lesson(status="published")
    response = client.get(f"/admin/beoordelen/{lesson.pk}/")
    assert response.status_code == 200
    assert 'value="publish"' not in response.content.decode()
    refused = review(client, lesson, "return")
    assert "staat niet meer ter beoordeling" in refused.content.decode()
    lesson.refresh_from_db()
    assert lesson.status == "published"


def test_the_queue_lists_lessons_in_review_and_is_linked_from_the_admin(coordinator, shared, make_lesson):
    client, _ = coordinator
    make_lesson(title="Al gepubliceerd")
    queue = client.get("/admin/beoordelen/").content.decode()
    assert f"/admin/beoordelen/{shared.pk}/" in queue and "Al gepubliceerd" not in queue
    assert "/admin/beoordelen/" in client.get("/admin/").content.decode()
    change = client.get(f"/admin/lessons/lesson/{shared.pk}/change/").content.decode()
    assert f"/admin/beoordelen/{shared.pk}/" in change


@pytest.mark.parametrize("path", ["/admin/beoordelen/", "/admin/beoordelen/1/"])
def test_the_queue_is_for_staff_only(client, member_client, path):
    for visitor in (client, member_client):
        response = visitor.get(path)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_contributor_sees_status_and_note_on_my_lessons(member_client, shared, coordinator, make_lesson):
    client, _ = coordinator
    review(client, shared, "return", review_note="Noem <b>de deal</b> graag.")
    someone_else = Client()
    someone_else.force_login(staff_client(EDITOR, "ander")[1])
    make_lesson(title="Van een ander", status="draft", review_note="Niet voor jou.")
    content = member_client.get("/lessen/mijn-inzendingen/").content.decode()
    assert "Concept" in content
    assert "Noem &lt;b&gt;de deal&lt;/b&gt; graag." in content
    assert "Niet voor jou." not in content


def test_a_note_written_in_the_admin_form_reaches_my_lessons(member_client, shared, coordinator):
    from tests.test_coordinators import admin_form

    client, _ = coordinator
    url = f"/admin/lessons/lesson/{shared.pk}/change/"
    response = client.post(
        url, admin_form(shared, review_note="Voeg een bron toe.", contributor=shared.contributor_id)
    )
    assert response.status_code == 302
    assert "Voeg een bron toe." in member_client.get("/lessen/mijn-inzendingen/").content.decode()


# New items are internal unless a coordinator makes them public on purpose.


def test_new_items_default_to_internal(programme):
    lesson = Lesson.objects.create(title="Les", summary="S", programme=programme, source="Bron")
    card = Card.objects.create(
        title="Kaart", summary="S", programme=programme, source="Bron", question="V?", answer="A."
    )
    assert (lesson.visibility, card.visibility) == ("internal", "internal")


@pytest.mark.parametrize("model", ["lesson", "card"])
def test_the_admin_add_form_proposes_internal(coordinator, model):
    client, _ = coordinator
    app = "lessons" if model == "lesson" else "cards"
    form = client.get(f"/admin/{app}/{model}/add/").context["adminform"].form
    assert form["visibility"].value() == "internal"


def test_a_shared_lesson_is_internal(member_client, programme):
    member_client.post("/lessen/delen/", share_data(programme))
    assert Lesson.objects.get().visibility == "internal"


def test_an_import_without_visibility_makes_internal_items(coordinator, programme):
    client, _ = coordinator
    dataset = tablib.Dataset(headers=["slug", "title", "summary", "programme", "status", "source"])
    dataset.append(["nieuwe-les", "Nieuwe les", "Samenvatting", programme.slug, "draft", "Bron"])
    upload = io.BytesIO(dataset.csv.encode())
    upload.name = "lessen.csv"
    preview = client.post(
        "/admin/lessons/lesson/import/", {"resource": "0", "format": "0", "import_file": upload}
    )
    confirm = {
        name: preview.context["confirm_form"][name].value() for name in preview.context["confirm_form"].fields
    }
    client.post("/admin/lessons/lesson/process_import/", confirm)
    assert Lesson.objects.get(slug="nieuwe-les").visibility == "internal"


def test_an_imported_row_with_an_empty_visibility_is_internal(programme):
    dataset = tablib.Dataset(
        headers=["slug", "title", "summary", "programme", "status", "visibility", "source"]
    )
    dataset.append(["lege-cel", "Lege cel", "Samenvatting", programme.slug, "draft", "", "Bron"])
    result = LessonResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Lesson.objects.get(slug="lege-cel").visibility == "internal"
