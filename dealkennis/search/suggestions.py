"""Typo suggestions ("Bedoelde je …"): a query corrected against the words its reader may see.

The vocabulary is a model of the dealkennis app; `dealkennis.models` imports it.
"""

import difflib
import functools
import re
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import connection, models, transaction
from django.utils.translation import gettext_lazy as _

from dealkennis.search.query import local_settings
from dealkennis.search.text import fold

# Words of the searched text, folded as `fold` does, that typo correction knows.
WORD_PATTERN = r"[^\W\d_]{4,100}"
# Which visibilities each audience sees among published items: `visible_to`.
VISIBILITIES = {"public": ["public"], "internal": ["public", "internal"]}
# The same words collected in SQL from every visible item, for a bulk refill.
# {words}: this model's table; {items}: each knowledge item table in turn.
FILL_SEARCH_WORDS_SQL = """
INSERT INTO {words} (audience, word)
SELECT DISTINCT seen.audience, words.word FROM (
    {item_words}
) AS words (visibility, word)
JOIN unnest(%(visibilities)s::text[], %(audiences)s::text[]) AS seen (visibility, audience)
USING (visibility)
WHERE length(words.word) BETWEEN 4 AND 100
ON CONFLICT DO NOTHING
"""
ITEM_WORDS_SQL = """
    SELECT visibility, regexp_split_to_table(lower(unaccent(fuzzy_text || ' ' || body_text)), '[^[:alpha:]]+')
    FROM {items} WHERE status = 'published'"""
# A word leaves an audience's vocabulary when no item that audience may see
# holds it any more. The search vectors answer that from their GIN indexes;
# they stem, so a word stays while a visible item holds a word of the same
# stem, which tells the reader nothing hidden. A stop word (empty query) stays.
FORGET_SEARCH_WORDS_SQL = """
DELETE FROM {words} AS known
WHERE known.audience = %(audience)s AND known.word = ANY(%(words)s)
AND numnode(plainto_tsquery('dealkennis_nl', known.word)) > 0
{not_in_items}
"""
NOT_IN_ITEMS_SQL = """
AND NOT EXISTS (
    SELECT FROM {items} WHERE status = 'published' AND visibility = ANY(%(visibilities)s)
    AND search_vector @@ plainto_tsquery('dealkennis_nl', known.word))"""


# What correcting a word needs to know of the words an audience knows (`SearchWord.known_near`).
KNOWN_NEAR_SQL = """
SELECT 'begins', NULL, 0 FROM (
    -- Counted, not LIMIT 1: a limit makes the planner walk every word of the
    -- audience for a pattern it cannot know, where the trigram index finds them.
    SELECT count(*) AS known FROM {words} WHERE audience = %(audience)s AND (
        word LIKE %(prefix)s
        OR word LIKE (SELECT min(lexeme) FROM unnest(to_tsvector('dealkennis_nl', %(word)s))) || '%%'
    )
) AS begins WHERE known > 0
UNION ALL
SELECT 'part', word, 0 FROM {words} WHERE audience = %(audience)s AND word = ANY(%(pieces)s::text[])
UNION ALL
(SELECT 'alike', word, row_number() OVER (ORDER BY similarity(word, %(word)s) DESC, word)
 FROM {words} WHERE audience = %(audience)s AND word %% %(word)s
 ORDER BY 3 LIMIT %(candidates)s)
"""


# What the SQL above reads of an item: the columns every knowledge item has.
ITEM_COLUMNS = {"status", "visibility", "fuzzy_text", "body_text", "search_vector"}


def _tables(model):
    """`model`'s table and each knowledge item's, quoted: the SQL above names none of them itself.

    The items are found by their columns, not as subclasses of KnowledgeItem:
    `dealkennis.models` imports this module.
    """
    items = sorted(
        item._meta.db_table
        for item in apps.get_models()
        if ITEM_COLUMNS.issubset(field.column for field in item._meta.concrete_fields)
    )
    quote = connection.ops.quote_name
    return quote(model._meta.db_table), [quote(table) for table in items]


def words_of(*texts):
    return {word for text in texts for word in re.findall(WORD_PATTERN, fold(text))}


def vocabulary_of(items):
    """The words of these items (as they are in memory) by the audience that may see them."""
    vocabulary = defaultdict(set)
    for item in items:
        words = words_of(item.fuzzy_text, item.body_text)
        for audience in item.audiences:
            vocabulary[audience] |= words
    return vocabulary


