"""The demo content: programmes, deals, cards and lessons kept as TOML files.

TOML keeps long Dutch Markdown texts readable and reviewable in a diff, which
a JSON fixture would not.
"""

import tomllib
from pathlib import Path

import reversion
from django.db import transaction

from cards.models import Card
from dealkennis.content.demo_people import load_demo_people
from dealkennis.models import Deal, Programme
from dealkennis.search.synonyms import SynonymGroup
from dealkennis.search.vectors import embed_pending_now
from lessons.models import FollowUp, Lesson
from strategies.models import LearningStrategy

DEMO_DIR = Path(__file__).resolve().parent.parent / "demo"

COMMON_FIELDS = (
    "title",
    "slug",
    "summary",
    "body",
    "stream",
    "mode",
    "order",
    "level",
    "status",
    "visibility",
    "source",
)
CARD_FIELDS = COMMON_FIELDS + (
    "question",
    "answer",
    "learn_more",
    "awaiting_check",
    "last_checked",
    "review_due",
    "starter_rank",
)
LESSON_FIELDS = COMMON_FIELDS + ("insight", "change", "takeaway", "source_kind")


def read_demo(name: str) -> dict:
    with open(DEMO_DIR / f"{name}.toml", "rb") as handle:
        return tomllib.load(handle)


def database_is_empty() -> bool:
    return not (Programme.objects.exists() or Card.objects.exists() or Lesson.objects.exists())


@transaction.atomic
def load_demo_content() -> dict:
    """Create everything from the TOML files; one transaction, so all or nothing."""
    programmes_data = read_demo("programmes")
    programmes = {entry["slug"]: Programme.objects.create(**entry) for entry in programmes_data["programme"]}
    deals = {}
    for entry in programmes_data.get("deal", []):
        entry = {**entry, "programme": programmes[entry["programme"]]}
        deals[entry["slug"]] = Deal.objects.create(**entry)

    lessons = {}
    for entry in read_demo("lessons")["lesson"]:
        lessons[entry["slug"]] = _create(Lesson, entry, LESSON_FIELDS, programmes, deals)

    cards = {}
    for entry in read_demo("cards")["card"]:
        card = _create(Card, entry, CARD_FIELDS, programmes, deals)
        card.lessons.set([lessons[slug] for slug in entry.get("lessons", [])])
        cards[entry["slug"]] = card

    followups = [_create_followup(entry, lessons, cards) for entry in read_demo("followups")["followup"]]
    strategies = [_create_strategy(entry, programmes, deals) for entry in read_demo("strategies")["strategy"]]

    # Within the transaction, so the content is searchable by meaning as soon
    # as it is there (where pgvector and the model are; a no-op elsewhere).
    embed_pending_now()
    return {
        "people": load_demo_people(read_demo("people")["profile"], programmes, deals),
        "programmes": len(programmes),
        "deals": len(deals),
        "cards": len(cards),
        "lessons": len(lessons),
        "followups": len(followups),
        "strategies": len(strategies),
        "synonyms": load_demo_synonyms(),
    }


def load_demo_synonyms() -> int:
    """The starting synonym list, unless coordinators already keep one; returns how many groups were made."""
    if SynonymGroup.objects.exists():
        return 0
    groups = [SynonymGroup(terms=", ".join(entry["terms"])) for entry in read_demo("synonyms")["group"]]
    for group in groups:
        group.full_clean()
        group.save()
    return len(groups)


def _create(model, entry, fields, programmes, deals):
    values = {field: entry[field] for field in fields if field in entry}
    item = model(
        **values,
        programme=programmes[entry["programme"]],
        deal=deals[entry["deal"]] if entry.get("deal") else None,
    )
    item.full_clean()
    item.save()
    item.tags.set(entry.get("tags", []))
    return item


def _create_followup(entry, lessons, cards):
    followup = FollowUp(
        **{key: value for key, value in entry.items() if key not in ("lesson", "done_card", "done_lesson")},
        lesson=lessons[entry["lesson"]],
        done_card=cards[entry["done_card"]] if entry.get("done_card") else None,
        done_lesson=lessons[entry["done_lesson"]] if entry.get("done_lesson") else None,
    )
    followup.full_clean()
    followup.save()
    return followup


def _create_strategy(entry, programmes, deals):
    """A draft strategy, with a first version in its history."""
    strategy = LearningStrategy(
        **{key: value for key, value in entry.items() if key not in ("programme", "deal")},
        programme=programmes[entry["programme"]],
        deal=deals[entry["deal"]] if entry.get("deal") else None,
    )
    strategy.full_clean()
    with reversion.create_revision():
        strategy.save()
        reversion.set_comment("Voorbeeld geladen met de demo-inhoud")
    return strategy
