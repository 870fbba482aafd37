"""The counts behind the heatmaps (MatrixCount), kept by the database on every path that writes items."""

import threading
import time

import pytest
import reversion
import tablib
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db import connection, connections
from django.db.models import Count
from django.http import QueryDict
from reversion.models import Version

from cards.models import Card
from dealkennis.caching import ContentVersion
from dealkennis.content import corpus_vectors
from dealkennis.content.corpus import generate
from dealkennis.filters import ItemFilters
from dealkennis.matrixcounts import KEY, MatrixCount
from dealkennis.models import Programme, knowledge_models
from dealkennis.pages import listed_count
from dealkennis.web.matrix import _matrix_counts
from lessons.models import Lesson
from lessons.resources import LessonResource

pytestmark = pytest.mark.django_db

COLUMNS = ["status", "visibility", "programme_id", *KEY[4:]]


def kept_counts():
    """The counts as the database keeps them; a count of 0 is no count."""
    rows = MatrixCount.objects.filter(n__gt=0).values_list("item_table", *COLUMNS, "n")
    return {tuple(row[:-1]): row[-1] for row in rows}


def counted_afresh():
    """The same counts from a GROUP BY over the items themselves."""
    counts = {}
    for model in knowledge_models():
        for row in model.objects.order_by().values(*COLUMNS).annotate(n=Count("*")):
            counts[(model._meta.db_table, *(row[column] for column in COLUMNS))] = row["n"]
    return counts


def matrix_afresh(user, programme):
    """Both heatmaps' counts as the page counted them before the counts were kept."""
    cells, streams = {}, {}
    for model in knowledge_models():
        items = model.objects.visible_to(user)
        if programme is not None:
            items = items.filter(programme=programme)
        for item in items:
            cells[item.order, item.level] = cells.get((item.order, item.level), 0) + 1
            streams[item.stream, item.mode] = streams.get((item.stream, item.mode), 0) + 1
    return cells, streams


def signed_in():
    user, _ = get_user_model().objects.get_or_create(username="lezer")
    return user


def assert_counts_right():
    assert kept_counts() == counted_afresh()
    for user in (AnonymousUser(), signed_in()):
        for programme in [None, *Programme.objects.all()]:
            cells, streams = _matrix_counts(user, programme)
            assert (+cells, +streams) == matrix_afresh(user, programme)


def total(user, programme=None):
    cells, _streams = _matrix_counts(user, programme)
    return sum(cells.values())


def test_only_published_items_count_and_only_public_ones_for_anonymous_readers(make_card, make_lesson):
    make_card()
    make_lesson()
    make_lesson(visibility="internal")
    make_card(status="draft")
    make_lesson(status="review")
    make_card(status="archived")
    assert total(AnonymousUser()) == 2
    assert total(signed_in()) == 3
    assert_counts_right()


def test_saving_changes_of_status_visibility_programme_and_classification(
    make_card, make_lesson, other_programme
):
    card, lesson = make_card(status="draft"), make_lesson()
    assert_counts_right()
    card.status = "published"
    card.save()
    assert_counts_right()
    lesson.visibility = "internal"
    lesson.save()
    assert_counts_right()
    card.programme = other_programme
    card.stream, card.order = "cognitive", "third"
    card.save()
    assert_counts_right()
    assert total(AnonymousUser(), other_programme) == 1


def test_deleting_one_item_and_a_queryset(make_card, make_lesson):
    card = make_card()
    make_lesson(), make_lesson(visibility="internal")
    card.delete()
    assert_counts_right()
    Lesson.objects.all().delete()
    assert_counts_right()
    assert total(signed_in()) == 0


def test_queryset_update_bulk_update_and_bulk_create(programme, make_card, make_lesson):
    lessons = [make_lesson(), make_lesson(), make_lesson(status="draft")]
    Lesson.objects.filter(status="published").update(level="collaboration")
    assert_counts_right()
    for lesson in lessons:
        lesson.refresh_from_db()
        lesson.mode = "deliberate"
    Lesson.objects.bulk_update(lessons, ["mode"])
    assert_counts_right()
    Card.objects.bulk_create(
        Card(
            title=f"Kaart {number}",
            slug=f"kaart-{number}",
            summary="Kort.",
            question="Hoe?",
            answer="Zo.",
            programme=programme,
            stream="relational",
            mode="experiential",
            order="second",
            level="task",
            status="published",
            visibility="public",
            source="Workshop",
        )
        for number in range(3)
    )
    assert_counts_right()
    assert total(AnonymousUser()) == 5


