"""Search by meaning beside full text: the nearest items above a floor, and one order for both.

Full text finds the words a reader typed; the nearest items by meaning
(`dealkennis.search.meaning`) find what the words miss. This module chooses
which items by meaning join the result, and orders the joined result by
reciprocal rank fusion: each item scores 1 / (RRF_K + rank) in each list it is
in, so an item both lists rank high comes first, and neither list's scores need
to be comparable. Items whose title holds the whole query stay on top.
"""

import functools
import re
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import FloatField, Value
from django.db.models.expressions import RawSQL
from django.utils import translation

from dealkennis.classification import ORDER_LOOPS, VOCABULARIES
from dealkennis.search import wordvectors
from dealkennis.search.embedding import EmbeddingUnavailable, embed_query
from dealkennis.search.meaning import index_settings, nearest_statement, semantic_available
from dealkennis.search.query import OPERATORS, PrefixSearchQuery
from dealkennis.search.text import fold

# Nearest items asked for per kind of item.
CANDIDATES = 10
# Candidates the HNSW index walks per kind (pgvector's default): at 100,000
# items a quarter of the time of 100, for items a little less similar (README,
# "Search by meaning").
EF_SEARCH = 40
# An item joins by meaning only when it is this close to the best one's similarity
# (cosine): the model's scores crowd together (0.80-0.90 for most Dutch text), so
# a floor relative to the best hit, not an absolute one, says "as close as the
# best". Measured on the two relevance suites (see README, "Search by meaning").
FLOOR_MARGIN = 0.03
# Below this the best hit is no hit at all (a query in another language or of
# nonsense still has a nearest item).
MIN_SIMILARITY = 0.78
# At most this many items join by meaning: the best hits, never a long tail.
MEANING_LIMIT = 10
# And at least this many, above MIN_SIMILARITY, whatever the floor: a best hit
# far ahead of the rest is often a broad item close to many queries (the model's
# "hubs"), and a reader asking a question wants a few answers to choose from.
MEANING_LEAST = 3
RRF_K = 60
# Similarities closer than this are a tie: the model's 4-bit weights make the
# fourth decimal differ between CPUs. A tie goes to the item that holds more of
# the words the reader typed.
SIMILARITY_PRECISION = 3
# The meaning list's weight in the fusion, against 1 for the words'.
MEANING_WEIGHT = 1.0


# Words a reader adds to a label without changing what it names ("creërend leren").
LABEL_FILLER = {"leren", "learning"}


def _label_words(text):
    return frozenset(re.findall(r"[a-z0-9]+", fold(text))) - LABEL_FILLER


@functools.cache
def _label_names():
    """{words of a label's name: (axis, value)}: the Dutch and English labels and the orders' loops."""
    names = {}
    for axis, vocabulary in VOCABULARIES.items():
        for value in vocabulary:
            for language in ("nl", "en"):
                with translation.override(language):
                    names[_label_words(str(value.label))] = (axis, value.value)
    for order, loop in ORDER_LOOPS.items():
        names[_label_words(loop)] = ("order", order.value)
    return names


def named_classification(query):
    """{axis: value} when the query is nothing but a classification's name ("triple loop learning"), else {}.

    Such a reader asks for what is classified so, which the model's closeness
    to a whole item's text finds only in part: a label is a few words of it.
    """
    words = _label_words(query)
    found = _label_names().get(words) if words else None
    return dict([found]) if found else {}


def wanted(query):
    """Whether `query` is searched by meaning too: where the server can, and not for search syntax.

    Quotes, OR and a minus ask for exact words, which meaning cannot honour.
    """
    return bool(query) and not OPERATORS.search(f" {query} ") and semantic_available()


def settings():
    """What the search's queries run with for `nearest_by_meaning` (see `meaning.index_settings`)."""
    return index_settings(CANDIDATES, ef_search=EF_SEARCH)


def _holding(words):
    """How many of `words` an item holds, as an expression (0 without words).

    Raw SQL over the searched table's own column: each word's tsquery is
    compiled once, not once per kind of item inside a CASE expression for
    each (measured: 0.5-0.9 ms less of the ORM's time per search).
    """
    if not words:
        return Value(0.0, output_field=FloatField())
    parts, params = [], []
    for word in words:
        sql, word_params = PrefixSearchQuery(word).sql()
        parts.append(f"(search_vector @@ {sql})::int")
        params.extend(word_params)
    return RawSQL(  # noqa: S611 - compiled tsqueries, their words passed as parameters
        f"({' + '.join(parts)})::float8", params, output_field=FloatField()
    )


@dataclass
class MeaningQuery:
    """A query to search by meaning, with what the request's thread knows of it (see `meaning_query`)."""

    text: str
    # {axis: value} of a query that names a classification (`named_classification`).
    label: dict
    # How many of the words the reader typed an item holds, as an expression (`_holding`).
    holding: object


