"""Cached pages follow every change, including one that races a request."""

import uuid

import pytest
from django.core.cache import caches
from taggit.models import Tag, TaggedItem

from cards.models import Card
from dealkennis.caching import ContentVersion, clear_caches
from dealkennis.sharedcache import SharedRedisCache
from tests import scaleout_servers

pytestmark = pytest.mark.django_db


def found_titles(client, query):
    return [hit.item.title for hit in client.get("/zoeken/", {"q": query}).context["outcome"].hits]


@pytest.fixture
def edit_during_first_version_read(monkeypatch):
    """Run `edit` as another worker would, right when a view first reads the version."""

    def arrange(edit):
        real_current = ContentVersion.current.__func__
        pending = [edit]

        def current(cls):
            if pending:
                pending.pop()()
            return real_current(cls)

        monkeypatch.setattr(ContentVersion, "current", classmethod(current))
        return monkeypatch.undo

    return arrange


def test_a_detail_page_edited_while_it_is_read_is_not_cached_stale(
    client, make_card, edit_during_first_version_read
):
    card = make_card(title="Kaart", answer="Oud antwoord.")

    def edit():
        fresh = Card.objects.get(pk=card.pk)
        fresh.answer = "Nieuw antwoord."
        fresh.save()

    finished = edit_during_first_version_read(edit)
    client.get(card.get_absolute_url())
    finished()
    body = client.get(card.get_absolute_url()).content.decode()
    assert "Nieuw antwoord." in body and "Oud antwoord." not in body


def test_a_programme_page_added_to_while_it_is_read_is_not_cached_stale(
    client, make_card, programme, edit_during_first_version_read
):
    make_card(title="Eerste kaart")
    finished = edit_during_first_version_read(lambda: make_card(title="Kaart van tijdens het lezen"))
    client.get(programme.get_absolute_url())
    finished()
    assert "Kaart van tijdens het lezen" in client.get(programme.get_absolute_url()).content.decode()


def test_a_programme_page_is_cached_per_audience_and_follows_every_change(
    client, member_client, make_card, programme, django_assert_max_num_queries
):
    make_card(title="Openbare kaart")
    make_card(title="Interne kaart", visibility="internal")
    url = programme.get_absolute_url()
    first = client.get(url).content.decode()
    assert "Openbare kaart" in first and "Interne kaart" not in first
    # Cached for anonymous readers: the deals, heatmaps and newest items are not read again.
    with django_assert_max_num_queries(4):
        again = client.get(url).content.decode()
    assert "Openbare kaart" in again and "Interne kaart" not in again
    assert "Interne kaart" in member_client.get(url).content.decode()
    assert "Interne kaart" not in client.get(url).content.decode()
    card = Card.objects.get(title="Openbare kaart")
    card.question = "Hoe heet deze kaart nu?"
    card.save()
    assert "Hoe heet deze kaart nu?" in client.get(url).content.decode()


@pytest.mark.parametrize(
    "path, params", [("/kaarten/", {}), ("/zoeken/", {"q": "heisessie"})], ids=["list", "search"]
)
def test_a_page_whose_programme_is_renamed_while_it_is_read_is_not_cached_stale(
    client, make_card, programme, edit_during_first_version_read, path, params
):
    make_card(title="Heisessie")
    old_name = programme.name

    def edit():
        programme.name = "Hernoemd programma"
        programme.save()

    finished = edit_during_first_version_read(edit)
    client.get(path, params)
    finished()
    body = client.get(path, params).content.decode()
    assert "Hernoemd programma" in body and old_name not in body


def test_a_renamed_tag_shows_on_cached_pages_and_in_search(client, make_card):
    card = make_card(title="Heisessie", tags=["oudenaam"])
    assert "oudenaam" in client.get(card.get_absolute_url()).content.decode()
    assert "oudenaam" in client.get("/zoeken/", {"q": "heisessie"}).content.decode()
    tag = Tag.objects.get(name="oudenaam")
    tag.name = "nieuwenaam"
    tag.save()  # as the tag admin does
    for body in (
        client.get(card.get_absolute_url()).content.decode(),
        client.get("/zoeken/", {"q": "heisessie"}).content.decode(),
    ):
        assert "nieuwenaam" in body and "oudenaam" not in body
    assert found_titles(client, "nieuwenaam") == ["Heisessie"]
    assert found_titles(client, "oudenaam") == []


