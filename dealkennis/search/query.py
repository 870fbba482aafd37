"""What a reader typed, made safe and ready for PostgreSQL.

Owns query cleaning (`clean_query`), the question words left out, synonym
expansion (`with_synonyms`), the prefix tsquery (`PrefixSearchQuery`) and
`local_settings`, which runs a search's queries with PostgreSQL settings.
"""

import re
import unicodedata
from contextlib import contextmanager, suppress

from django.contrib.postgres.search import SearchQuery
from django.db import DatabaseError, connection, transaction
from django.db.models import BooleanField, F, Func, Subquery
from django.db.models.sql import Query
from django.utils.translation import gettext as _

from dealkennis.search.synonyms import synonym_table, term_words
from dealkennis.search.text import SEARCH_CONFIG, fold

MIN_PREFIX_LENGTH = 4
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


def _set_local(settings):
    """Set each of `settings` (None: its default) up to the end of the transaction; return the old values.

    One statement, however many settings.
    """
    names = list(settings)
    values = [None if settings[name] is None else str(settings[name]) for name in names]
    before = ", ".join(f"current_setting(%s, true) AS v{index}" for index in range(len(names)))
    # OFFSET 0 keeps the subquery apart, so the old values are read before they are replaced.
    olds = ", ".join(f"before.v{index}" for index in range(len(names)))
    sets = ", ".join("set_config(%s, %s, true)" for _name in names)
    sql = f"SELECT {olds}, {sets} FROM (SELECT {before} OFFSET 0) AS before"  # noqa: S608 - placeholders only
    # In the order of the placeholders: the set_config pairs, then the names read before.
    params = [*(param for pair in zip(names, values, strict=True) for param in pair), *names]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return dict(zip(names, cursor.fetchone()[: len(names)], strict=True))


@contextmanager
def local_settings(settings):
    """Run the block's queries with PostgreSQL settings ({name: value}), and no other query.

    `SET LOCAL` lasts to the end of the transaction (a released savepoint keeps
    it too), so in a caller's transaction it would hold for all the caller runs
    next. Outside one, the block gets its own transaction, whose end ends the
    settings; inside one, the old values are put back after the block.
    """
    if not settings:
        yield
        return
    if not connection.in_atomic_block:
        with transaction.atomic():
            _set_local(settings)
            yield
        return
    previous = _set_local(settings)
    try:
        yield
    except BaseException:
        # An aborted transaction takes no setting, and needs none: rolling it
        # back to before the block undoes these settings too.
        with suppress(DatabaseError):
            _set_local(previous)
        raise
    _set_local(previous)


# Stands for a synonym term in the text given to websearch_to_tsquery; ts_rewrite
# then puts the term's group in its place (numbered, one per term found).
SYNONYM_MARKER = "dksynoniem"


def with_synonyms(text: str) -> tuple[str, list[tuple[str, str]]]:
    """The text with each word or phrase that is a synonym term replaced by a marker word, and the markers.

    Each marker comes with what it stands for, as websearch text: the words as
    typed (all of them) or any other term of the group (as a phrase), so an
    expanded query finds all it found before. The longest term wins. A "-" in
    front of a single word negates its whole group. Quoted phrases are not
    expanded: quotes ask for exactly those words. "or" joins, it is no word.
    """
    table = synonym_table()
    if not table.lookup:
        return text, []
    terms, found, inside, index = _query_terms(text), [], False, 0
    marker = SYNONYM_MARKER
    while marker in fold(text):
        marker += "x"
    expanded = []
    while index < len(terms):
        match = None if inside else _synonym_at(terms, index, table)
        if match is None:
            if terms[index].endswith(QUOTE):
                inside = not inside
            expanded.append(terms[index])
            index += 1
            continue
        length, group = match
        typed = [word for term in terms[index : index + length] for word in term_words(term)]
        alternatives = [" ".join(f'"{word}"' for word in typed)]
        alternatives += [f'"{" ".join(words)}"' for words in table.groups[group] if list(words) != typed]
        name = f"{marker}{len(found)}"
        found.append((name, " or ".join(alternatives)))
        expanded.append(("-" if terms[index].startswith("-") else "") + name)
        index += length
    return (_joined(expanded), found) if found else (text, [])


