"""Who is who: opt-in profiles, seen only by signed-in colleagues, on every path."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError
from django.test import Client

from accounts.privacy import anonymise
from people.models import Profile


@pytest.fixture
def colleague(db):
    return get_user_model().objects.create_user("collega", "collega@example.nl", "geheim-wachtwoord-3")


@pytest.fixture
def make_profile(programme):
    def make(user, published=True, programmes=(), **values):
        values = {"name": "Petra Jansen", "organisation": "Ministerie van EZK", **values}
        profile = Profile.objects.create(user=user, published=published, **values)
        profile.programmes.set(programmes or [programme])
        return profile

    return make


PUBLIC_PATHS = (
    "/",
    "/programmas/green-deals/",
    "/kaarten/",
    "/lessen/",
    "/leren/",
    "/zoeken/?q=juridisch",
    "/zoeken/?q=Jansen",
    "/feeds/nieuw/",
    "/feeds/programma/green-deals/",
    "/sitemap.xml",
    "/api/kaarten/",
    "/api/lessen/",
    "/api/programmas/",
    "/api/programmas/green-deals/",
    "/api/zoeken/?q=juridisch",
    "/api/zoeken/?q=Jansen",
)


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_an_anonymous_visitor_never_sees_a_profile(client, path, colleague, make_profile, make_card):
    card = make_card(title="Juridisch advies", tags=["juridisch"])
    make_profile(colleague, name="Petra Jansen", organisation="Verborgen Organisatie", topics=["juridisch"])

    for url in (path, card.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "Petra" not in text and "Verborgen Organisatie" not in text, url


@pytest.mark.parametrize("path", ["/mensen/", "/mensen/rollen/", "/mensen/mijn-profiel/"])
def test_the_people_pages_ask_an_anonymous_visitor_to_sign_in(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_a_signed_in_colleague_sees_published_profiles_on_list_programme_and_item_pages(
    member_client, colleague, make_profile, make_card
):
    card = make_card(title="Juridisch advies", tags=["juridisch"])
    make_profile(colleague, name="Petra Jansen", roles=["jurist"], topics=["juridisch"])

    assert "Petra Jansen" in member_client.get("/mensen/").content.decode()
    programme_page = member_client.get("/programmas/green-deals/").content.decode()
    assert "Wie werkt hieraan" in programme_page and "Petra Jansen" in programme_page
    card_page = member_client.get(card.get_absolute_url()).content.decode()
    assert "Wie weet hier meer van?" in card_page and "Petra Jansen" in card_page
    assert "Petra Jansen" in member_client.get("/zoeken/?q=juridisch").content.decode()


def test_an_unpublished_profile_is_seen_by_nobody_but_its_owner(member_client, colleague, make_profile):
    make_profile(colleague, published=False, name="Nog Verborgen")
    owner = Client()
    owner.force_login(colleague)

    assert "Nog Verborgen" not in member_client.get("/mensen/").content.decode()
    assert "Nog Verborgen" not in member_client.get("/programmas/green-deals/").content.decode()
    assert "Nog Verborgen" in owner.get("/mensen/mijn-profiel/").content.decode()


def test_a_deactivated_account_s_profile_disappears(member_client, colleague, make_profile):
    make_profile(colleague, name="Oud Collega")
    colleague.is_active = False
    colleague.save()

    assert "Oud Collega" not in member_client.get("/mensen/").content.decode()
    assert "Oud Collega" not in member_client.get("/mensen/rollen/").content.decode()


def test_removing_the_profile_takes_it_away_at_once(member_client, member, colleague, make_profile):
    make_profile(member, name="Ik Zelf")
    viewer = Client()
    viewer.force_login(colleague)
    assert "Ik Zelf" in viewer.get("/mensen/").content.decode()

    response = member_client.post("/mensen/mijn-profiel/verwijderen/")

    assert response.status_code == 302
    assert not Profile.objects.filter(user=member).exists()
    assert "Ik Zelf" not in viewer.get("/mensen/").content.decode()


def test_removing_the_account_removes_the_profile(member, make_profile):
    make_profile(member)

    anonymise(member)

    assert not Profile.objects.filter(user=member).exists()


def test_a_new_profile_stays_hidden_until_published(member_client, member, programme, deal):
    response = member_client.post(
        "/mensen/mijn-profiel/",
        {
            "name": "Sanne Bakker",
            "organisation": "Provincie Utrecht",
            "deals": [deal.pk],
            "roles": ["makelaar", "butler"],
            "topics": "Samenwerking,  netwerken , samenwerking",
            "contact": "sanne@example.nl",
        },
    )

    assert response.status_code == 302
    profile = Profile.objects.get(user=member)
    assert profile.topics == ["samenwerking", "netwerken"]
    # Working on a deal means working in its programme.
    assert list(profile.programmes.all()) == [programme]
    assert profile.published is False


@pytest.mark.parametrize(
    "values, message",
    [
        ({"topics": ",".join(f"onderwerp {n}" for n in range(13))}, "Noem hoogstens 12 onderwerpen."),
        ({"topics": "x" * 61}, "Een onderwerp is hoogstens 60 tekens lang."),
        ({"roles": ["koning"]}, "Selecteer een geldige keuze"),
        ({"name": ""}, "Dit veld is verplicht."),
    ],
)
def test_a_bad_profile_gets_a_dutch_message_and_nothing_is_saved(member_client, member, values, message):
    data = {"name": "Sanne Bakker", "organisation": "Provincie Utrecht", **values}

    response = member_client.post("/mensen/mijn-profiel/", data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Profile.objects.filter(user=member).exists()


def test_an_unknown_role_is_refused_by_the_database(member):
    with pytest.raises(IntegrityError):
        Profile.objects.create(user=member, name="X", organisation="Y", roles=["koning"])


def test_who_knows_puts_shared_topics_first_and_other_programmes_before_the_items_own(
    member_client, programme, other_programme, make_card, make_profile
):
    users = [get_user_model().objects.create_user(f"p{n}") for n in range(3)]
    make_profile(users[0], name="Zelfde Programma", programmes=[programme], topics=["juridisch"])
    make_profile(users[1], name="Ander Programma", programmes=[other_programme], topics=["juridisch"])
    make_profile(users[2], name="Alleen Programma", programmes=[programme], topics=[])
    card = make_card(tags=["juridisch"])

    page = member_client.get(card.get_absolute_url()).content.decode()
    aside = page[page.index("Wie weet hier meer van?") :]

    names = re.findall(r"<h3 class=\"utrecht-heading-3\">([^<]+)</h3>", aside)
    assert names[:3] == ["Ander Programma", "Zelfde Programma", "Alleen Programma"]


def test_the_people_list_uses_a_fixed_number_of_queries(
    member_client, make_profile, programme, django_assert_num_queries
):
    for n in range(5):
        make_profile(get_user_model().objects.create_user(f"q{n}"), name=f"Collega {n}")

    # Session, user, programmes, count, profiles, their programmes and deals.
    with django_assert_num_queries(7):
        response = member_client.get("/mensen/")
    assert response.status_code == 200


def test_a_deal_page_shows_who_works_on_the_deal_to_colleagues_only(
    client, member_client, colleague, make_profile, deal
):
    profile = make_profile(colleague, name="Deal Kenner", roles=["butler"])
    profile.deals.set([deal])
    url = f"/programmas/{deal.programme.slug}/{deal.slug}/"

    assert "Deal Kenner" in member_client.get(url).content.decode()
    assert "Deal Kenner" not in client.get(url).content.decode()


@pytest.mark.parametrize("role", ["reader", "Redacteur", "Coördinator", "superuser"])
def test_every_signed_in_role_sees_published_profiles_and_never_hidden_ones(
    request, role, colleague, make_profile
):
    make_profile(colleague, name="Zichtbaar Profiel", roles=["expert"])
    hidden = get_user_model().objects.create_user("verborgen")
    make_profile(hidden, published=False, name="Verborgen Profiel", roles=["expert"])
    if role == "reader":
        viewer = Client()
        viewer.force_login(get_user_model().objects.create_user("lezer"))
    elif role == "superuser":
        viewer = Client()
        viewer.force_login(get_user_model().objects.create_superuser("baas", "baas@example.nl", "x"))
    else:
        viewer = request.getfixturevalue("editor_client" if role == "Redacteur" else "coordinator_client")

    for url in ("/mensen/", "/mensen/rollen/", "/programmas/green-deals/", "/zoeken/?q=Profiel"):
        page = viewer.get(url).content.decode()
        assert "Verborgen Profiel" not in page, url
    assert "Zichtbaar Profiel" in viewer.get("/mensen/").content.decode()
    assert "Zichtbaar Profiel" in viewer.get("/programmas/green-deals/").content.decode()
