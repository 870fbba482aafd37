"""What is indexed for full-text search: the text configuration, folding, the weighted vector and size limits.

Shared by cards and lessons (their generated search vectors) and by the rest of the search package.
"""

import unicodedata

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _

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


# A stored search vector holds at most 1 MB of distinct words (PostgreSQL's
# limit, over which saving fails). These keep every item far below it, even in
# four-byte characters, and far above any real card or lesson.
MAX_TEXT_LENGTH = 50_000
MAX_TOTAL_TEXT_LENGTH = 100_000


def text_size_errors(item) -> dict:
    """Validation errors for text too long to be indexed: per field, and for all text together."""
    lengths = {
        field.name: len(value) if isinstance(value := getattr(item, field.attname), str) else 0
        for field in item._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and field.editable
    }
    errors = {
        name: ValidationError(
            _("Deze tekst is te lang: %(length)s tekens, er mogen er hoogstens %(limit)s zijn."),
            code="too_long",
            params={
                "length": number_format(length, force_grouping=True),
                "limit": number_format(MAX_TEXT_LENGTH, force_grouping=True),
            },
        )
        for name, length in lengths.items()
        if length > MAX_TEXT_LENGTH
    }
    total = sum(lengths.values())
    if total > MAX_TOTAL_TEXT_LENGTH:
        errors[NON_FIELD_ERRORS] = ValidationError(
            _(
                "Alle tekst samen is te lang: %(length)s tekens, er mogen er hoogstens %(limit)s zijn. "
                "Kort de langste stukken in."
            ),
            code="too_long",
            params={
                "length": number_format(total, force_grouping=True),
                "limit": number_format(MAX_TOTAL_TEXT_LENGTH, force_grouping=True),
            },
        )
    return errors


def fold(text: str) -> str:
    """Lowercase without diacritics ("Coördinator" -> "coordinator"), as unaccent does."""
    if text.isascii():
        # Most titles and queries: nothing to decompose (10 ms saved per search page).
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))
