"""The coordinators' attention page (/admin/aandacht/)."""

import pytest

pytestmark = pytest.mark.django_db


def test_cards_awaiting_a_check_are_listed(coordinator_client, make_card):
    make_card(title="Advies nog bevestigen", awaiting_check=True, tags=["x"])
    make_card(title="Advies bevestigd", tags=["x"])
    make_card(title="Gearchiveerd advies", awaiting_check=True, status="archived", tags=["x"])
    content = coordinator_client.get("/admin/aandacht/").content.decode()
    assert "Wacht op controle" in content
    assert "Advies nog bevestigen" in content
    assert "Advies bevestigd" not in content
    assert "Gearchiveerd advies" not in content
