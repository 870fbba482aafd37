from datetime import timedelta

import pytest
from django.utils import timezone

from dealkennis.models import Deal
from dealkennis.web.views import PROGRAMME_ITEMS

pytestmark = pytest.mark.django_db


def test_home_page_shows_starter_path_in_order_and_programmes(client, make_card, programme):
    make_card(question="Tweede stap?", starter_rank=2)
    make_card(question="Eerste stap?", starter_rank=1)
    make_card(question="Niet in het pad?")
    response = client.get("/")
    content = response.content.decode()
    assert response.status_code == 200
    assert content.index("Eerste stap?") < content.index("Tweede stap?")
    assert "Niet in het pad?" not in content
    assert "Green Deals" in content


def test_pages_speak_dutch_by_default_even_to_an_english_browser(client):
    response = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    assert 'lang="nl"' in response.content.decode()


def test_language_switch_turns_the_interface_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/kaarten/"})
    assert response.status_code == 302
    assert 'lang="en"' in client.get("/kaarten/").content.decode()
    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    assert 'lang="nl"' in client.get("/").content.decode()


def test_card_list_filters_by_stream(client, make_card):
    make_card(title="Sociale kaart", stream="social")
    make_card(title="Cognitieve kaart", stream="cognitive")
    content = client.get("/kaarten/?stream=cognitive").content.decode()
    assert "Cognitieve kaart" in content
    assert "Sociale kaart" not in content


@pytest.mark.parametrize(
    "query, expected",
    [
        ("mode=deliberate", "Doelbewuste les"),
        ("order=third", "Derde-ordeles"),
        ("level=collaboration", "Samenwerkingsles"),
    ],
)
def test_lesson_list_filters_by_classification(client, make_lesson, query, expected):
    make_lesson(title="Gewone les")
    make_lesson(title="Doelbewuste les", mode="deliberate")
    make_lesson(title="Derde-ordeles", order="third")
    make_lesson(title="Samenwerkingsles", level="collaboration")
    response = client.get(f"/lessen/?{query}")
    titles = [item.title for item in response.context["items"]]
    assert titles == [expected]


def test_the_filter_form_keeps_the_readers_choices_and_escapes_the_programmes(client, programme):
    from dealkennis.models import Programme

    Programme.objects.create(name='Deals "A & B"', slug="vreemde-deals", ministries="BZK")
    content = client.get("/lessen/?programme=vreemde-deals&stream=social&level=task").content.decode()
    assert '<option value="vreemde-deals" selected>Deals &quot;A &amp; B&quot;</option>' in content
    assert '<option value="green-deals">Green Deals</option>' in content
    assert '<option value="social" selected>' in content and '<option value="task" selected>' in content
    assert content.count(" selected>") == 3
    for name in ("programme", "stream", "mode", "order", "level"):
        select = f'class="utrecht-select utrecht-select--html-select" id="filter-{name}" name="{name}">'
        assert select in content


def test_list_filters_by_programme_and_tag(client, make_card, other_programme):
    make_card(title="Green met tag", tags=["juridisch"])
    make_card(title="Green zonder tag")
    make_card(title="City met tag", programme=other_programme, tags=["juridisch"])
    response = client.get("/kaarten/?programme=green-deals&tag=Juridisch")
    assert [item.title for item in response.context["items"]] == ["Green met tag"]


def test_unknown_filter_value_is_ignored_with_a_clear_message(client, make_card):
    make_card(title="Enige kaart")
    response = client.get("/kaarten/?stream=astrologie&programme=bestaat-niet")
    content = response.content.decode()
    assert response.status_code == 200
    assert "Enige kaart" in content
    assert "astrologie" in content and "genegeerd" in content
    assert "bestaat-niet" in content
    # The reader is told the filter's name as the page shows it, not its code.
    assert "Het filter Leerstroming met waarde" in content
    assert "filter stream" not in content


def test_the_english_search_page_names_every_facet_in_english(client, make_card):
    make_card(title="Geld op tafel")
    client.cookies["django_language"] = "en"
    content = client.get("/zoeken/", {"q": "geld"}).content.decode()
    assert ">Type<" in content and "Soort" not in content


