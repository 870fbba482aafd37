"""The heatmaps over the real demo content: every number shown is what its link lists, for each audience."""

from urllib.parse import parse_qs, urlparse

import pytest

from tests.test_heatmap import heat_cells, listed_items

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/leren/", "/programmas/health-deals/", "/programmas/city-deals/"])
@pytest.mark.parametrize("reader", ["anonymous", "member"])
def test_every_heatmap_count_is_the_number_of_items_its_link_lists(
    client, member_client, demo_content, path, reader
):
    reader_client = member_client if reader == "member" else client
    cells = heat_cells(reader_client, path)
    assert len(cells) == 6 + 10
    assert any(count for _shade, count, _url, _share in cells), "an empty page would prove nothing"
    for _shade, count, url, _share in cells:
        if path.startswith("/programmas/"):
            assert parse_qs(urlparse(url).query)["programme"] == [path.split("/")[2]]
        assert listed_items(reader_client, url) == count, url


def test_members_see_more_in_the_heatmap_than_anonymous_readers(client, member_client, demo_content):
    anonymous = sum(count for _shade, count, _url, _share in heat_cells(client, "/leren/"))
    member = sum(count for _shade, count, _url, _share in heat_cells(member_client, "/leren/"))
    assert member > anonymous > 0


def test_health_deals_shows_that_nobody_learns_there_at_the_collaboration_level(client, demo_content):
    cells = heat_cells(client, "/programmas/health-deals/")
    collaboration = [cell for cell in cells[:6] if "level=collaboration" in cell[2]]
    assert len(collaboration) == 3
    for shade, count, _url, share in collaboration:
        assert (shade, count) == (0, 0)
        assert parse_qs(urlparse(share).query)["programme"] == ["health-deals"]
        assert parse_qs(urlparse(share).query)["level"] == ["collaboration"]
