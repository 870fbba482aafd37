"""Loading the demo content: only into an empty database, and all or nothing.

Kept apart from the tests that share the module-wide demo content, since these
need a database that starts empty.
"""

import pytest
from django.core.management import call_command

from dealkennis.content.demo import load_demo_content, read_demo
from dealkennis.models import Programme
from lessons.models import Lesson

pytestmark = pytest.mark.django_db


def test_load_demo_fills_an_empty_database_once_and_never_over_edits(capsys):
    call_command("load_demo")
    lesson = Lesson.objects.order_by("pk").first()
    lesson.title = "Door een coördinator aangepast"
    lesson.save()
    call_command("load_demo")
    output = capsys.readouterr().out
    assert "already holds content" in output
    assert Lesson.objects.filter(title="Door een coördinator aangepast").count() == 1
    assert Lesson.objects.count() == len(read_demo("lessons")["lesson"])


def test_load_demo_is_all_or_nothing(monkeypatch):
    original = read_demo

    def broken(name):
        data = original(name)
        if name == "cards":
            data["card"][-1]["stream"] = "onbekend"
        return data

    monkeypatch.setattr("dealkennis.content.demo.read_demo", broken)
    with pytest.raises(Exception):  # noqa: B017 - any failure must roll everything back
        load_demo_content()
    assert not Programme.objects.exists()
    assert not Lesson.objects.exists()
