"""The demo content is embedded as it is loaded, and found by meaning (where pgvector is)."""

import pytest
from django.db import connection

from cards.models import Card
from dealkennis.search.embedding import embed_query
from dealkennis.search.meaning import nearest, semantic_available
from lessons.models import Lesson


@pytest.fixture
def semantic(db):
    if not semantic_available(connection):
        pytest.skip("this PostgreSQL has no pgvector (or the model cannot run): search by meaning is off")


def test_the_demo_content_is_embedded_and_found_by_meaning(demo_content, semantic):
    assert not Card.objects.filter(embedding=None).exists()
    assert not Lesson.objects.filter(embedding=None).exists()
    # The Health Deals items never say "gezondheid".
    found = nearest(Lesson.objects.visible_to(None), embed_query("gezondheid"), 3)
    programmes = set(
        Lesson.objects.filter(pk__in=[pk for pk, _ in found]).values_list("programme__slug", flat=True)
    )
    assert "health-deals" in programmes
