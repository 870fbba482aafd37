"""The learning matrix over the real demo content: every count leads to as many items."""

import pytest

from tests.test_learning import matrix_cells

pytestmark = pytest.mark.django_db


def test_every_learning_cell_count_equals_what_its_link_lists(client, demo_content):
    response = client.get("/leren/")
    cells = list(matrix_cells(response))
    assert len(cells) == 6 + 10
    assert sum(cell["count"] for cell in cells[:6]) > 0
    for cell in cells:
        listed = client.get(cell["url"]).context["outcome"]
        assert listed.total == cell["count"], cell["url"]


def test_learning_counts_per_programme_match_their_links_for_a_signed_in_user(member_client, demo_content):
    response = member_client.get("/leren/", {"programme": "city-deals"})
    for cell in matrix_cells(response):
        assert "programme=city-deals" in cell["url"]
        assert member_client.get(cell["url"]).context["outcome"].total == cell["count"]
