import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from cards.models import Card
from dealkennis.markdown import plain_text
from dealkennis.models import Deal, Programme


@pytest.mark.parametrize(
    "text",
    [
        "<b>Let op</b> &lt;img src=x onerror=alert(1)&gt;",
        "&lt;img src=x onerror=alert(1)&gt;",
        "&amp;lt;script&amp;gt;alert(1)&amp;lt;/script&amp;gt;",
        "<p>&lt;a href=&quot;javascript:alert(1)&quot;&gt;klik&lt;/a&gt;</p>",
        "&#60;svg onload=alert(1)&#62;",
    ],
)
def test_escaped_markup_is_never_decoded_into_a_tag(text):
    stripped = plain_text(text)
    assert "<" not in stripped
    assert plain_text(stripped) == stripped


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Kosten < baten", "Kosten < baten"),
        ("Kosten &lt; baten", "Kosten < baten"),
        ("Stad & land", "Stad & land"),
        ("<em>Stad</em> &amp; land", "Stad & land"),
        ("  Gewone titel  ", "Gewone titel"),
    ],
)
def test_plain_text_stays_readable(text, expected):
    assert plain_text(text) == expected


def test_api_never_serves_markup_hidden_in_entities(client, make_card):
    card = make_card(title="<b>Let op</b> &lt;img src=x onerror=alert(1)&gt;", summary="&lt;script&gt;x")
    data = client.get(f"/api/kaarten/{card.slug}/").json()
    assert data["title"] == "Let op"
    assert "<" not in data["summary"]


@pytest.mark.parametrize(
    "path",
    [
        "/kaarten/",
        "/lessen/",
        "/programmas/green-deals/",
        "/programmas/green-deals/green-deal-voorbeeld/",
        "/zoeken/?q=lasten",
    ],
)
def test_a_less_than_sign_kept_as_text_is_escaped_wherever_items_are_listed(
    client, make_card, make_lesson, deal, path
):
    for make in (make_card, make_lesson):
        make(title="Kosten < baten & lasten", summary='Stad "en" land < 3 & meer', deal=deal)
    html = client.get(path).content.decode()
    assert "Kosten &lt; baten &amp; lasten" in html
    assert "Stad &quot;en&quot; land &lt; 3 &amp; meer" in html


def test_programme_and_deal_texts_are_stripped_on_save(client, programme):
    programme.name = "<b>Groene</b> Deals"
    programme.description = "<script>alert(1)</script>Sinds &lt;img src=x onerror=alert(1)&gt;2011."
    programme.save()
    deal = Deal.objects.create(
        name="<i>Deal</i> één",
        slug="deal-een",
        programme=programme,
        partners="<a href='x'>Gemeente</a>",
        description="Over &lt;b&gt;samenwerking&lt;/b&gt;",
    )
    programme.refresh_from_db()
    deal.refresh_from_db()
    assert (programme.name, programme.description) == ("Groene Deals", "Sinds 2011.")
    assert (deal.name, deal.partners, deal.description) == ("Deal één", "Gemeente", "Over samenwerking")
    data = client.get(f"/api/programmas/{programme.slug}/").json()
    assert "<" not in str(data)


def test_programme_admin_strips_markup(admin_client):
    response = admin_client.post(
        "/admin/dealkennis/programme/add/",
        {
            "name": "<b>Nieuw</b> programma",
            "slug": "nieuw",
            "ministries": "<i>BZK</i>",
            "description": "&lt;img src=x onerror=alert(1)&gt;Omschrijving",
            "deals-TOTAL_FORMS": "0",
            "deals-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    created = Programme.objects.get(slug="nieuw")
    assert (created.name, created.ministries, created.description) == (
        "Nieuw programma",
        "BZK",
        "Omschrijving",
    )


def test_a_programme_name_of_only_markup_is_refused_with_a_message(programme):
    programme.name = "<img src=x>"
    with pytest.raises(ValidationError) as refused:
        programme.full_clean()
    assert "alleen opmaak" in str(refused.value.message_dict["name"])


def test_a_name_that_is_taken_once_stripped_is_refused_by_the_form(admin_client, programme):
    response = admin_client.post(
        "/admin/dealkennis/programme/add/",
        {
            "name": f"<b>{programme.name}</b>",
            "slug": "ander",
            "ministries": "BZK",
            "description": "Tekst",
            "deals-TOTAL_FORMS": "0",
            "deals-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "bestaat al" in response.content.decode()
    assert Programme.objects.count() == 1


def test_markup_stored_by_earlier_code_is_stripped_by_the_migration(make_card, programme, other_programme):
    migration = importlib.import_module("dealkennis.migrations.0006_strip_stored_markup")
    card = make_card(title="Kaart")
    Card.objects.filter(pk=card.pk).update(title="Let op <img src=x onerror=alert(1)>", summary="<b>Kort</b>")
    Programme.objects.filter(pk=programme.pk).update(description="<script>x</script>Sinds 2011.")
    # Stripped, this name would be taken by the other programme.
    Programme.objects.filter(pk=programme.pk).update(name=f"<b>{other_programme.name}</b>")
    migration.strip_stored_markup(apps, None)
    card.refresh_from_db()
    programme.refresh_from_db()
    assert (card.title, card.summary) == ("Let op", "Kort")
    assert programme.description == "Sinds 2011."
    assert "<" not in programme.name and other_programme.name in programme.name
