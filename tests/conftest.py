import itertools

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.test import Client
from django.utils import translation
from psycopg.pq import TransactionStatus

from cards.models import Card
from dealkennis.caching import clear_caches
from dealkennis.content.demo import load_demo_content
from dealkennis.db import aside
from dealkennis.models import Deal, Programme
from dealkennis.roles import COORDINATOR, EDITOR, ROLE_PERMISSIONS, grant_roles
from dealkennis.search import estimate
from lessons.models import Lesson

_sequence = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """pytest-django's, and before it drops the test database: the connection beside requests closed.

    A search or an item page outside a transaction (live server tests) reads
    on a connection of its own (`aside`), which would keep the test database
    from being dropped.
    """
    yield
    aside.close()


@pytest.fixture(autouse=True)
def default_language():
    # A request in English leaves English active in the test's thread
    # (LocaleMiddleware activates a language and nothing deactivates it), so
    # code called outside a request in the next test would speak English.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


INERROR = TransactionStatus.INERROR
# Every item whose copied tags (ids and names) differ from its tag links.
TAG_COPIES_DIFFER = """
SELECT %(table)s, item.id, item.tag_ids, item.search_tags FROM {table} AS item
LEFT JOIN LATERAL (
    SELECT coalesce(array_agg(DISTINCT tag.id ORDER BY tag.id), '{{}}') AS ids,
        coalesce(string_agg(tag.name, ' ' ORDER BY tag.name COLLATE "C"), '') AS names
    FROM taggit_taggeditem AS link JOIN taggit_tag AS tag ON tag.id = link.tag_id
    WHERE link.content_type_id = %(type)s AND link.object_id = item.id
) AS links ON TRUE
WHERE item.tag_ids <> links.ids OR item.search_tags <> links.names
"""


@pytest.fixture(autouse=True)
def tag_copies_match_links(request):
    """After every test with a database: each item's `tag_ids` and `search_tags` match its tag links.

    The tag facet counts `tag_ids` and search reads `search_tags`, while pages
    and filters read the links; every path that changes tags, including the
    ones a test was not written for, must keep them in step.
    """
    if "_django_db_helper" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    if connection.connection is None or connection.connection.info.transaction_status == INERROR:
        return  # a test that ends in a failed transaction (on purpose) leaves nothing to check
    differ = []
    with connection.cursor() as cursor:
        for model in (Card, Lesson):
            table, kind = model._meta.db_table, ContentType.objects.get_for_model(model).pk
            cursor.execute(TAG_COPIES_DIFFER.format(table=table), {"table": table, "type": kind})
            differ += cursor.fetchall()
    assert not differ, f"tag copies differ from the links: {differ[:5]}"


@pytest.fixture(autouse=True)
def empty_cache():
    # Each test rolls the content version back with its transaction, so a
    # result cached by one test could otherwise be found by the next.
    clear_caches()
    yield
    clear_caches()


def ensure_roles():
    """The two roles, as their data migration creates them.

    The flush after a transactional test (live servers, threads) empties every
    table; its post_migrate signal recreates the permissions, not the groups.
    """
    if Group.objects.filter(name__in=ROLE_PERMISSIONS).count() < len(ROLE_PERMISSIONS):
        grant_roles(Group, Permission)


@receiver(post_migrate, dispatch_uid="tests-roles-after-flush")
def roles_survive_flushes(sender, **kwargs):
    # Sent for each app after a flush too; the last app comes after every
    # app's permissions were recreated.
    if sender.label == list(apps.get_app_configs())[-1].label:
        ensure_roles()


