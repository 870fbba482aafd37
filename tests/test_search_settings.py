"""The planner settings a search needs hold for its own queries, not for what its caller runs next."""

import pytest
from django.db import connection, transaction

from dealkennis.search.query import local_settings

pytestmark = pytest.mark.django_db


def show(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return cursor.fetchone()[0]


def test_a_search_leaves_the_settings_of_an_enclosing_transaction_as_they_were(client, make_lesson):
    make_lesson(title="Financiering van een Regio Deal")
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL pg_trgm.similarity_threshold = 0.6")
        # A typo: the search also looks for the closest known word.
        outcome = client.get("/zoeken/", {"q": "finnaciering"}).context["outcome"]
        assert outcome.suggestion == "financiering"
        assert show("enable_seqscan") == "on"
        assert show("pg_trgm.similarity_threshold") == "0.6"


def test_a_local_setting_holds_inside_its_block_only():
    with transaction.atomic():
        with local_settings({"enable_seqscan": "off"}):
            assert show("enable_seqscan") == "off"
        assert show("enable_seqscan") == "on"
        with pytest.raises(ZeroDivisionError), local_settings({"enable_seqscan": "off"}):
            1 / 0  # noqa: B018
        assert show("enable_seqscan") == "on"


@pytest.mark.django_db(transaction=True)
def test_a_local_setting_outside_a_transaction_holds_for_the_whole_block():
    with local_settings({"enable_seqscan": "off"}):
        assert show("enable_seqscan") == "off"
        assert show("enable_seqscan") == "off"
    assert show("enable_seqscan") == "on"
