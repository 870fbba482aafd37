"""The learning matrices as heatmaps: every number shown is what its link lists, and empty cells say so."""

import html
import re
from urllib.parse import parse_qs, urlparse

import pytest

from dealkennis.web.matrix import _shade

pytestmark = pytest.mark.django_db

CELL = re.compile(r'<td class="utrecht-table__cell heat heat-(\d)">(.*?)</td>', re.S)
CELL_LINK = re.compile(r'<a href="([^"]+)" class="utrecht-link matrix-link">(\d+) items?<span')
SHARE_LINK = re.compile(r'<a class="utrecht-link share-link" href="([^"]+)">')
CELL_LINK_URLS = re.compile(r'<a href="([^"]+)" class="utrecht-link matrix-link">')
NEXT_PAGE = re.compile(r'<a class="utrecht-link" href="([^"]+)" rel="next">')


def heat_cells(client, path):
    """(shade, count shown, list link, share link or None) of every heatmap cell on the page."""
    response = client.get(path)
    assert response.status_code == 200
    cells = []
    for shade, body in CELL.findall(response.content.decode()):
        link = CELL_LINK.search(body)
        share = SHARE_LINK.search(body)
        cells.append(
            (
                int(shade),
                int(link.group(2)),
                html.unescape(link.group(1)),
                share and html.unescape(share.group(1)),
            )
        )
    return cells


def listed_items(client, url):
    """How many items the linked list shows, over all its pages."""
    total = 0
    while url:
        content = client.get(url).content.decode()
        total += content.count('<li class="item-summary')
        following = NEXT_PAGE.search(content)
        url = following and html.unescape(following.group(1))
    return total


def test_an_empty_cell_says_nobody_learns_there_and_offers_to_share(client, make_lesson, programme):
    make_lesson(order="first", level="task", stream="social", mode="experiential")
    content = client.get(f"/programmas/{programme.slug}/").content.decode()
    cells = heat_cells(client, f"/programmas/{programme.slug}/")
    empty = [cell for cell in cells if cell[1] == 0]
    assert len(empty) == 6 + 10 - 2
    assert content.count("Hier leert nog niemand.") == len(empty)
    for shade, _count, _url, share in empty:
        assert shade == 0
        assert share is not None
    # The filled cells are the darkest shade (the fullest of their table), with no invitation.
    assert [(shade, share) for shade, count, _url, share in cells if count] == [(3, None), (3, None)]
    order_level = parse_qs(urlparse(empty[0][3]).query)
    assert order_level == {"order": ["first"], "level": ["collaboration"], "programme": [programme.slug]}


def test_the_share_link_of_an_empty_cell_fills_in_its_classification(member_client, programme, deal):
    response = member_client.get(
        "/lessen/delen/",
        {"programme": programme.slug, "deal": deal.slug, "order": "third", "level": "collaboration"},
    )
    form = response.context["form"]
    assert form.initial == {
        "programme": programme.pk,
        "deal": deal.pk,
        "order": "third",
        "level": "collaboration",
    }
    content = response.content.decode()
    assert '<option value="third" selected>' in content
    assert '<option value="collaboration" selected>' in content


def test_the_share_form_ignores_values_it_does_not_offer(member_client, programme):
    response = member_client.get(
        "/lessen/delen/", {"programme": "bestaat\x00niet", "order": "vierde", "stream": "social", "deal": "x"}
    )
    assert response.status_code == 200
    assert response.context["form"].initial == {"stream": "social"}


@pytest.mark.parametrize(
    "counts, shades, legend",
    [
        ([0, 0], [0, 0], [(0, 0, 0)]),
        ([0, 1], [0, 3], [(0, 0, 0), (3, 1, 1)]),
        ([0, 1, 2, 3, 5, 9], [0, 1, 1, 1, 2, 3], [(0, 0, 0), (1, 1, 3), (2, 4, 6), (3, 7, 9)]),
    ],
)
def test_shades_step_by_thirds_of_the_fullest_cell_and_the_legend_names_their_counts(counts, shades, legend):
    cells = [{"count": count} for count in counts]
    steps = _shade([cells])
    assert [cell["shade"] for cell in cells] == shades
    assert [(step["shade"], step["low"], step["high"]) for step in steps] == legend


def test_the_heatmap_legend_is_on_the_page(client, make_lesson):
    make_lesson(order="first", level="task")
    content = client.get("/leren/").content.decode()
    assert content.count('class="utrecht-paragraph heat-legend"') == 2
    assert '<span class="heat-swatch heat-3">1</span>' in content


def test_the_heatmap_speaks_english_when_chosen(client, make_lesson):
    make_lesson(order="first", level="task")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    content = client.get("/leren/").content.decode()
    assert "Nobody learns here yet." in content
    assert "Shade by number of items per cell:" in content
    assert "Hier leert nog niemand" not in content


def test_signing_in_from_a_share_link_keeps_its_suggested_classification(client):
    content = client.get("/lessen/delen/", {"order": "third", "level": "collaboration"}).content.decode()
    assert "?next=/lessen/delen/%3Forder%3Dthird%26level%3Dcollaboration" in content


def test_the_heatmap_caption_escapes_the_programme_name(client):
    from dealkennis.models import Programme

    # Markup is taken out of plain-text fields on save; what is left must still be escaped.
    Programme.objects.create(name='Deals "A & B"', slug="vreemde-deals", ministries="BZK")
    content = client.get("/programmas/vreemde-deals/").content.decode()
    assert content.count("— Deals &quot;A &amp; B&quot;</caption>") == 2


def test_the_heatmap_follows_each_readers_language_in_one_process(client, programme, make_lesson):
    make_lesson(order="first", level="task")
    dutch = client.get(f"/programmas/{programme.slug}/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get(f"/programmas/{programme.slug}/").content.decode()
    assert "Hier leert nog niemand." in dutch and "Hier leert nog niemand." not in english
    assert "Nobody learns here yet." in english
    # The same cells link to the same searches, within the programme, in both languages.
    links = [sorted(cell[2] for cell in heat_cells(client, f"/programmas/{programme.slug}/"))]
    assert all(f"programme={programme.slug}" in url for url in links[0])
    assert sorted(html.unescape(url) for url in CELL_LINK_URLS.findall(dutch)) == links[0]


def test_a_request_never_changes_the_heatmap_layout_kept_for_the_next(make_lesson):
    from django.contrib.auth.models import AnonymousUser

    from dealkennis.web.matrix import learning_matrix

    make_lesson(order="first", level="task")
    first = learning_matrix(AnonymousUser())
    cell = first["orders"][0]["cells"][0]
    cell["count"], cell["url"], cell["shade"] = 99, "/elders/", 0
    first["orders"][0]["label"] = "Anders"
    again = learning_matrix(AnonymousUser())
    assert again["orders"][0]["label"] != "Anders"
    assert (again["orders"][0]["cells"][0]["count"], again["orders"][0]["cells"][0]["shade"]) == (1, 3)
    assert again["orders"][0]["cells"][0]["url"].startswith("/zoeken/?")