def _synonym_at(terms, start, table):
    """(how many terms, which group) of the longest synonym term that starts at `start`, or None.

    Only a term of one word may be negated: websearch_to_tsquery would negate
    only the first word of a phrase typed with a "-".
    """
    words, match = (), None
    for end in range(start, min(len(terms), start + table.longest)):
        term = terms[end]
        if term.endswith(QUOTE) or term.lower() == "or" or (end > start and term.startswith("-")):
            break
        words += term_words(term)
        if len(words) > table.longest:
            break
        if words in table.lookup:
            match = (end + 1 - start, table.lookup[words])
        if term.startswith("-"):
            break
    return match


class PrefixSearchQuery(SearchQuery):
    """websearch_to_tsquery, with synonyms and with every longer lexeme also matching as a prefix.

    Dutch glues words together: "financiering" should find
    "financieringsinstrument" and "deal" should find "dealmakers".
    """

    def __init__(self, value, *, any_word=False, **kwargs):
        self.synonyms = []
        if isinstance(value, str):
            value, self.synonyms = with_synonyms(value)
        super().__init__(value, search_type="websearch", config=SEARCH_CONFIG, **kwargs)
        self.any_word = any_word

    def sql(self):
        """(sql, params) of this tsquery on its own, for a statement written by hand."""
        return self.as_sql(Query(None).get_compiler(connection=connection), connection)

    def as_sql(self, compiler, connection, function=None, template=None):
        sql, params = super().as_sql(compiler, connection, function, template)
        # Before the prefixes: a marker is matched as the lexeme it is.
        for marker, alternatives in self.synonyms:
            sql = (
                f"ts_rewrite({sql}, websearch_to_tsquery(%s::regconfig, %s),"
                " websearch_to_tsquery(%s::regconfig, %s))"
            )
            params = [*params, SEARCH_CONFIG, marker, SEARCH_CONFIG, alternatives]
        # In the text form of a tsquery a lexeme is quoted, with any quote inside
        # it doubled ("ŉ" unaccents to "'n"). It starts the text or follows a
        # space, "(" or "!", and ends it or precedes a space or ")": anchored so,
        # the operator between two quoted lexemes (' <-> ') is never taken for one.
        pattern = "'(^|[ (!])''((?:[^'']|''''){" + str(MIN_PREFIX_LENGTH) + ",})''(?=$|[ )])'"
        sql = f"regexp_replace(({sql})::text, {pattern}, '\\1''\\2'':*', 'g')"
        if self.any_word:
            # Only used for queries without operators, where every & joins two words.
            sql = f"replace({sql}, ' & ', ' | ')"
        return f"({sql})::tsquery", params


# Words people type in questions that PostgreSQL's Dutch stop list keeps, and
# that would otherwise be required in every result ("waar hoort mijn deal").
QUESTION_WORDS = {"waar", "welke", "welk", "wanneer", "waarom", "waarmee", "jij", "we", "onze", "doe", "ga"}
OPERATORS = re.compile(r'["()]|(^|\s)-\S|\sor\s', re.IGNORECASE)


def without_question_words(text: str) -> str:
    if OPERATORS.search(f" {text} "):
        return text
    kept = [word for word in text.split() if fold(word).strip("?!.,") not in QUESTION_WORDS]
    return " ".join(kept) or text


def query_words(text: str) -> list[str]:
    """The plain words of a query, folded, without websearch operators."""
    words = re.findall(r"[^\W\d_]{3,}", fold(text))
    return [word for word in words if word != "or"]


class AmongFirst(Func):
    """`pk = ANY(ARRAY(subquery))`: the rows of a short list, each found through the primary key.

    `pk IN (subquery)` lets the planner join the list to the whole table (with
    sequential scans off: a hash semi join over every row of the primary key).
    """

    output_field = BooleanField()

    def __init__(self, field, subquery):
        super().__init__(F(field), Subquery(subquery))

    def as_sql(self, compiler, connection, **extra):
        field, subquery = self.get_source_expressions()
        lhs, lhs_params = compiler.compile(field)
        rhs, rhs_params = compiler.compile(subquery)
        return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)


class AmongIds(Func):
    """`pk = ANY(%s)` for a list of primary keys, as one array parameter (never one placeholder each)."""

    output_field = BooleanField()

    def __init__(self, field, ids):
        super().__init__(F(field))
        self.ids = list(ids)

    def as_sql(self, compiler, connection, **extra):
        lhs, lhs_params = compiler.compile(self.get_source_expressions()[0])
        return f"{lhs} = ANY(%s)", (*lhs_params, self.ids)
