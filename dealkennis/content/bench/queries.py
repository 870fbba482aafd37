"""The benchmark's queries: per class, distinct queries drawn from the corpus vocabulary.

Each class has its own rule (`RULES`), checked against the corpus in this
database with the site's own tsquery, so a "rare" word really is rare at this
size. Candidates are ranked by the vocabulary's expected document frequency and
counted one by one until a class has `per_class` queries or runs out; a class
that runs out says so (`QueryClass.short`) instead of repeating or bending its
rule. The choice is deterministic for a seed.
"""

import math
import random
from dataclasses import dataclass, field
from itertools import combinations
from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.http import QueryDict

from cards.models import Card
from dealkennis.classification import Level, Mode, Order, Stream
from dealkennis.models import Programme
from dealkennis.search import engine
from dealkennis.search.query import QUESTION_WORDS, PrefixSearchQuery
from dealkennis.search.text import SEARCH_CONFIG
from lessons.models import Lesson

CLASSES = ("rare", "medium", "common", "two_terms", "phrase", "typo", "facets")
PER_CLASS = 30
# Never fewer hits than this for a query meant to find something, so that it
# does not fall through to the fallbacks for few results (widening, typos).
MIN_HITS = 5
# Share of the visible items a rare or medium word should match, within a factor SPREAD.
TARGET_SHARE = {"rare": 0.001, "medium": 0.05}
SPREAD = 3
# A very common word is in at least this share of the visible items.
COMMON_SHARE = 0.2
COMMON_WORD = "deal"
# The filters a reader combines with a common word (all columns of both item types).
FACETS = {"stream": Stream.values, "mode": Mode.values, "order": Order.values, "level": Level.values}
# How many candidates a class may count before it gives up, per query it wants.
TRIES_PER_QUERY = 8
RULES = {
    "rare": "one word in ~0.1% of the visible items (within x3, at least 5)",
    "medium": "one word in ~5% of the visible items (within x3, at least 5)",
    "common": "one of the most frequent words, in at least 20% of the visible items",
    "two_terms": "two words (each in 5-40% of the items) found together at least 5 times",
    "phrase": "a quoted demo bigram, from frequent to rare ones, found at least 5 times",
    "typo": "a medium word with two letters swapped that finds nothing as typed",
    "facets": "a very common word with two filters (stream, mode, order, level), at least 5 hits",
}


@dataclass
class QueryClass:
    """The queries of one class with their hits (items the words match), and how hard it was to fill."""

    name: str
    wanted: int
    queries: list = field(default_factory=list)
    hits: list = field(default_factory=list)
    tried: int = 0

    @property
    def short(self):
        return len(self.queries) < self.wanted

    def add(self, params, hits):
        self.queries.append(params)
        self.hits.append(hits)

    def summary(self):
        return {
            "rule": RULES[self.name],
            "wanted": self.wanted,
            "found": len(self.queries),
            "tried": self.tried,
            "queries": [
                {**params, "hits": hits} for params, hits in zip(self.queries, self.hits, strict=True)
            ],
        }


def params_of(record):
    """The request parameters of a query's record (which also holds its hits and timings)."""
    return {key: record[key] for key in ("q", *FACETS) if key in record}


def search_outcome(params):
    """The site's search for these parameters, as an anonymous reader gets it."""
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


def word_hits(text, **filters):
    """How many visible items the site's tsquery for `text` matches (its words, not by meaning)."""
    anonymous = AnonymousUser()
    query = PrefixSearchQuery(text)
    # Through the GIN index, as the site searches: a sequential scan would read
    # every row's search vector for a common word.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return sum(
            model.objects.visible_to(anonymous).filter(search_vector=query, **filters).count()
            for model in (Card, Lesson)
        )


