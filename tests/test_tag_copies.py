"""An item's copies of its tags (`tag_ids`, `search_tags`) follow its tag links on every path.

The tag facet counts the ids and search reads the names, while pages and the
tag filter read the links. Besides these tests, `tag_copies_match_links` in
conftest checks the copies after every test that uses the database.
"""

import reversion
from django.db import connection
from reversion.models import Version
from taggit.models import Tag

from cards.models import Card
from lessons.models import Lesson


def tag_ids(*names):
    return sorted(Tag.objects.filter(name__in=names).values_list("pk", flat=True))


def test_tag_changes_through_the_manager_are_copied(make_card):
    card = make_card(tags=["juridisch", "toetreding"])
    card.refresh_from_db()
    assert card.tag_ids == tag_ids("juridisch", "toetreding")
    card.tags.remove("juridisch")
    card.refresh_from_db()
    assert card.tag_ids == tag_ids("toetreding")


def test_a_deleted_tag_leaves_the_copies_of_its_items(make_card):
    card = make_card(tags=["juridisch", "toetreding"])
    Tag.objects.get(name="juridisch").delete()
    card.refresh_from_db()
    assert (card.tag_ids, card.search_tags) == (tag_ids("toetreding"), "toetreding")


def test_a_history_restore_takes_the_copies_from_the_links_not_from_the_old_version(make_lesson):
    # The links are not part of an item's history: a restore leaves them as
    # they are, so the copies must describe them, not the version restored.
    lesson = make_lesson(title="Les")
    with reversion.create_revision():
        lesson.save()
    lesson.tags.set(["nieuw"])
    Version.objects.get_for_object(lesson).get().revert()
    lesson.refresh_from_db()
    assert (lesson.tag_ids, lesson.search_tags) == (tag_ids("nieuw"), "nieuw")
    assert Lesson.objects.filter(search_vector="nieuw").exists()


def test_the_tag_facet_counts_the_copied_ids(client, make_card, make_lesson):
    make_card(title="Heisessie een", tags=["regio", "zorg"])
    make_card(title="Heisessie twee", tags=["regio"])
    make_lesson(title="Heisessie drie", tags=["zorg"])
    Card.objects.filter(title="Heisessie twee").update(tag_ids=[])  # a copy gone astray
    outcome = client.get("/zoeken/", {"q": "heisessie"}).context["outcome"]
    assert dict(outcome.facets["tags"]) == {"regio": 1, "zorg": 2}
    # Put back, or the check after the test would (rightly) fail.
    Card.refresh_search_tags(Card.objects.filter(title="Heisessie twee").values("pk"))


def test_the_tag_ids_stay_in_the_row(db):
    # The tables move every other text out to TOAST (toast_tuple_target 128):
    # there, reading the ids cost the facets a TOAST lookup per match.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attrelid::regclass::text, attstorage FROM pg_attribute"
            " WHERE attname = 'tag_ids' AND attrelid IN ('cards_card'::regclass, 'lessons_lesson'::regclass)"
        )
        assert dict(cursor.fetchall()) == {"cards_card": "p", "lessons_lesson": "p"}
