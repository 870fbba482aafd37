"""Search by meaning beside full text: the nearest items above a floor, and one order for both.

Full text finds the words a reader typed; the nearest items by meaning
(`dealkennis.search.meaning`) find what the words miss. This module chooses
which items by meaning join the result, and orders the joined result by
reciprocal rank fusion: each item scores 1 / (RRF_K + rank) in each list it is
in, so an item both lists rank high comes first, and neither list's scores need
to be comparable. Items whose title holds the whole query stay on top.
"""

from collections import defaultdict

from dealkennis.search.embedding import EmbeddingUnavailable, embed_query
from dealkennis.search.meaning import index_settings, nearest_each, semantic_available
from dealkennis.search.query import OPERATORS
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
RRF_K = 60
# The meaning list's weight in the fusion, against 1 for the words'.
MEANING_WEIGHT = 1.0


def wanted(query):
    """Whether `query` is searched by meaning too: where the server can, and not for search syntax.

    Quotes, OR and a minus ask for exact words, which meaning cannot honour.
    """
    return bool(query) and not OPERATORS.search(f" {query} ") and semantic_available()


def settings():
    """What the search's queries run with for `nearest_by_meaning` (see `meaning.index_settings`)."""
    return index_settings(CANDIDATES, ef_search=EF_SEARCH)


def nearest_by_meaning(base, query):
    """{kind: {pk: similarity}} of the items in `base` (querysets per kind) that join by meaning.

    Run within `settings()`.
    """
    try:
        vector = embed_query(query)
    except EmbeddingUnavailable:
        return {}
    found = nearest_each(base, vector, CANDIDATES, tuned=True)
    best = max((similarity for rows in found.values() for _, similarity in rows), default=0.0)
    if best < MIN_SIMILARITY:
        return {}
    floor = best - FLOOR_MARGIN
    kept = sorted(
        (
            (similarity, kind, pk)
            for kind, rows in found.items()
            for pk, similarity in rows
            if similarity >= floor
        ),
        reverse=True,
    )[:MEANING_LIMIT]
    joined = {kind: {} for kind in found}
    for similarity, kind, pk in kept:
        joined[kind][pk] = similarity
    return joined


def fuse(word_rows, meaning, query):
    """One order for rows found by words ((kind, pk, title), best first) and by meaning.

    Returns [(kind, pk)]: items whose title holds the query first, then by
    reciprocal rank fusion, ties in the full-text order.
    """
    scores = defaultdict(float)
    position = {}
    for rank, (kind, pk, _title) in enumerate(word_rows, start=1):
        scores[kind, pk] += 1 / (RRF_K + rank)
        position[kind, pk] = rank
    by_meaning = sorted(
        ((similarity, kind, pk) for kind, rows in meaning.items() for pk, similarity in rows.items()),
        key=lambda row: -row[0],
    )
    for rank, (_similarity, kind, pk) in enumerate(by_meaning, start=1):
        scores[kind, pk] += MEANING_WEIGHT / (RRF_K + rank)
        position.setdefault((kind, pk), len(word_rows) + rank)
    phrase = fold(query).strip()
    in_title = {(kind, pk) for kind, pk, title in word_rows if phrase and phrase in fold(title)}
    return sorted(scores, key=lambda row: (row not in in_title, -scores[row], position[row]))
