"""Typo suggestions on the demo content: compounds are split, real typos corrected (issue 15)."""

import pytest

pytestmark = pytest.mark.django_db


def suggestion(client, query):
    return client.get("/zoeken/", {"q": query}).context["outcome"].suggestion


@pytest.mark.parametrize(
    "typed, split",
    [
        # Each part is a word of the public demo content; the whole word is in none.
        ("zorgdeal", "zorg deal"),  # not "zorgde"
        ("regiodeal", "regio deal"),  # not "regionaal"
        ("samenwerkingsdeal", "samenwerking deal"),  # not "samenwerkingsniveau"
        ("woondealregio", "woondeal regio"),
        ("citydeal", "city deal"),
        ("fishbowlsessie", "fishbowl sessie"),  # not "fishbowlgesprek"
    ],
)
def test_a_compound_of_known_words_is_suggested_split(client, demo_content, typed, split):
    assert suggestion(client, typed) == split


@pytest.mark.parametrize(
    "typed, meant",
    [
        ("staatscourrant", "staatscourant"),
        ("evalutie", "evaluatie"),
        ("samenwerkng", "samenwerking"),
        ("dealprogrammas", "dealprogramma"),
        ("leerstrategieen", "leerstrategie"),
    ],
)
def test_a_typo_is_still_corrected_to_the_word_meant(client, demo_content, typed, meant):
    assert suggestion(client, typed) == meant
