"""Follow-ups of lessons: the workflow, what the lesson page shows whom, the attention list."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from dealkennis.roles import COORDINATOR, EDITOR
from lessons.models import FollowUp
from tests.conftest import staff_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def lesson(make_lesson):
    return make_lesson(title="Les met gevolgen")


def followup(lesson, **values):
    values = {
        "description": "Een vast overleg van juristen.",
        "order": "first",
        "level": "collaboration",
        **values,
    }
    item = FollowUp(lesson=lesson, **values)
    item.full_clean()
    item.save()
    return item


def test_a_follow_up_moves_from_proposed_to_done_and_records_when(lesson, make_card):
    item = followup(lesson)
    assert item.status == "proposed" and item.is_open and item.closed_on is None
    item.status = "in_progress"
    item.save()
    assert item.closed_on is None
    card = make_card(title="Nieuwe werkwijze")
    item.status, item.done_card = "done", card
    item.full_clean()
    item.save()
    assert item.closed_on == timezone.localdate() and not item.is_open
    item.status, item.done_card = "proposed", None  # reopened
    item.save()
    assert item.closed_on is None


def test_a_record_of_the_new_practice_belongs_to_a_done_follow_up_only(lesson, make_card, make_lesson):
    card, other = make_card(), make_lesson()
    with pytest.raises(ValidationError) as refused:
        followup(lesson, status="in_progress", done_card=card)
    assert "status" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        followup(lesson, status="done", done_card=card, done_lesson=other)
    assert "done_lesson" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        followup(lesson, status="done", done_lesson=lesson)
    assert "done_lesson" in refused.value.message_dict


@pytest.mark.parametrize(
    "values",
    [
        {"status": "maybe"},
        {"order": "fourth"},
        {"level": "galaxy"},
        {"description": ""},
        {"status": "in_progress", "done_lesson_id": "other"},
        {"status": "done", "done_lesson_id": "other", "done_card_id": "card"},
        {"status": "done", "done_lesson_id": "self"},
    ],
)
def test_the_database_pins_the_workflow(lesson, make_lesson, make_card, values):
    item = followup(lesson)
    targets = {"other": make_lesson().pk, "card": make_card().pk, "self": lesson.pk}
    values = {
        key: targets.get(value, value) if key.endswith("_id") else value for key, value in values.items()
    }
    with pytest.raises(IntegrityError), transaction.atomic():
        FollowUp.objects.filter(pk=item.pk).update(**values)


def test_markup_is_stripped_from_the_description_and_owner(lesson):
    item = followup(lesson, description="Beter <script>alert(1)</script>overleg", owner="<b>Anne</b>")
    assert "<" not in item.description and item.owner == "Anne"


def test_lesson_page_shows_follow_ups_with_owners_only_to_signed_in_readers(lesson, client, member_client):
    followup(lesson, owner="Coördinator City Deals", due_on=datetime.date(2030, 1, 2))
    anonymous = client.get(lesson.get_absolute_url()).content.decode()
    signed_in = member_client.get(lesson.get_absolute_url()).content.decode()
    assert "Een vast overleg van juristen." in anonymous and "Voorgesteld" in anonymous
    assert "Coördinator City Deals" not in anonymous
    assert "Coördinator City Deals" in signed_in


def test_done_follow_up_links_the_record_only_for_those_who_may_see_it(
    lesson, make_card, make_lesson, client, member_client
):
    public_card = make_card(title="Openbare nieuwe praktijk")
    internal_card = make_card(title="Interne nieuwe praktijk", visibility="internal")
    draft_lesson = make_lesson(title="Concept nieuwe praktijk", status="draft")
    followup(lesson, status="done", done_card=public_card)
    followup(lesson, status="done", done_card=internal_card, description="Tweede actie.")
    followup(lesson, status="done", done_lesson=draft_lesson, description="Derde actie.")
    anonymous = client.get(lesson.get_absolute_url()).content.decode()
    signed_in = member_client.get(lesson.get_absolute_url()).content.decode()
    assert public_card.get_absolute_url() in anonymous and public_card.get_absolute_url() in signed_in
    assert "Interne nieuwe praktijk" not in anonymous and internal_card.get_absolute_url() not in anonymous
    assert internal_card.get_absolute_url() in signed_in
    for page in (anonymous, signed_in):
        assert "Concept nieuwe praktijk" not in page and draft_lesson.get_absolute_url() not in page
        assert "Derde actie." in page  # the follow-up itself stays


def test_a_changed_follow_up_reaches_the_cached_lesson_page(lesson, client):
    assert "Een vast overleg" not in client.get(lesson.get_absolute_url()).content.decode()
    item = followup(lesson)
    assert "Een vast overleg" in client.get(lesson.get_absolute_url()).content.decode()
    item.status = "dropped"
    item.save()
    assert "Vervallen" in client.get(lesson.get_absolute_url()).content.decode()
    item.delete()
    assert "Een vast overleg" not in client.get(lesson.get_absolute_url()).content.decode()


def test_follow_ups_of_a_hidden_lesson_stay_hidden(make_lesson, client):
    internal = make_lesson(visibility="internal")
    followup(internal, description="Geheime vervolgactie.")
    assert client.get(internal.get_absolute_url()).status_code == 404
    assert "Geheime vervolgactie" not in client.get("/lessen/").content.decode()
    assert "Geheime vervolgactie" not in client.get(f"/api/lessen/{internal.slug}/").content.decode()


def test_attention_page_lists_open_follow_ups_past_or_near_their_date(lesson):
    today = timezone.localdate()
    followup(lesson, description="Verlopen actie.", due_on=today - datetime.timedelta(days=3))
    followup(
        lesson, description="Bijna actie.", status="in_progress", due_on=today + datetime.timedelta(days=10)
    )
    followup(lesson, description="Verre actie.", due_on=today + datetime.timedelta(days=200))
    followup(lesson, description="Gedane actie.", status="done", due_on=today - datetime.timedelta(days=3))
    followup(lesson, description="Vervallen actie.", status="dropped", due_on=today)
    for role in (COORDINATOR, EDITOR):
        page = staff_client(role, f"user-{role}")[0].get("/admin/aandacht/").content.decode()
        assert "Verlopen actie." in page and "Bijna actie." in page, role
        assert "Verre actie." not in page and "Gedane actie." not in page and "Vervallen actie." not in page
        assert "(2 van 3 open)" in page
        assert "had klaar moeten zijn op" in page


def test_attention_page_is_for_staff_only(member_client, lesson):
    followup(lesson, due_on=timezone.localdate())
    response = member_client.get("/admin/aandacht/")
    assert response.status_code == 302


def test_coordinator_adds_a_follow_up_from_the_lesson_form_and_returns_there(lesson):
    coordinator = staff_client(COORDINATOR, "coordinator")[0]
    form = coordinator.get(f"/admin/lessons/lesson/{lesson.pk}/change/").content.decode()
    add_url = f"/admin/lessons/followup/add/?lesson={lesson.pk}"
    assert add_url.replace("&", "&amp;") in form
    assert coordinator.get(add_url).status_code == 200
    response = coordinator.post(
        "/admin/lessons/followup/add/",
        {
            "lesson": lesson.pk,
            "description": "Juristen praten elk kwartaal.",
            "order": "first",
            "level": "collaboration",
            "owner": "Coördinator",
            "status": "proposed",
            "due_on": "",
            "done_card": "",
            "done_lesson": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/admin/lessons/lesson/{lesson.pk}/change/"
    assert "Juristen praten elk kwartaal." in coordinator.get(response["Location"]).content.decode()


def test_the_admin_refuses_a_record_for_an_open_follow_up_in_dutch(lesson, make_card):
    coordinator = staff_client(COORDINATOR, "coordinator")[0]
    response = coordinator.post(
        "/admin/lessons/followup/add/",
        {
            "lesson": lesson.pk,
            "description": "Iets.",
            "order": "first",
            "level": "task",
            "status": "proposed",
            "done_card": make_card().pk,
        },
    )
    assert response.status_code == 200
    assert "hoort bij een gedane actie" in response.content.decode()
    assert not FollowUp.objects.exists()


def test_members_and_anonymous_cannot_reach_the_follow_up_admin(member_client, client):
    for browser in (member_client, client):
        assert browser.get("/admin/lessons/followup/").status_code == 302


def test_lesson_page_with_follow_ups_uses_a_fixed_number_of_queries(
    lesson, make_card, client, django_assert_num_queries
):
    for number in range(4):
        followup(lesson, status="done", done_card=make_card(), description=f"Actie {number}.")
    # The follow-ups, then one statement for whether the reader may see their done cards.
    with django_assert_num_queries(7):
        assert client.get(lesson.get_absolute_url()).status_code == 200
