import pytest
from django.contrib.auth.models import AnonymousUser

from cards.models import Card
from lessons.models import Lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def items_of_every_kind(make_card):
    return {
        (status, visibility): make_card(title=f"{status} {visibility}", status=status, visibility=visibility)
        for status in ("draft", "review", "published", "archived")
        for visibility in ("public", "internal")
    }


def test_anonymous_visitor_sees_only_published_public_items(items_of_every_kind):
    visible = set(Card.objects.visible_to(AnonymousUser()))
    assert visible == {items_of_every_kind[("published", "public")]}


def test_signed_in_civil_servant_also_sees_published_internal_items(items_of_every_kind, member):
    visible = set(Card.objects.visible_to(member))
    assert visible == {
        items_of_every_kind[("published", "public")],
        items_of_every_kind[("published", "internal")],
    }


def test_staff_see_no_drafts_on_the_site_itself(items_of_every_kind, staff_user):
    visible = set(Card.objects.visible_to(staff_user))
    assert all(item.status == "published" for item in visible)
    assert len(visible) == 2


def test_published_is_the_same_rule_for_lessons(make_lesson):
    published = make_lesson(status="published")
    make_lesson(status="review")
    assert list(Lesson.objects.published()) == [published]


def test_anonymous_user_never_sees_internal_card_in_list_or_count(client, make_card):
    make_card(title="Openbare kaart")
    make_card(title="Geheime interne kaart", visibility="internal")
    response = client.get("/kaarten/")
    content = response.content.decode()
    assert "Openbare kaart" in content
    assert "Geheime interne kaart" not in content
    assert response.context["page_obj"].paginator.count == 1


def test_anonymous_user_gets_404_for_internal_card(client, make_card):
    card = make_card(visibility="internal")
    assert client.get(card.get_absolute_url()).status_code == 404


def test_signed_in_user_reads_internal_card(member_client, make_card):
    card = make_card(visibility="internal", title="Interne kaart")
    response = member_client.get(card.get_absolute_url())
    assert response.status_code == 200
    assert "Interne kaart" in response.content.decode()


@pytest.mark.parametrize("status", ["draft", "review", "archived"])
def test_unpublished_lesson_is_not_found_even_when_signed_in(member_client, make_lesson, status):
    lesson = make_lesson(status=status)
    assert member_client.get(lesson.get_absolute_url()).status_code == 404


def test_card_page_lists_only_the_visible_lessons_behind_it(client, make_card, make_lesson):
    public_lesson = make_lesson(title="Openbare les")
    internal_lesson = make_lesson(title="Interne les", visibility="internal")
    draft_lesson = make_lesson(title="Conceptles", status="draft")
    card = make_card()
    card.lessons.set([public_lesson, internal_lesson, draft_lesson])
    content = client.get(card.get_absolute_url()).content.decode()
    assert "Openbare les" in content
    assert "Interne les" not in content
    assert "Conceptles" not in content


def test_programme_page_hides_internal_and_draft_items_from_anonymous(
    client, make_card, make_lesson, programme
):
    make_card(title="Zichtbare kaart")
    make_card(title="Conceptkaart", status="draft")
    make_lesson(title="Interne les", visibility="internal")
    content = client.get(programme.get_absolute_url()).content.decode()
    assert "Zichtbare kaart" in content
    assert "Conceptkaart" not in content
    assert "Interne les" not in content


def test_home_page_starter_path_skips_internal_cards_for_anonymous(client, make_card):
    make_card(question="Openbare startvraag?", starter_rank=1)
    make_card(question="Interne startvraag?", starter_rank=2, visibility="internal")
    content = client.get("/").content.decode()
    assert "Openbare startvraag?" in content
    assert "Interne startvraag?" not in content


@pytest.mark.parametrize("signed_in", [False, True])
def test_related_items_follow_the_same_rule_from_either_side(make_card, make_lesson, member, signed_in):
    reader = member if signed_in else AnonymousUser()
    lessons = {
        (status, visibility): make_lesson(status=status, visibility=visibility)
        for status in ("draft", "published")
        for visibility in ("public", "internal")
    }
    cards = {
        (status, visibility): make_card(status=status, visibility=visibility)
        for status in ("draft", "published")
        for visibility in ("public", "internal")
    }
    for card in cards.values():
        card.lessons.set(lessons.values())
    expected = (
        [("published", "public"), ("published", "internal")] if signed_in else [("published", "public")]
    )

    some_card = cards[("draft", "internal")]
    assert set(some_card.lessons.visible_to(reader)) == {lessons[key] for key in expected}
    some_lesson = lessons[("draft", "internal")]
    assert set(some_lesson.cards.visible_to(reader)) == {cards[key] for key in expected}
