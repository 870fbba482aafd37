"""Deal pages: one address per deal under its programme, what the reader may see of it, and links to it."""

import datetime
import re

import pytest

from dealkennis.models import Deal

pytestmark = pytest.mark.django_db

DEAL_URL = "/programmas/green-deals/green-deal-voorbeeld/"


@pytest.fixture
def signed_deal(deal):
    deal.partners = "Gemeente Utrecht, Provincie Utrecht"
    deal.signed_on = datetime.date(2016, 3, 10)
    deal.ended_on = datetime.date(2020, 12, 31)
    deal.description = "Een voorbeeld van een deal."
    deal.save()
    return deal


def test_a_deal_page_shows_its_partners_dates_and_public_items(client, signed_deal, make_card, make_lesson):
    card = make_card(deal=signed_deal, question="Mag een nieuwe partij aansluiten?")
    lesson = make_lesson(deal=signed_deal, title="Wat de tafel leerde")
    make_lesson(title="Uit een andere deal")

    assert signed_deal.get_absolute_url() == DEAL_URL
    response = client.get(DEAL_URL)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Green Deal Voorbeeld" in content
    assert "Gemeente Utrecht, Provincie Utrecht" in content
    assert 'datetime="2016-03-10"' in content
    assert 'datetime="2020-12-31"' in content
    assert card.get_absolute_url() in content
    assert lesson.get_absolute_url() in content
    assert "Uit een andere deal" not in content


def test_a_deal_page_shows_internal_items_to_members_only_and_drafts_to_nobody(
    client, member_client, deal, make_card, make_lesson
):
    make_lesson(deal=deal, title="Intern geleerd", visibility="internal")
    make_card(deal=deal, title="Nog een concept", question="Concept?", status="draft")

    assert "Intern geleerd" not in client.get(DEAL_URL).content.decode()
    member = member_client.get(DEAL_URL).content.decode()
    assert "Intern geleerd" in member
    assert "Concept?" not in member


def test_a_deal_under_another_programme_or_unknown_is_not_found(client, deal, other_programme):
    assert client.get(f"/programmas/{other_programme.slug}/{deal.slug}/").status_code == 404
    assert client.get("/programmas/green-deals/bestaat-niet/").status_code == 404
    assert client.get("/programmas/bestaat-niet/green-deal-voorbeeld/").status_code == 404


def test_the_programme_page_and_an_item_naming_the_deal_link_to_it(client, deal, make_card, make_lesson):
    card = make_card(deal=deal)
    lesson = make_lesson(deal=deal)
    link = f'href="{DEAL_URL}"'
    assert link in client.get("/programmas/green-deals/").content.decode()
    assert link in client.get(card.get_absolute_url()).content.decode()
    assert link in client.get(lesson.get_absolute_url()).content.decode()


def test_the_sitemap_lists_a_deal_only_when_it_shows_something_public(
    client, deal, other_programme, make_lesson
):
    quiet = Deal.objects.create(name="Stille deal", slug="stille-deal", programme=other_programme)
    make_lesson(deal=quiet, programme=other_programme, visibility="internal")
    make_lesson(deal=quiet, programme=other_programme, status="draft")
    assert "stille-deal" not in client.get("/sitemap.xml").content.decode()
    assert "green-deal-voorbeeld" not in client.get("/sitemap.xml").content.decode()

    make_lesson(deal=deal)
    locations = re.findall(r"<loc>([^<]+)</loc>", client.get("/sitemap.xml").content.decode())
    assert f"http://testserver{DEAL_URL}" in locations
    assert not any("stille-deal" in location for location in locations)


@pytest.mark.parametrize("count", [1, 8])
def test_a_deal_page_uses_a_fixed_number_of_queries(
    client, deal, make_card, make_lesson, django_assert_num_queries, count
):
    for _number in range(count):
        make_card(deal=deal, tags=["a"])
        make_lesson(deal=deal, tags=["b"])
    # the deal with its programme, its cards, its lessons
    with django_assert_num_queries(3):
        assert client.get(DEAL_URL).status_code == 200
