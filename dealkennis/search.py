"""The pieces of full-text search shared by cards and lessons."""

import re
import unicodedata
from contextlib import contextmanager, suppress

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, connection, models, transaction
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
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 30
# What websearch_to_tsquery reads as syntax besides "-" and '"': it skips these
# where a word may start, so "a!-b" would still negate b.
SKIPPED_OPERATORS = set("!&|()<>")
QUOTE = '"'


def _query_character(char):
    """The character as the query keeps it: letters, marks, digits and plain ASCII punctuation.

    Anything else (symbols, other punctuation, spaces, control characters, NUL,
    lone surrogates) separates words, which is all PostgreSQL's parser makes of
    it; quote marks that would break the tsquery text go as well.
    """
    if unicodedata.category(char)[0] in "LMN" or char == QUOTE:
        return char
    if char.isascii() and char.isprintable() and char not in SKIPPED_OPERATORS and char not in "'\\ ":
        return char
    return " "


def _query_term(token):
    """A word of the query with at most one "-" (negation) in front, or "" when it has no word.

    websearch_to_tsquery stacks one NOT per "-" until a word follows and gives
    up after 32 ("tsquery stack too small"); a term without letters or digits
    never reaches it.
    """
    start = next((index for index, char in enumerate(token) if unicodedata.category(char)[0] in "LMN"), None)
    if start is None:
        return ""
    return ("-" if "-" in token[:start] else "") + token[start:]


def _query_terms(text):
    """Words, with an opening quote mark as '"' or '-"' (a negated phrase) and a closing one as '"'."""
    terms, inside, negate = [], False, False
    for token in re.findall(r'[^\s"]+|"', text):
        if token == QUOTE:
            terms.append('-"' if negate and not inside else '"')
            inside, negate = not inside, False
            continue
        term = _query_term(token)
        if term:
            terms.append(term)
        negate = not term and "-" in token
    return terms


def _joined(terms):
    """The terms as text, each quote mark against the words it encloses."""
    text, inside, glue = "", False, True
    for term in terms:
        if term == '"' and inside:
            text += term
            glue = False
        else:
            text += ("" if glue else " ") + term
            glue = term.endswith('"')
        if term.endswith('"'):
            inside = not inside
    return text


def clean_query(raw: str) -> tuple[str, list[str]]:
    """The query as words, phrases and single negations, which PostgreSQL always parses.

    Returns the cleaned text and the notices to show when it had to be cut.
    """
    notices = []
    terms = _query_terms("".join(_query_character(char) for char in raw))
    words = [index for index, term in enumerate(terms) if not term.endswith('"')]
    if len(words) > MAX_QUERY_TERMS:
        terms = terms[: words[MAX_QUERY_TERMS]]
        notices.append(
            _("Je zoekvraag had meer dan %(n)s woorden; alleen de eerste %(n)s zijn gebruikt.")
            % {"n": MAX_QUERY_TERMS}
        )
    text = _joined(terms)
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH].rsplit(" ", 1)[0] or text[:MAX_QUERY_LENGTH]
        notices.append(
            _("Je zoekvraag was erg lang en is ingekort tot de eerste %(n)s tekens.")
            % {"n": MAX_QUERY_LENGTH}
        )
    return text, notices


def _set_local(name, value):
    """Set `name` to `value` (None: its default) up to the end of the transaction; return the old value."""
    with connection.cursor() as cursor:
        # OFFSET 0 keeps the subquery apart, so the old value is read before it is replaced.
        cursor.execute(
            "SELECT before.value, set_config(%s, %s, true)"
            " FROM (SELECT current_setting(%s, true) AS value OFFSET 0) AS before",
            [name, None if value is None else str(value), name],
        )
        return cursor.fetchone()[0]


@contextmanager
def local_setting(name, value):
    """Run the block's queries with a PostgreSQL setting, and no other query.

    `SET LOCAL` lasts to the end of the transaction (a released savepoint keeps
    it too), so in a caller's transaction it would hold for all the caller runs
    next. Outside one, the block gets its own transaction, whose end ends the
    setting; inside one, the old value is put back after the block.
    """
    if not connection.in_atomic_block:
        with transaction.atomic():
            _set_local(name, value)
            yield
        return
    previous = _set_local(name, value)
    try:
        yield
    except BaseException:
        # An aborted transaction takes no setting, and needs none: rolling it
        # back to before the block undoes this setting too.
        with suppress(DatabaseError):
            _set_local(name, previous)
        raise
    _set_local(name, previous)