def test_raw_sql_insert_update_delete_and_truncate(make_lesson):
    make_lesson(), make_lesson(visibility="internal")
    quote = connection.ops.quote_name
    columns = [field.column for field in Lesson._meta.concrete_fields if not field.generated][1:]  # not id
    names = ", ".join(quote(column) for column in columns)
    copied = names.replace('"slug"', "\"slug\" || '-kopie'")
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO lessons_lesson ({names}) SELECT {copied} FROM lessons_lesson")  # noqa: S608
        assert_counts_right()
        cursor.execute("UPDATE lessons_lesson SET visibility = 'public', \"order\" = 'second'")
        assert_counts_right()
        cursor.execute("DELETE FROM lessons_lesson WHERE id = (SELECT min(id) FROM lessons_lesson)")
        assert_counts_right()
        # Django's foreign keys are checked at commit; TRUNCATE refuses to run with such checks pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE lessons_lesson CASCADE")
    assert_counts_right()
    assert not MatrixCount.objects.filter(item_table="lessons_lesson").exists()


def test_the_admin_bulk_action_publishes_and_archives(coordinator_client, make_lesson):
    lessons = [make_lesson(status="review"), make_lesson(status="review", visibility="internal")]
    selected = [lesson.pk for lesson in lessons]
    coordinator_client.post("/admin/lessons/lesson/", {"action": "publish", "_selected_action": selected})
    assert total(signed_in()) == 2
    assert_counts_right()
    coordinator_client.post("/admin/lessons/lesson/", {"action": "archive", "_selected_action": selected})
    assert total(signed_in()) == 0
    assert_counts_right()


def test_an_import_creates_and_changes_items(programme, make_lesson):
    lesson = make_lesson(slug="bestaand", status="draft")
    exported = LessonResource().export()
    headers = exported.headers
    row = list(exported[0])
    row[headers.index("status")] = "published"
    new = list(row)
    new[headers.index("slug")] = "nieuw"
    new[headers.index("visibility")] = "public"
    rows = tablib.Dataset(row, new, headers=headers)
    admin = get_user_model().objects.create_superuser("beheer", "beheer@example.nl", "x")
    result = LessonResource().import_data(rows, dry_run=False, use_transactions=True, user=admin)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Lesson.objects.get(pk=lesson.pk).status == "published"
    assert total(signed_in()) == 2
    assert_counts_right()


def test_a_history_restore_and_a_recovery(make_lesson):
    lesson = make_lesson(status="draft")
    with reversion.create_revision():
        lesson.save()
    Lesson.objects.filter(pk=lesson.pk).update(status="published", visibility="public")
    assert total(AnonymousUser()) == 1
    Version.objects.get_for_object(lesson).get().revision.revert()
    assert total(signed_in()) == 0
    assert_counts_right()

    published = make_lesson()
    with reversion.create_revision():
        published.save()
    published.delete()
    assert total(signed_in()) == 0
    Version.objects.get_deleted(Lesson).get().revision.revert()
    assert total(AnonymousUser()) == 1
    assert_counts_right()


def test_the_corpus_generator_copies_truncates_and_counts(monkeypatch, make_lesson):
    monkeypatch.setattr(corpus_vectors, "semantic_available", lambda: False)
    make_lesson()
    # The generator truncates, which waits for no foreign key checked at commit.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    generate(40, seed=2, progress=False)
    assert Lesson.objects.count() + Card.objects.count() == 40
    assert_counts_right()
    generate(20, seed=3, append=True, progress=False)
    assert Lesson.objects.count() + Card.objects.count() == 60
    assert_counts_right()