def test_tags_linked_or_moved_outside_the_item_are_searchable(client, make_card):
    card = make_card(title="Kaart")
    # As the tag admin's inline and its "merge tags" action do: tag links
    # saved on their own, not through the item's tag manager.
    TaggedItem.objects.create(
        tag=Tag.objects.create(name="zeldzaamwoord", slug="zeldzaamwoord"), content_object=card
    )
    assert found_titles(client, "zeldzaamwoord") == ["Kaart"]
    merged = Tag.objects.create(name="samengevoegd", slug="samengevoegd")
    for tagged in TaggedItem.objects.filter(tag__name="zeldzaamwoord"):
        tagged.tag = merged
        tagged.save()
    assert found_titles(client, "samengevoegd") == ["Kaart"]
    assert found_titles(client, "zeldzaamwoord") == []
    TaggedItem.objects.filter(tag=merged).delete()
    assert found_titles(client, "samengevoegd") == []


def test_a_deleted_deals_name_no_longer_finds_its_former_items(client, make_card, deal):
    make_card(title="Kaart", deal=deal)
    assert found_titles(client, "voorbeeld") == ["Kaart"]
    deal.delete()
    assert found_titles(client, "voorbeeld") == []


@pytest.fixture
def shared_redis_cache(settings, tmp_path):
    """Both caches in a real Redis (the machine's, or one started here) under a prefix of this test's own."""
    redis = pytest.importorskip("redis")
    found = scaleout_servers.redis_url(tmp_path)
    if found is None:
        pytest.skip("no Redis answers at 127.0.0.1:6379 and redis-server is not installed")
    url, process = found
    client = redis.Redis.from_url(url)
    prefix = f"dk-test-{uuid.uuid4().hex[:8]}"
    SharedRedisCache._unavailable_until = 0.0
    settings.CACHES = {
        name: {
            "BACKEND": "dealkennis.sharedcache.SharedRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"{prefix}-{name}",
        }
        for name in ("default", "fragments")
    }
    yield client, prefix
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)
    client.close()
    if process is not None:
        process.terminate()
        process.wait(timeout=10)


def test_with_a_shared_cache_clearing_removes_only_this_sites_keys(shared_redis_cache):
    client, prefix = shared_redis_cache
    foreign = f"{prefix}-another-site:1:answer"
    client.set(foreign, "42")
    caches["default"].set("results", [1, 2])
    caches["fragments"].set("fragment", "<li>")
    assert caches["default"].get("results") == [1, 2]
    clear_caches()
    assert caches["default"].get("results") is None and caches["fragments"].get("fragment") is None
    assert client.get(foreign) == b"42"


def test_with_a_shared_cache_a_new_content_version_is_seen_by_every_server(
    shared_redis_cache, client, make_card
):
    make_card(title="Gedeelde kennis over bodemdaling")
    assert found_titles(client, "bodemdaling") == ["Gedeelde kennis over bodemdaling"]
    # What another server would find: the answer in Redis, under the content version.
    keys = list(shared_redis_cache[0].scan_iter(match=f"{shared_redis_cache[1]}*"))
    assert keys, "the search was not cached in Redis"
    make_card(title="Nog meer over bodemdaling")
    assert sorted(found_titles(client, "bodemdaling")) == [
        "Gedeelde kennis over bodemdaling",
        "Nog meer over bodemdaling",
    ]


def test_a_shared_cache_that_stops_answering_makes_pages_slower_not_fail(
    settings, tmp_path, client, make_card
):
    found = scaleout_servers.start_redis(tmp_path)
    if found is None:
        pytest.skip("redis-server is not installed")
    url, process = found
    settings.CACHES = {
        name: {
            "BACKEND": "dealkennis.sharedcache.SharedRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": name,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
        for name in ("default", "fragments")
    }
    try:
        make_card(title="Kennis over dijkversterking")
        assert found_titles(client, "dijkversterking") == ["Kennis over dijkversterking"]
    finally:
        process.terminate()
        process.wait(timeout=10)
    make_card(title="Meer over dijkversterking")
    assert sorted(found_titles(client, "dijkversterking")) == [
        "Kennis over dijkversterking",
        "Meer over dijkversterking",
    ]
    assert client.get("/programmas/").status_code == 200
    SharedRedisCache._unavailable_until = 0.0  # the next test's Redis is another