def stored_vocabulary(model, pks):
    """`vocabulary_of` the rows as the database holds them: read it before a change is written."""
    vocabulary = defaultdict(set)
    rows = model._default_manager.filter(pk__in=pks, status="published")
    for visibility, *texts in rows.values_list("visibility", "fuzzy_text", "body_text").iterator():
        words = words_of(*texts)
        for audience, seen in VISIBILITIES.items():
            if visibility in seen:
                vocabulary[audience] |= words
    return vocabulary


@dataclass
class Near:
    """What an audience knows near a typed word (`SearchWord.known_near`)."""

    # A known word begins with it, or with its stem: the search finds that word by prefix.
    begins: bool = False
    # Its pieces that are known words.
    parts: set = field(default_factory=set)
    # The known words most like it, the most alike (by trigrams) first.
    alike: list = field(default_factory=list)

    def compound_parts(self, word):
        """The fewest known words that `word` is made of ("zorgdeal": zorg, deal), or [] if none.

        Dutch writes compounds as one word, and the demo content spells the
        programmes apart ("Regio Deal"): such a word is no typo, and a look-alike
        ("zorgde") would change what was asked. Parts may be joined by a
        linking "s" ("samenwerkingsdeal"). A word that begins a known word is
        not split: the search finds that word by prefix ("werkbezoek").
        """
        if self.begins or not self.parts:
            return []
        known = self.parts

        @functools.cache
        def fewest(start):
            """The fewest known words spelling word[start:], or None; a tie goes to the longest first word."""
            if start == len(word):
                return ()
            best = None
            for end in range(len(word), start + SHORTEST_PART - 1, -1):
                if word[start:end] not in known:
                    continue
                # The next word follows at once, or after a linking "s".
                follows = [end, end + 1] if word[end : end + 1] == "s" and end + 1 < len(word) else [end]
                for rest in (fewest(next_start) for next_start in follows):
                    if rest is not None and (best is None or len(rest) + 1 < len(best)):
                        best = (word[start:end], *rest)
            return best

        parts = fewest(0)
        return list(parts) if parts and 1 < len(parts) <= MOST_PARTS else []

    def closest(self, word):
        """The known word most like `word`, or "" when `word` is known or nothing is alike enough.

        Trigrams find the candidates; the edit-based ratio picks among them,
        since trigrams weigh a swapped pair of letters too heavily. A word the
        search finds by its stem ("betrekken": betrek) is no typo, and a
        candidate much shorter or longer is another word ("legal": lege,
        "staatssteun": staat), not the one meant.
        """
        if self.begins or not self.alike or word in self.alike:
            return ""
        likeness = {known: difflib.SequenceMatcher(None, word, known).ratio() for known in self.alike}
        best = max(self.alike, key=likeness.get)  # a tie goes to the most alike by trigrams
        return best if likeness[best] >= MIN_LIKENESS else ""