class Generator:
    """Draws the queries of every class for one corpus; `choose` returns them all."""

    def __init__(self, vocabulary, visible, per_class=PER_CLASS, seed=1):
        self.vocabulary, self.visible, self.per_class = vocabulary, visible, per_class
        self.rng = random.Random(seed)  # noqa: S311 - reproducible queries, not secrets
        words = [word for word in vocabulary.words if word.isalpha() and len(word) >= 4]
        words = [word for word in words if word not in QUESTION_WORDS]
        # One word per lexeme: "werken" and "werk" are the same query to PostgreSQL.
        self.lexemes, taken = {}, set()
        for word, lexeme in single_lexemes(words).items():
            if lexeme not in taken:
                self.lexemes[word] = lexeme
                taken.add(lexeme)
        self.order = {word: self.rng.random() for word in sorted(self.lexemes)}
        self.counted = {}

    def hits(self, text, **filters):
        key = (text, *sorted(filters.items()))
        if key not in self.counted:
            self.counted[key] = word_hits(text, **filters)
        return self.counted[key]

    def ranked(self, share):
        """Words by how close their expected document frequency is to `share`, ties in seeded order."""
        frequency = self.vocabulary.document_frequency
        return sorted(
            self.lexemes, key=lambda word: (abs(math.log(frequency(word) / share)), self.order[word])
        )

    def related(self, first, second):
        # A prefix of the other word's lexeme would match it too (prefix search).
        one, other = self.lexemes[first], self.lexemes[second]
        return one.startswith(other) or other.startswith(one)

    def fill(self, name, candidates, accept):
        """Count candidates ({params}) in order until the class is full or may try no more."""
        found = QueryClass(name, self.per_class)
        limit = self.per_class * TRIES_PER_QUERY
        seen = set()
        for params in candidates:
            if found.tried >= limit or not found.short:
                break
            key = tuple(sorted(params.items()))
            if key in seen:
                continue
            seen.add(key)
            found.tried += 1
            text, filters = params["text"], {k: v for k, v in params.items() if k != "text"}
            hits = self.hits(text, **filters)
            if accept(hits):
                found.add({"q": text, **filters}, hits)
        return found

    def wanted_share(self, name):
        """The class's share of the visible items, or MIN_HITS of them in a small corpus."""
        return max(TARGET_SHARE[name], MIN_HITS / max(self.visible, 1))

    def window(self, share):
        wanted = share * self.visible
        return lambda hits: max(MIN_HITS, wanted / SPREAD) <= hits <= wanted * SPREAD

    def single(self, name):
        share = self.wanted_share(name)
        return self.fill(name, ({"text": word} for word in self.ranked(share)), self.window(share))

    def common(self):
        frequency = self.vocabulary.document_frequency
        words = sorted(self.lexemes, key=lambda word: (-frequency(word), word))
        if COMMON_WORD in words:
            words.remove(COMMON_WORD)
            words.insert(0, COMMON_WORD)
        # The most frequent words, each counted: the first per_class that qualify.
        least = max(MIN_HITS, COMMON_SHARE * self.visible)
        return self.fill("common", ({"text": word} for word in words), lambda hits: hits >= least)

    def two_terms(self):
        frequency = self.vocabulary.document_frequency
        pool = sorted(word for word in self.lexemes if 0.05 <= frequency(word) <= 0.4)

        def pairs():
            for _ in range(self.per_class * TRIES_PER_QUERY * 4):
                first, second = self.rng.sample(pool, 2)
                if not self.related(first, second):
                    yield {"text": f"{first} {second}"}

        return self.fill("two_terms", pairs() if len(pool) > 1 else iter(()), lambda hits: hits >= MIN_HITS)

    def phrase(self):
        bigrams = self.vocabulary.bigrams.most_common()
        pairs = [(a, b) for (a, b), _n in bigrams if a != b and a in self.lexemes and b in self.lexemes]
        # Ranks spread evenly on a log scale, from the most frequent bigram to
        # rare ones, since how often a phrase recurs is known only by trying;
        # finer spreads after, then every other bigram in order.
        ranks = {}
        for steps in (self.per_class, self.per_class * 4):
            ranks.update(dict.fromkeys(round(len(pairs) ** (step / steps)) - 1 for step in range(steps + 1)))
        ranks.update(dict.fromkeys(range(len(pairs))))
        candidates = ({"text": f'"{pairs[rank][0]} {pairs[rank][1]}"'} for rank in ranks if rank >= 0)
        return self.fill("phrase", candidates, lambda hits: hits >= MIN_HITS)

    def typo(self):
        """A swapped pair of letters in the middle of a medium word, as people type it."""
        share = self.wanted_share("medium")
        in_window = self.window(share)
        words = [w for w in self.ranked(share) if len(w) >= 6 and w not in self.vocabulary.compounds]

        def typos():
            # The closest words first; counting every word of the vocabulary would take long.
            for word in words[: self.per_class * TRIES_PER_QUERY]:
                if not in_window(self.hits(word)):
                    continue
                middle = len(word) // 2
                for at in (middle, middle - 1, middle + 1):
                    if word[at] != word[at + 1]:
                        yield {"text": word[:at] + word[at + 1] + word[at] + word[at + 2 :]}
                        break

        return self.fill("typo", typos(), lambda hits: hits == 0)

    def facets(self, common):
        words = [params["q"] for params in common.queries] or [COMMON_WORD]
        names = list(combinations(FACETS, 2))

        def combined():
            for index in range(self.per_class * TRIES_PER_QUERY):
                chosen = names[index % len(names)]
                filters = {name: self.rng.choice(FACETS[name]) for name in chosen}
                yield {"text": words[index % len(words)], **filters}

        return self.fill("facets", combined(), lambda hits: hits >= MIN_HITS)

    def choose(self):
        classes = {"rare": self.single("rare"), "medium": self.single("medium"), "common": self.common()}
        classes["two_terms"] = self.two_terms()
        classes["phrase"] = self.phrase()
        classes["typo"] = self.typo()
        classes["facets"] = self.facets(classes["common"])
        return {name: classes[name] for name in CLASSES}


def choose_queries(vocabulary, visible, per_class=PER_CLASS, seed=1):
    """{class: QueryClass} for the corpus in this database."""
    return Generator(vocabulary, visible, per_class, seed).choose()
