"""Following from the pages: the "Volgen" buttons, "Wat ik volg" and what bad input gets."""

import pytest
from django.contrib.auth import get_user_model
from hypothesis import given
from hypothesis import strategies as st

from follows.models import Follow, Frequency, Subscription
from tests.test_bad_input import ANY_TEXT, FAST

pytestmark = pytest.mark.django_db


def follow(client, kind, key, next_url="/", action="follow"):
    return client.post(
        "/account/volgen/wijzigen/", {"kind": kind, "key": key, "next": next_url, "action": action}
    )


def test_anonymous_visitors_get_a_link_to_sign_in(client, programme):
    page = client.get("/programmas/green-deals/").content.decode()
    assert "Log in om te volgen" in page
    assert 'href="/account/login/?next=/programmas/green-deals/"' in page.replace("%2F", "/")
    assert "follow-change" not in page and "/account/volgen/wijzigen/" not in page


def test_anonymous_post_is_sent_to_sign_in_and_writes_nothing(client, programme):
    response = follow(client, "programme", "programme=green-deals", "/programmas/green-deals/")
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")
    assert not Follow.objects.exists()


def test_following_a_programme_from_its_page_and_stopping_again(member_client, member, programme):
    page = member_client.get("/programmas/green-deals/").content.decode()
    assert 'name="key" value="programme=green-deals"' in page and ">Volgen<" in page

    response = follow(member_client, "programme", "programme=green-deals", "/programmas/green-deals/")
    assert response.status_code == 302 and response["Location"] == "/programmas/green-deals/"
    assert Follow.objects.filter(user=member, kind="programme", key="programme=green-deals").exists()
    assert Subscription.objects.get(user=member).frequency == Frequency.WEEKLY
    page = member_client.get("/programmas/green-deals/").content.decode()
    assert "Niet meer volgen" in page and "Je volgt nu: Programma Green Deals." in page

    follow(member_client, "programme", "programme=green-deals", action="unfollow")
    assert not Follow.objects.filter(user=member).exists()


def test_following_twice_keeps_one_follow(member_client, member, programme):
    follow(member_client, "programme", "programme=green-deals")
    follow(member_client, "programme", "programme=green-deals")
    assert Follow.objects.filter(user=member).count() == 1


def test_buttons_on_tag_lists_matrix_cells_and_the_search_page(member_client, make_lesson):
    make_lesson(title="Toetreden in de praktijk", tags=["toetreden"])
    tag_page = member_client.get("/lessen/?tag=toetreden").content.decode()
    assert 'value="tag=toetreden"' in tag_page
    learning = member_client.get("/leren/").content.decode()
    assert 'value="order=first&amp;level=task"' in learning
    assert 'value="stream=social&amp;mode=experiential"' in learning
    assert learning.count('name="kind" value="cell"') == 16
    search = member_client.get("/zoeken/?q=toetreden&stream=social&page=2").content.decode()
    assert "Volg deze zoekopdracht" in search and 'value="q=toetreden&amp;stream=social"' in search
    # An empty search is nothing to follow.
    assert "Volg deze zoekopdracht" not in member_client.get("/zoeken/").content.decode()


def test_the_matrix_offers_no_sign_in_links_to_anonymous_visitors(client):
    assert "Log in om te volgen" not in client.get("/leren/").content.decode()


def test_a_saved_search_is_stored_canonically(member_client, member, programme):
    follow(member_client, "search", "stream=social&q=financiering&programme=green-deals&page=3&sort=date")
    assert Follow.objects.get(user=member).key == "q=financiering&programme=green-deals&stream=social"