class SearchWord(models.Model):
    """The words of the items each audience may see: what its typos are corrected against.

    Comparing a mistyped word with a few thousand distinct words is fast at any
    corpus size, where comparing it with every item's text is not. A known word
    gets no suggestion, so a word of an item a reader may not see must not be
    known to that reader's audience (`dealkennis.caching.audience`): it would
    show that the word exists. Words are added as items are saved visible, and forgotten when
    the last item an audience may see that holds them is withdrawn, deleted or
    edited (`forget`); `fill_from_items` rebuilds from scratch.
    """

    pk = models.CompositePrimaryKey("audience", "word")
    audience = models.CharField(max_length=10)
    word = models.CharField(max_length=100)

    class Meta:
        verbose_name = _("zoekwoord")
        indexes = [GinIndex(OpClass("word", name="gin_trgm_ops"), name="dealkennis_searchword_trgm")]

    def __str__(self):
        return self.word

    @classmethod
    def add_from(cls, audiences, *texts):
        words = words_of(*texts)
        cls.objects.bulk_create(
            [cls(audience=audience, word=word) for audience in audiences for word in sorted(words)],
            ignore_conflicts=True,
        )

    @classmethod
    def known_near(cls, word, audience, candidates=20, tuned=False):
        """What `audience` knows near `word`, in one statement: `Near`.

        Whether a known word begins with it, which of its pieces are known
        words, and the known words most like it by trigrams (the GIN index
        answers both the prefix and the look-alikes). `tuned`: the caller
        already runs with `typo_settings()`, so no statement is spent on them.
        """
        pieces = _pieces(word) if len(word) <= LONGEST_SPLIT else []
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params = {"audience": audience, "word": word, "prefix": f"{escaped}%", "pieces": pieces}
        sql = KNOWN_NEAR_SQL.format(words=connection.ops.quote_name(cls._meta.db_table))
        # The % operator (trigram_similar) takes its threshold from the
        # setting; comparing similarity() with it instead would skip the index.
        with nullcontext() if tuned else local_settings(typo_settings()), connection.cursor() as cursor:
            cursor.execute(sql, {**params, "candidates": candidates})
            rows = cursor.fetchall()
        near = Near(begins=any(kind == "begins" for kind, _word, _rank in rows))
        near.parts = {known for kind, known, _rank in rows if kind == "part"}
        near.alike = [known for kind, known, _rank in sorted(rows, key=lambda row: row[2]) if kind == "alike"]
        return near

    @classmethod
    def forget(cls, audience, words):
        """Drop `words` from `audience`'s vocabulary, but those an item it may see still holds.

        Call it after the change is written: the changed item counts as it is now.
        """
        if words:
            words_table, item_tables = _tables(cls)
            sql = FORGET_SEARCH_WORDS_SQL.format(
                words=words_table,
                not_in_items="".join(NOT_IN_ITEMS_SQL.format(items=table) for table in item_tables),
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    sql,
                    {"audience": audience, "words": sorted(words), "visibilities": VISIBILITIES[audience]},
                )

    @classmethod
    def replace(cls, before, after):
        """Keep the vocabulary in step with a change of items, after it is written.

        `before` and `after` map each audience to the words of the changed
        items it saw then and sees now; a word the change took away from an
        audience is forgotten unless another item it may see holds it.
        """
        for audience, words in after.items():
            cls.objects.bulk_create(
                [cls(audience=audience, word=word) for word in sorted(words)], ignore_conflicts=True
            )
        for audience, words in before.items():
            cls.forget(audience, words - after.get(audience, set()))

    @classmethod
    @transaction.atomic
    def fill_from_items(cls):
        """Rebuild every audience's words from the items it may see now."""
        words_table, item_tables = _tables(cls)
        item_words = "\n    UNION ALL".join(ITEM_WORDS_SQL.format(items=table) for table in item_tables)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {words_table}")  # noqa: S608 - a quoted table name
            seen = [
                (visibility, audience) for audience, kinds in VISIBILITIES.items() for visibility in kinds
            ]
            cursor.execute(
                FILL_SEARCH_WORDS_SQL.format(words=words_table, item_words=item_words),
                {"visibilities": [pair[0] for pair in seen], "audiences": [pair[1] for pair in seen]},
            )


# Trigram similarity from which a known word is a candidate for a mistyped one.
TYPO_THRESHOLD = 0.3
# How alike (difflib's ratio) a correction must be: one wrong, missing, extra
# or swapped letter in a word of five or more letters stays above it.
MIN_LIKENESS = 0.75
# Shorter words have too many near neighbours to guess which one was meant.
SHORTEST_CORRECTED = 5
# A compound is split into at most this many known words, each at least as
# long as the shortest word the vocabulary keeps (WORD_PATTERN); longer typed
# words are not split (their pieces would make a long list to look up).
MOST_PARTS = 3
SHORTEST_PART = 4
LONGEST_SPLIT = 40


def _pieces(word):
    """Every part of `word` as long as a known word may be."""
    return sorted(
        {word[start:end] for start in range(len(word)) for end in range(start + SHORTEST_PART, len(word) + 1)}
    )


def typo_settings(threshold=TYPO_THRESHOLD):
    """The PostgreSQL settings `SearchWord.known_near` runs with ({name: value})."""
    return {"pg_trgm.similarity_threshold": threshold}


def corrected(audience, terms, words, tuned=False):
    """`terms` with every word unknown to the audience corrected, or "" when none is.

    A word made of known words is written apart ("zorgdeal" -> "zorg deal");
    any other is replaced by the closest known word. Known means: in an item
    this audience may see (`SearchWord`). Words of items the reader may not
    see must neither be offered nor stop an offer. `tuned`: the caller
    already runs with `typo_settings()`.
    """
    corrected, changed = fold(terms), False
    for word in words:
        if len(word) < SHORTEST_CORRECTED:
            continue
        near = SearchWord.known_near(word, audience, tuned=tuned)
        # A compound of known words is shown split, never as a look-alike word.
        known = " ".join(near.compound_parts(word)) or near.closest(word)
        if known:
            corrected = re.sub(rf"\b{re.escape(word)}\b", known, corrected)
            changed = True
    return corrected if changed else ""
