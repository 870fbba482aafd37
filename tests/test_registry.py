"""The core finds the kinds of knowledge item through the registry, not by importing the apps."""

import ast
from pathlib import Path

from cards.models import Card
from dealkennis.caching import ContentVersion
from dealkennis.models import knowledge_models
from lessons.models import Lesson

CORE = Path(__file__).resolve().parent.parent / "dealkennis"


def imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def test_the_registry_lists_cards_then_lessons():
    assert knowledge_models() == (Card, Lesson)


def test_the_cache_service_models_signals_and_related_items_import_no_app():
    for name in ("caching.py", "models.py", "signals.py", "related.py"):
        apps = {module.split(".")[0] for module in imported_modules(CORE / name)} & {"cards", "lessons"}
        assert not apps, f"{name} imports {apps}"


def test_linking_a_lesson_to_a_card_bumps_the_content_version(make_card, make_lesson):
    card, lesson = make_card(title="Kaart"), make_lesson(title="Les")
    before = ContentVersion.current()
    card.lessons.add(lesson)
    assert ContentVersion.current() > before