def meaning_query(query, words=()):
    """`query` ready to search by meaning; `words` are the words the reader typed.

    Built in the request's thread: the words' tsqueries read the synonyms
    through the request's caches, which another thread does not share.
    """
    return MeaningQuery(query, named_classification(query), _holding(words))


def candidates(querysets, wanted):
    """(wanted, {kind: [(pk, similarity, words held)]}) of the items nearest to `wanted`.

    `querysets()` returns a queryset per kind to search among; `wanted` is a
    `meaning_query`. Run within `settings()`. The query is embedded first,
    and only then the querysets built and the statement compiled: in the
    thread beside a request (`aside`), that Python would otherwise hold up the
    request's, which shares the GIL. A known word's vector is read, not
    embedded (`wordvectors`). A query that names a classification is
    searched among the items so classified. (wanted, None) where the model
    cannot run.
    """
    vector = wordvectors.stored(wanted.text)
    if vector is None:
        try:
            vector = embed_query(wanted.text)
        except EmbeddingUnavailable:
            return wanted, None
    base = querysets()
    if wanted.label:
        base = {kind: queryset.filter(**wanted.label) for kind, queryset in base.items()}
    return wanted, nearest_statement(base, CANDIDATES, extra=wanted.holding).run(vector)


def chosen(wanted, found):
    """({kind: {pk: similarity}}, {(kind, pk): words held}) of the `candidates` that join by meaning.

    All of the nearest items join a query that names a classification.
    """
    if found is None:
        return {}, {}
    best = max((row[1] for rows in found.values() for row in rows), default=0.0)
    if best < MIN_SIMILARITY:
        return {}, {}
    floor = 0.0 if wanted.label else best - FLOOR_MARGIN
    ranked = sorted(
        ((similarity, kind, pk) for kind, rows in found.items() for pk, similarity, _held in rows),
        reverse=True,
    )
    held = {(kind, pk): count for kind, rows in found.items() for pk, _similarity, count in rows}
    kept = joining(ranked, floor)
    joined = {kind: {} for kind in found}
    for similarity, kind, pk in kept:
        joined[kind][pk] = similarity
    return joined, {key: held[key] for key in held if key[1] in joined[key[0]]}


def nearest_by_meaning(base, query, words=()):
    """({kind: {pk: similarity}}, {(kind, pk): words held}) of the items in `base` that join by meaning.

    As `candidates` finds and `chosen` chooses them; run within `settings()`.
    """
    return chosen(*candidates(lambda: base, meaning_query(query, words)))


def joining(ranked, floor):
    """The rows of `ranked` ((similarity, ...), best first) that join by meaning.

    Those at `floor` or above, and at least the first MEANING_LEAST above
    MIN_SIMILARITY, with every row tied with the last of those: which of two
    tied items a cut by the fourth decimal kept would depend on the CPU.
    """
    least = [row[0] for row in ranked[:MEANING_LEAST] if row[0] >= MIN_SIMILARITY]
    if not least:
        return [row for row in ranked if row[0] >= floor][:MEANING_LIMIT]
    tied = round(least[-1], SIMILARITY_PRECISION)
    return [
        row
        for row in ranked
        if row[0] >= min(floor, least[-1])
        or (row[0] >= MIN_SIMILARITY and round(row[0], SIMILARITY_PRECISION) == tied)
    ][:MEANING_LIMIT]


def fuse(word_rows, meaning, query, held=None):
    """One order for rows found by words ((kind, pk, title), best first) and by meaning.

    `held` counts the typed words each item found by meaning holds. Returns
    [(kind, pk)]: items whose title holds the query first, then by reciprocal
    rank fusion, ties in the full-text order.
    """
    held = held or {}
    scores = defaultdict(float)
    position = {}
    for rank, (kind, pk, _title) in enumerate(word_rows, start=1):
        scores[kind, pk] += 1 / (RRF_K + rank)
        position[kind, pk] = rank
    by_meaning = sorted(
        ((similarity, kind, pk) for kind, rows in meaning.items() for pk, similarity in rows.items()),
        key=lambda row: (-round(row[0], SIMILARITY_PRECISION), -held.get(row[1:], 0), -row[0]),
    )
    for rank, (_similarity, kind, pk) in enumerate(by_meaning, start=1):
        scores[kind, pk] += MEANING_WEIGHT / (RRF_K + rank)
        position.setdefault((kind, pk), len(word_rows) + rank)
    phrase = fold(query).strip()
    in_title = {(kind, pk) for kind, pk, title in word_rows if phrase and phrase in fold(title)}
    return sorted(scores, key=lambda row: (row not in in_title, -scores[row], position[row]))
