"""Questions: an import that publishes the answer tells the asker; the new pages' query counts."""

import pytest

from questions.models import Question
from tests.conftest import staff_client
from tests.test_notifications import body_of, received, smtp_server  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db

QUESTION = "Hoe zeg ik een deal netjes op als een partner niet meer meedoet?"


@pytest.fixture
def coordinator():
    from dealkennis.roles import COORDINATOR

    return staff_client(COORDINATOR, "coordinator")


def test_an_admin_import_that_publishes_the_answer_tells_the_asker(
    received,  # noqa: F811
    coordinator,
    member,
    make_lesson,
    django_capture_on_commit_callbacks,
):
    from lessons.resources import LessonResource
    from tests.test_imports import admin_import

    client, _ = coordinator
    lesson = make_lesson(title="Een les die nog komt", status="review")
    Question.objects.create(text=QUESTION, asker=member, answer_lesson=lesson)
    exported = LessonResource().export(queryset=type(lesson).objects.filter(pk=lesson.pk))
    row = list(exported[0])
    row[exported.headers.index("status")] = "published"
    data = type(exported)(row, headers=exported.headers)
    with django_capture_on_commit_callbacks(execute=True):
        admin_import(client, data)
    lesson.refresh_from_db()
    assert lesson.status == "published"
    [message] = received()
    assert f"/lessen/{lesson.slug}/" in body_of(message)


def test_the_import_command_that_publishes_the_answer_tells_the_asker(
    received,  # noqa: F811
    member,
    make_card,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    from django.core.management import call_command

    from cards.resources import CardResource

    card = make_card(title="Een kaart die nog komt", status="review")
    Question.objects.create(text=QUESTION, asker=member, answer_card=card)
    exported = CardResource().export(queryset=type(card).objects.filter(pk=card.pk))
    row = list(exported[0])
    row[exported.headers.index("status")] = "published"
    path = tmp_path / "kaarten.csv"
    path.write_text(type(exported)(row, headers=exported.headers).csv)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_items", str(path), "--type", "card", verbosity=0)
    [message] = received()
    assert f"/kaarten/{card.slug}/" in body_of(message)


@pytest.mark.parametrize("count", [1, 12])
def test_the_question_pages_use_a_fixed_number_of_queries(
    client, member, member_client, programme, make_card, django_assert_num_queries, count
):
    for number in range(count):
        card = make_card(title=f"Antwoord {number}")
        Question.objects.create(text=f"Vraag nummer {number}", asker=member, answer_card=card)
    # The programmes.
    with django_assert_num_queries(1):
        assert client.get("/vragen/stellen/").status_code == 200
    # Session, user, the lessons, the questions with their answers.
    with django_assert_num_queries(4):
        assert member_client.get("/lessen/mijn-inzendingen/").status_code == 200


@pytest.mark.parametrize("count", [1, 12])
def test_the_attention_page_uses_a_fixed_number_of_queries(
    coordinator, programme, django_assert_num_queries, count
):
    from questions.models import GapOutcome, SearchGap

    client, _ = coordinator
    for number in range(count):
        SearchGap.count(f"zoekvraag {number}", programme.pk, GapOutcome.NOTHING, searches=1)
        Question.objects.create(text=f"Vraag nummer {number}", email="a@example.nl")
    client.get("/admin/aandacht/")
    # The page's own lists, and two statements more however many there are:
    # the open questions counted, and the gaps with their programmes; and three for
    # the follow-ups (the open ones due, their count) and the strategies due for review.
    with django_assert_num_queries(15):
        assert client.get("/admin/aandacht/").status_code == 200
