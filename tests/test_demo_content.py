"""The demo content: complete, sourced, and spread over the whole framework."""

import itertools
from collections import Counter

import pytest

from cards.models import Card
from dealkennis.classification import Level, Mode, Order, Stream
from dealkennis.content.demo import read_demo
from dealkennis.models import Deal, Programme
from lessons.models import Lesson

pytestmark = pytest.mark.django_db


def all_items():
    return [*Card.objects.all(), *Lesson.objects.all()]


def test_demo_content_has_the_promised_amounts(demo_content):
    assert Programme.objects.count() == 5
    assert Card.objects.count() >= 14
    assert Lesson.objects.count() >= 30


def test_demo_content_names_the_deals_of_the_essay(demo_content):
    names = " ".join(Deal.objects.values_list("name", flat=True))
    for fragment in ["Inclusieve Stad", "Utrecht", "Groene Hart", "Groningen", "Parkstad", "Rotterdam-Zuid"]:
        assert fragment in names


def test_every_item_cites_its_source(demo_content):
    assert all(len(item.source.strip()) > 10 for item in all_items())


@pytest.mark.parametrize(
    "field, vocabulary", [("stream", Stream), ("mode", Mode), ("order", Order), ("level", Level)]
)
def test_every_classification_value_appears_at_least_four_times(demo_content, field, vocabulary):
    counts = Counter(getattr(item, field) for item in all_items())
    assert {value: counts[value] for value in vocabulary.values} == {
        value: max(counts[value], 4) for value in vocabulary.values
    }


def test_every_order_level_cell_and_stream_mode_cell_is_filled(demo_content):
    items = all_items()
    cells = Counter((item.order, item.level) for item in items)
    streams = Counter((item.stream, item.mode) for item in items)
    assert not [cell for cell in itertools.product(Order.values, Level.values) if not cells[cell]]
    assert not [cell for cell in itertools.product(Stream.values, Mode.values) if not streams[cell]]


def test_every_programme_has_at_least_two_items(demo_content):
    counts = Counter(item.programme.slug for item in all_items())
    assert min(counts[programme.slug] for programme in Programme.objects.all()) >= 2


def test_tags_are_dutch_lowercase_and_every_item_has_some(demo_content):
    for item in all_items():
        names = list(item.tags.names())
        assert names, item.slug
        assert all(name == name.lower() for name in names), item.slug


def test_green_deal_card_topics_without_an_answer_await_a_coordinator(demo_content):
    awaiting = Card.objects.filter(awaiting_check=True, programme__slug="green-deals")
    questions = " ".join(awaiting.values_list("question", flat=True)).lower()
    assert awaiting.count() >= 3
    for topic in ["staatscourant", "partij", "verlengen"]:
        assert topic in questions


def test_cards_with_ageing_facts_carry_a_review_date(demo_content):
    dated = Card.objects.filter(review_due__isnull=False)
    assert dated.count() >= 3
    assert all(card.last_checked is not None for card in dated)


def test_cards_link_to_the_lessons_behind_them(demo_content):
    cards_data = {entry["slug"]: entry for entry in read_demo("cards")["card"]}
    for card in Card.objects.prefetch_related("lessons"):
        expected = set(cards_data[card.slug].get("lessons", []))
        assert {lesson.slug for lesson in card.lessons.all()} == expected


def test_starter_path_is_an_ordered_set_of_public_published_cards(demo_content):
    starters = Card.objects.filter(starter_rank__isnull=False).order_by("starter_rank")
    assert starters.count() >= 5
    assert all(card.is_visible_to_public for card in starters)


def test_demo_content_shows_visibility_in_action(demo_content):
    assert (
        Card.objects.filter(visibility="internal").exists()
        or Lesson.objects.filter(visibility="internal").exists()
    )
    assert Lesson.objects.exclude(status="published").exists()


def test_every_programme_has_one_draft_learning_strategy_answering_all_three_questions(demo_content):
    from strategies.models import ANSWER_FIELDS, LearningStrategy

    strategies = LearningStrategy.objects.select_related("programme")
    assert sorted(s.programme.slug for s in strategies) == sorted(
        Programme.objects.values_list("slug", flat=True)
    )
    for strategy in strategies:
        assert strategy.status == "draft" and strategy.visibility == "internal", strategy.slug
        assert all(len(getattr(strategy, field)) > 100 for field in ANSWER_FIELDS), strategy.slug
        assert strategy.streams and strategy.cells and not strategy.publication_problems(), strategy.slug


def test_demo_follow_ups_show_every_status_and_their_records_are_readable(demo_content):
    from lessons.models import FollowUp, FollowUpStatus

    followups = list(FollowUp.objects.select_related("lesson", "done_card", "done_lesson"))
    assert {followup.status for followup in followups} == set(FollowUpStatus.values)
    assert len({followup.lesson_id for followup in followups}) >= 4
    for followup in followups:
        record = followup.done_card or followup.done_lesson
        if record is not None:
            assert followup.status == "done" and record.status == "published", followup.description