@pytest.mark.parametrize(
    ("kind", "key", "message"),
    [
        ("programme", "programme=bestaat-niet", "Dit programma bestaat niet."),
        ("tag", "tag=", "Geef een tag op om te volgen."),
        ("cell", "order=fourth&level=task", "Dit vak van de leermatrix bestaat niet."),
        ("cell", "order=first", "Dit vak van de leermatrix bestaat niet."),
        ("search", "page=2", "Zoek eerst iets"),
        ("iets", "x=y", "Dit kun je niet volgen."),
        ("search", "q=%00!!&page=2", "Zoek eerst iets"),
        # Fine to search, but too long once percent-encoded for the unique index.
        ("search", "q=" + "漢" * 200 + "&tag=" + "漢" * 100, "te lang om te volgen"),
    ],
)
def test_what_cannot_be_followed_gets_a_dutch_message(member_client, member, programme, kind, key, message):
    response = follow(member_client, kind, key, "/programmas/")
    assert response.status_code == 302
    assert message in member_client.get("/programmas/").content.decode()
    assert not Follow.objects.exists() and not Subscription.objects.exists()


def test_next_must_stay_on_the_site(member_client, programme):
    response = follow(member_client, "programme", "programme=green-deals", "https://elders.example/")
    assert response["Location"] == "/account/volgen/"


def test_wat_ik_volg_lists_follows_and_keeps_the_frequency(
    member_client, member, programme, django_assert_num_queries
):
    for kind, key in (("programme", "programme=green-deals"), ("cell", "stream=social&mode=deliberate")):
        follow(member_client, kind, key)
    member_client.get("/")  # the messages of the follows are shown and gone
    # Session, user, subscription, follows, and the programmes (read once per content version).
    with django_assert_num_queries(5):
        page = member_client.get("/account/volgen/").content.decode()
    assert "Programma Green Deals" in page and "Sociaal × Doelbewust leren" in page
    assert page.count("Niet meer volgen") == 2

    response = member_client.post("/account/volgen/", {"frequency": "daily"})
    assert response.status_code == 302
    assert Subscription.objects.get(user=member).frequency == Frequency.DAILY
    bad = member_client.post("/account/volgen/", {"frequency": "elk uur"})
    assert bad.status_code == 400 and "Kies een van de mogelijkheden." in bad.content.decode()
    assert Subscription.objects.get(user=member).frequency == Frequency.DAILY


def test_wat_ik_volg_asks_to_sign_in(client):
    response = client.get("/account/volgen/")
    assert response.status_code == 302 and response["Location"].startswith("/account/login/")


def test_removing_an_account_forgets_what_it_followed(member_client, member, programme):
    follow(member_client, "programme", "programme=green-deals")
    member_client.post("/account/verwijderen/", {"confirm": "on"})
    assert not get_user_model().objects.get(pk=member.pk).is_active
    assert not Follow.objects.filter(user=member).exists()
    assert not Subscription.objects.filter(user=member).exists()


def test_sixteen_matrix_buttons_cost_one_query(member_client, member, django_assert_num_queries):
    member_client.get("/leren/")  # the counts and programmes are cached
    Follow.objects.create(user=member, kind="cell", key="order=second&level=task")
    # Session, user, content version, the learning strategies /leren/ links to, and the
    # reader's follows once for all sixteen buttons.
    with django_assert_num_queries(5):
        page = member_client.get("/leren/").content.decode()
    assert page.count("Niet meer volgen") == 1 and page.count(">Volgen<") == 15


@FAST
@given(
    kind=st.sampled_from(["programme", "tag", "cell", "search"]) | ANY_TEXT, key=ANY_TEXT, next_url=ANY_TEXT
)
def test_any_follow_request_is_answered_without_a_500(member_client, member, programme, kind, key, next_url):
    before = set(Follow.objects.filter(user=member).values_list("kind", "key"))
    response = follow(member_client, kind, key, next_url)
    assert response.status_code == 302
    after = set(Follow.objects.filter(user=member).values_list("kind", "key"))
    # At most the one topic asked for, stored canonically (no NUL, within the kinds).
    assert len(after - before) <= 1
    assert all(kind in ("programme", "tag", "cell", "search") and "\x00" not in key for kind, key in after)


def test_the_pages_speak_english_when_chosen(member_client, member, programme):
    member_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    follow(member_client, "programme", "programme=green-deals")
    page = member_client.get("/account/volgen/").content.decode()
    assert "What I follow" in page and "Programme Green Deals" in page and "Stop following" in page
    assert "Weekly" in page and "No e-mail" in page
