"""The pieces of full-text search shared by cards and lessons."""

import unicodedata

from django.contrib.postgres.search import SearchVector

# A copy of PostgreSQL's Dutch configuration with `unaccent` in front of the
# stemmer, so "coordinator" and "coördinator" meet (created in a migration).
SEARCH_CONFIG = "dealkennis_nl"

WEIGHTS = ("A", "B", "C", "D")


def weighted_search_vector(**fields_by_weight) -> SearchVector:
    """Build one tsvector from fields grouped by weight: A=[...], B=[...], ...

    Used as the expression of a stored GeneratedField, so it may only use
    immutable functions and columns of the row itself.
    """
    vector = None
    for weight in WEIGHTS:
        for field in fields_by_weight.get(weight, []):
            part = SearchVector(field, config=SEARCH_CONFIG, weight=weight)
            vector = part if vector is None else vector + part
    return vector


def fold(text: str) -> str:
    """Lowercase without diacritics ("Coördinator" -> "coordinator"), as unaccent does."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
