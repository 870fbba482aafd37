"""A change of an item's tags through its tag manager: one search-text refresh and one new content version."""

import pytest
from django.db import DataError
from taggit.models import Tag, TaggedItem

from dealkennis.caching import ContentVersion

TEN = [f"thema{n}" for n in range(10)]


def bumps_during(change):
    before = ContentVersion.current()
    change()
    return ContentVersion.current() - before


def test_setting_ten_tags_bumps_the_content_version_once(make_card):
    card = make_card(title="Kaart", tags=["oud1", "oud2"])
    assert bumps_during(lambda: card.tags.set(TEN)) == 1
    card.refresh_from_db()
    assert card.search_tags == " ".join(sorted(TEN))


def test_adding_removing_and_clearing_tags_bump_the_content_version_once_each(make_card):
    card = make_card(title="Kaart")
    assert bumps_during(lambda: card.tags.add(*TEN)) == 1
    assert bumps_during(lambda: card.tags.remove(*TEN[:5])) == 1
    assert bumps_during(lambda: card.tags.clear()) == 1
    card.refresh_from_db()
    assert card.search_tags == ""


def test_setting_the_tags_an_item_has_changes_nothing(make_card):
    card = make_card(title="Kaart", tags=TEN)
    assert bumps_during(lambda: card.tags.set(TEN)) == 0


def test_setting_ten_tags_runs_a_bounded_number_of_queries(make_card, django_assert_max_num_queries):
    card = make_card(title="Kaart", tags=["oud1", "oud2"])
    Tag.objects.bulk_create([Tag(name=name, slug=name) for name in TEN])
    # Taggit's own lookups and one get_or_create per link are most of it; the
    # refresh of the search text and the version bump come once (was 153).
    with django_assert_max_num_queries(65):
        card.tags.set(TEN)


def test_a_failed_tag_change_writes_nothing_and_later_links_still_refresh_the_item(make_card):
    card = make_card(title="Kaart", tags=["oud"])
    with pytest.raises(DataError):
        card.tags.add("nieuw", "x" * 200)  # longer than a tag name may be
    assert list(card.tags.names()) == ["oud"]
    TaggedItem.objects.create(tag=Tag.objects.create(name="los", slug="los"), content_object=card)
    card.refresh_from_db()
    assert card.search_tags == "los oud"
