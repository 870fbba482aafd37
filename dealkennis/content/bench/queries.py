"""The benchmark's queries: one per class, picked by how many items it matches at the corpus size."""

import math
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import QueryDict

from cards.models import Card
from dealkennis.models import Programme
from dealkennis.search import engine
from dealkennis.search.text import SEARCH_CONFIG
from lessons.models import Lesson

CLASSES = ("rare", "medium", "common", "two_terms", "phrase", "typo", "facets")
# Share of the visible items a query of a class should match, and never fewer
# than MIN_HITS, so that "rare" does not fall through to the typo fallback.
TARGET_SHARE = {"rare": 0.001, "medium": 0.05, "two_terms": 0.2, "phrase": 0.01}
MIN_HITS = 5
COMMON_WORD = "deal"
FACETS = {"stream": "social", "level": "collaboration"}


def search_outcome(params):
    programmes = list(Programme.objects.all())
    return engine.search(AnonymousUser(), engine.parse(QueryDict(urlencode(params)), programmes), programmes)


def visible_count():
    anonymous = AnonymousUser()
    return sum(model.objects.visible_to(anonymous).count() for model in (Card, Lesson))


def single_lexemes(words):
    """The words that become exactly one lexeme (so no stop words), with that lexeme."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w, tsvector_to_array(to_tsvector(%s::regconfig, w)) FROM unnest(%s::text[]) AS w",
            [SEARCH_CONFIG, words],
        )
        return {word: lexemes[0] for word, lexemes in cursor.fetchall() if len(lexemes) == 1}


def choose_queries(vocabulary, visible):
    """Concrete queries per class, picked by how many items they match at this size."""
    words = [word for word in vocabulary.words if word.isalpha() and len(word) >= 5]
    lexemes = single_lexemes([*words, COMMON_WORD])

    def related(word, others):
        # A prefix of another word's lexeme would match it too (prefix search).
        return any(
            lexemes[word].startswith(lexemes[o]) or lexemes[o].startswith(lexemes[word]) for o in others
        )

    def nearest(share, count, exclude=()):
        ranked = sorted(lexemes, key=lambda w: abs(math.log(vocabulary.document_frequency(w) / share)))
        return [word for word in ranked if not related(word, exclude)][:count]

    def closest(candidates, share):
        """The candidate whose real hit count is closest to the wanted share."""
        wanted = max(share * visible, MIN_HITS)
        scored = []
        for params in candidates:
            outcome = search_outcome(params)
            # Hits through a fallback belong to another class.
            penalty = 10 if outcome.fuzzy or outcome.widened else 0
            scored.append((penalty + abs(math.log((outcome.total + 0.5) / wanted)), params))
        return min(scored, key=lambda pair: pair[0])[1]

    queries = {
        "rare": closest([{"q": w} for w in nearest(TARGET_SHARE["rare"], 6)], TARGET_SHARE["rare"]),
        "medium": closest([{"q": w} for w in nearest(TARGET_SHARE["medium"], 6)], TARGET_SHARE["medium"]),
        "common": {"q": COMMON_WORD},
    }
    first = nearest(TARGET_SHARE["two_terms"], 1, exclude=[COMMON_WORD])[0]
    second = nearest(TARGET_SHARE["two_terms"], 1, exclude=[COMMON_WORD, first])[0]
    queries["two_terms"] = {"q": f"{first} {second}"}
    bigrams = [pair for pair, _n in vocabulary.bigrams.most_common() if all(w in lexemes for w in pair)]
    # From the most frequent demo bigram down to rare ones, since how often a
    # phrase recurs in the corpus is known only by trying.
    spread = [bigrams[rank] for rank in (0, 3, 10, 25, 50, 100, 200, 400) if rank < len(bigrams)]
    queries["phrase"] = closest([{"q": f'"{a} {b}"'} for a, b in spread], TARGET_SHARE["phrase"])
    # A transposed letter in a medium-frequency word, as people type it: must
    # find nothing as typed, so the page goes through the fallbacks.
    for word in nearest(TARGET_SHARE["medium"], 200):
        middle = len(word) // 2
        if word in vocabulary.compounds or len(word) < 8 or word[middle] == word[middle + 1]:
            continue
        typo = word[:middle] + word[middle + 1] + word[middle] + word[middle + 2 :]
        outcome = search_outcome({"q": typo})
        queries["typo"] = {"q": typo}
        if outcome.fuzzy or outcome.suggestion:
            break
    queries["facets"] = {"q": COMMON_WORD, **FACETS}
    return queries