@pytest.mark.parametrize("page", ["999", "abc", "-1", ""])
def test_list_pagination_survives_any_page_value(client, make_card, page, settings):
    settings.PAGE_SIZE = 2
    for _ in range(3):
        make_card()
    response = client.get(f"/kaarten/?page={page}")
    assert response.status_code == 200
    assert len(response.context["items"]) in (1, 2)


def test_pagination_links_keep_the_filters(client, make_card, settings):
    settings.PAGE_SIZE = 2
    for _ in range(3):
        make_card(stream="relational")
    content = client.get("/kaarten/?stream=relational").content.decode()
    assert "?stream=relational&amp;page=2" in content


def test_card_page_shows_question_answer_and_classification_in_words(client, make_card, deal):
    card = make_card(
        question="Mag een nieuwe partij aansluiten?",
        answer="Ja, met een toetredingsverklaring.",
        stream="constructivist",
        mode="deliberate",
        order="second",
        level="collaboration",
        deal=deal,
    )
    content = client.get(card.get_absolute_url()).content.decode()
    for text in [
        "Mag een nieuwe partij aansluiten?",
        "Ja, met een toetredingsverklaring.",
        "Creërend",
        "Doelbewust leren",
        "Tweede orde",
        "Doen we de goede dingen?",
        "Samenwerkingsniveau",
        "Green Deal Voorbeeld",
    ]:
        assert text in content


def test_card_awaiting_check_and_overdue_review_are_announced(client, make_card):
    import datetime

    card = make_card(awaiting_check=True, review_due=datetime.date(2020, 1, 1))
    content = client.get(card.get_absolute_url()).content.decode()
    assert "wacht nog op controle door een coördinator" in content
    assert "opnieuw gecontroleerd moeten worden" in content


def test_lesson_page_shows_its_parts_and_the_cards_built_on_it(client, make_lesson, make_card):
    lesson = make_lesson(
        insight="Het liet zien dat juristen het geheugen zijn.",
        change="Juristen schuiven eerder aan.",
        takeaway="Betrek juristen vroeg.",
    )
    card = make_card(question="Wanneer haal je juristen erbij?")
    card.lessons.add(lesson)
    content = client.get(lesson.get_absolute_url()).content.decode()
    for text in [
        "Het liet zien dat juristen het geheugen zijn.",
        "Juristen schuiven eerder aan.",
        "Betrek juristen vroeg.",
        "Wanneer haal je juristen erbij?",
    ]:
        assert text in content


def test_programme_page_lists_its_deals(client, programme):
    Deal.objects.create(name="Green Deal Circulair", slug="gd-circulair", programme=programme)
    response = client.get(programme.get_absolute_url())
    assert response.status_code == 200
    assert "Green Deal Circulair" in response.content.decode()


def test_programme_page_shows_its_newest_items_and_links_to_all_of_them(
    client, programme, other_programme, make_card, make_lesson
):
    start = timezone.now() - timedelta(days=100)
    cards = [
        make_card(title=f"Kaart {n:02}", published_at=start + timedelta(days=n))
        for n in range(PROGRAMME_ITEMS + 1)
    ]
    make_card(title="Kaart elders", programme=other_programme)
    make_lesson(title="Enige les")
    content = client.get(programme.get_absolute_url()).content.decode()
    assert cards[-1].question in content
    assert cards[0].question not in content  # the oldest waits in the list
    assert "Kaart elders" not in content
    assert f'href="/kaarten/?programme={programme.slug}"' in content
    # All lessons are shown, so no link to more of them.
    assert "Enige les" in content
    assert f'href="/lessen/?programme={programme.slug}"' not in content


def test_programme_list_shows_every_programme(client, programme, other_programme):
    content = client.get("/programmas/").content.decode()
    assert "Green Deals" in content and "City Deals" in content


@pytest.mark.parametrize(
    "path", ["/kaarten/bestaat-niet/", "/lessen/bestaat-niet/", "/programmas/x/", "/nergens/"]
)
def test_unknown_address_gives_a_friendly_404_page(client, path, settings):
    settings.DEBUG = False
    response = client.get(path)
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in response.content.decode()


def test_login_page_renders(client):
    response = client.get("/account/login/")
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


def test_admin_is_reachable_for_staff(admin_client):
    assert admin_client.get("/admin/cards/card/").status_code == 200
    assert admin_client.get("/admin/lessons/lesson/").status_code == 200
