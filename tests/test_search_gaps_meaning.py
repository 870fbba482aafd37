"""A search whose hits were all found by meaning counts as a gap (the demo content, where the model runs)."""

import pytest
from django.db import connection

from dealkennis.search.meaning import semantic_available
from tests.test_search_gaps import counts, search

pytestmark = pytest.mark.django_db


def test_a_search_found_only_by_meaning_is_counted_and_offers_to_ask(client, demo_content, db):
    if not semantic_available(connection):
        pytest.skip("this server searches by words only (no pgvector, or the model cannot run)")
    # No item holds these words; the model finds what they mean.
    query = "hoe krijg ik wethouders enthousiast"
    data = client.get("/api/zoeken/", {"q": query}).json()
    assert data["total"] and data["by_meaning"] == data["total"]
    content = search(client, query).content.decode()
    assert "Stel je vraag aan een coördinator" in content
    assert counts() == {(query, None, "meaning"): (1, 0)}