def staff_client(role, username):
    """A signed-in staff member with one of the two roles, and their client."""
    user = get_user_model().objects.create_user(username, f"{username}@example.nl", "x", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client, user


@pytest.fixture
def coordinator_client(db):
    return staff_client(COORDINATOR, "coordinator")[0]


@pytest.fixture
def editor_client(db):
    return staff_client(EDITOR, "redacteur")[0]


@pytest.fixture
def programme(db):
    return Programme.objects.create(
        name="Green Deals", slug="green-deals", ministries="EZK en LNV", description="Sinds 2011."
    )


@pytest.fixture
def other_programme(db):
    return Programme.objects.create(
        name="City Deals", slug="city-deals", ministries="BZK", description="Agenda Stad."
    )


@pytest.fixture
def deal(programme):
    return Deal.objects.create(name="Green Deal Voorbeeld", slug="green-deal-voorbeeld", programme=programme)


def _item_values(default_programme, **overrides):
    number = next(_sequence)
    values = {
        "title": f"Item {number}",
        "summary": "Een korte samenvatting.",
        "body": "Wat er gebeurde.",
        "programme": default_programme,
        "stream": "social",
        "mode": "experiential",
        "order": "first",
        "level": "task",
        "status": "published",
        "visibility": "public",
        "source": "Essay (2020)",
    }
    values.update(overrides)
    return values


def internal_care_card(programme):
    """An internal card that no Health Deals text words like this, but that means it: found by meaning."""
    return Card.objects.create(
        **_item_values(
            programme,
            title="Zorgkosten in de wijk beperken",
            summary="Hoe huisartsen en wijkteams samen minder dure zorg nodig maakten.",
            question="Hoe houd je de zorg in een wijk betaalbaar?",
            answer="Door huisartsen en wijkteams samen te laten werken.",
            visibility="internal",
        )
    )


@pytest.fixture
def make_card(programme):
    def make(tags=(), **overrides):
        values = _item_values(programme, **overrides)
        values.setdefault("question", f"Hoe doe je {values['title']}?")
        values.setdefault("answer", "Zo doe je dat.")
        card = Card.objects.create(**values)
        if tags:
            card.tags.set(list(tags))
        return card

    return make


@pytest.fixture
def make_lesson(programme):
    def make(tags=(), **overrides):
        lesson = Lesson.objects.create(**_item_values(programme, **overrides))
        if tags:
            lesson.tags.set(list(tags))
        return lesson

    return make


@pytest.fixture
def member(db):
    """A signed-in civil servant without any admin rights."""
    return get_user_model().objects.create_user("ambtenaar", "ambtenaar@example.nl", "geheim-wachtwoord-1")


@pytest.fixture
def staff_user(db):
    return get_user_model().objects.create_user(
        "coordinator", "coordinator@example.nl", "geheim-wachtwoord-2", is_staff=True
    )


@pytest.fixture
def member_client(member):
    """A client of its own, so a test can compare it with the anonymous `client`."""
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture(scope="module")
def demo_content(django_db_setup, django_db_blocker):
    """The demo content, loaded once per test module and rolled back after it.

    Tests using it must also request `db`, which nests each test in a savepoint.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        counts = load_demo_content()
        yield counts
        transaction.set_rollback(True)


@pytest.fixture
def hundred_visible(monkeypatch):
    """The statistics say 100 to every question of `estimate` (the test tables have none)."""
    monkeypatch.setattr(estimate, "expected_rows", lambda querysets: [100] * len(querysets))


@pytest.fixture
def search_page():
    """The search page for a query, as a client sees it: (outcome, HTML)."""

    def page(client, query, **params):
        response = client.get("/zoeken/", {"q": query, **params})
        assert response.status_code == 200
        return response.context["outcome"], response.content.decode()

    return page


@pytest.fixture
def shown_as_estimate():
    """Checks that a search of lessons counted `total` as an estimate and says so on page and API."""

    def check(client, outcome, page, query, total):
        assert outcome.estimated
        assert outcome.total == outcome.facets["type"]["lesson"] == total
        assert f"Ongeveer {total} resultaten" in page
        data = client.get("/api/zoeken/", {"q": query}).json()
        assert data["estimated"] is True and data["total"] == total

    return check