def _triggers():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger"
            " WHERE tgfoid = 'dealkennis_matrixcount_apply'::regproc AND tgenabled <> 'D'"
        )
        return set(cursor.fetchall())


def test_every_knowledge_table_has_its_four_triggers():
    expected = {
        (model._meta.db_table, f"{model._meta.db_table}_counts_{event}")
        for model in knowledge_models()
        for event in ("insert", "update", "delete", "truncate")
    }
    assert _triggers() == expected


def test_without_its_trigger_a_table_would_count_wrong(make_lesson):
    # The check above is what stands between a dropped trigger and wrong heatmaps.
    make_lesson()
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER lessons_lesson_counts_insert ON lessons_lesson")
    make_lesson()
    assert kept_counts() != counted_afresh()
    assert ("lessons_lesson", "lessons_lesson_counts_insert") not in _triggers()


def _writer():
    """A connection of its own, in a transaction, as another request's would be."""
    wrapper = connections.create_connection("default")
    wrapper.set_autocommit(False)
    return wrapper


def _waits_for_a_lock(pid):
    with connection.cursor() as cursor:
        for _attempt in range(200):
            cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            if cursor.fetchone()[0] == "Lock":
                return True
            time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_two_writers_of_the_same_count_wait_for_each_other_rather_than_deadlock(make_lesson):
    # The other writer's item shares its counts with the second item, not the first.
    first = make_lesson(status="draft")
    second, third = (make_lesson(status="draft", stream="cognitive") for _ in range(2))
    ContentVersion.bump()  # the row every ORM write locks
    bump = "UPDATE dealkennis_contentversion SET value = value + 1 WHERE id = 1"
    publish = "UPDATE lessons_lesson SET status = 'published' WHERE id = %s"
    errors = []

    # One writer saves two items in one transaction (as an import does); the
    # other saves one item into the second's count in between.
    importer = _writer()
    importer.cursor().execute("UPDATE lessons_lesson SET status = 'review' WHERE id = %s", [first.pk])
    importer.cursor().execute(bump)

    def other_writer(pid_found):
        writer = _writer()
        try:
            cursor = writer.cursor()
            cursor.execute("SELECT pg_backend_pid()")
            pid_found.append(cursor.fetchone()[0])
            cursor.execute(publish, [third.pk])
            cursor.execute(bump)
            writer.commit()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            writer.close()

    pid = []
    thread = threading.Thread(target=other_writer, args=(pid,))
    thread.start()
    while not pid and thread.is_alive():
        time.sleep(0.01)
    assert _waits_for_a_lock(pid[0])
    try:
        importer.cursor().execute(publish, [second.pk])
        importer.commit()
    except Exception as error:  # noqa: BLE001 - reported below
        errors.append(error)
    finally:
        importer.close()
    thread.join()

    assert errors == []
    assert total(signed_in()) == 2
    assert_counts_right()


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"programme": "green-deals"},
        {"programme": "city-deals"},
        {"stream": "social"},
        {"stream": "cognitive", "level": "collaboration"},
        {"programme": "green-deals", "mode": "experiential", "order": "second"},
        {"tag": "rivier"},
        {"tag": "rivier", "stream": "social"},
    ],
    ids=repr,
)
def test_a_lists_count_from_the_kept_counts_is_what_counting_its_items_gives(
    make_card, make_lesson, programme, other_programme, client, member_client, member, query
):
    for make in (make_card, make_lesson):
        make(tags=["rivier"])
        make(stream="cognitive", level="collaboration", programme=other_programme)
        make(order="second", visibility="internal", tags=["rivier"])
        make(status="draft")
        make(status="archived", stream="cognitive")
    programmes = list(Programme.objects.all())
    filters = ItemFilters(QueryDict(mutable=True) | query, programmes)
    assert filters.active == query
    for model, path in ((Card, "/kaarten/"), (Lesson, "/lessen/")):
        for user, browser in ((AnonymousUser(), client), (member, member_client)):
            items = filters.apply(model.objects.visible_to(user))
            expected = items.count()
            assert listed_count(model, user, filters, items) == expected
            shown = browser.get(path, query).context["page_obj"].paginator.count
            assert shown == expected
