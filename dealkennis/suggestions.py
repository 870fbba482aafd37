"""Typo suggestions ("Bedoelde je …"): a query corrected against the words its reader may see.

The vocabulary is a model of the dealkennis app; `dealkennis.models` imports it.
"""

import difflib
import re

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import connection, models, transaction
from django.utils.translation import gettext_lazy as _

from dealkennis.search import fold

# Words of the searched text, folded as `fold` does, that typo correction knows.
WORD_PATTERN = r"[^\W\d_]{4,100}"
# The same words collected in SQL from every visible item, for a bulk refill.
# The pairs say which audiences see an item of each visibility: `visible_to`.
FILL_SEARCH_WORDS_SQL = """
INSERT INTO dealkennis_searchword (audience, word)
SELECT DISTINCT seen.audience, words.word FROM (
    SELECT visibility, regexp_split_to_table(lower(unaccent(fuzzy_text || ' ' || body_text)), '[^[:alpha:]]+')
    FROM cards_card WHERE status = 'published'
    UNION ALL
    SELECT visibility, regexp_split_to_table(lower(unaccent(fuzzy_text || ' ' || body_text)), '[^[:alpha:]]+')
    FROM lessons_lesson WHERE status = 'published'
) AS words (visibility, word)
JOIN (VALUES ('public', 'public'), ('public', 'internal'), ('internal', 'internal'))
AS seen (visibility, audience) USING (visibility)
WHERE length(words.word) BETWEEN 4 AND 100
ON CONFLICT DO NOTHING
"""


class SearchWord(models.Model):
    """The words of the items each audience may see: what its typos are corrected against.

    Comparing a mistyped word with a few thousand distinct words is fast at any
    corpus size, where comparing it with every item's text is not. A known word
    gets no suggestion, so a word of an item a reader may not see must not be
    known to that reader's audience (`dealkennis.models.audience`): it would
    show that the word exists. Words are added as items are saved visible and
    kept when an item is withdrawn (its readers saw them); `fill_from_items`
    rebuilds from scratch.
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
        words = {word for text in texts for word in re.findall(WORD_PATTERN, fold(text))}
        cls.objects.bulk_create(
            [cls(audience=audience, word=word) for audience in audiences for word in sorted(words)],
            ignore_conflicts=True,
        )

    @classmethod
    def closest(cls, word, audience, threshold, candidates=20):
        """The word known to `audience` most like `word`, or "" when `word` is known or nothing is alike.

        Trigrams find the candidates (indexed); the edit-based ratio picks among
        them, since trigrams weigh a swapped pair of letters too heavily.
        """
        with connection.cursor() as cursor:
            # SET LOCAL: the looser threshold holds for this transaction only.
            cursor.execute("SET LOCAL pg_trgm.similarity_threshold = %s", [threshold])
            cursor.execute(
                "SELECT word FROM dealkennis_searchword WHERE word %% %s AND audience = %s"
                " ORDER BY similarity(word, %s) DESC, word LIMIT %s",
                [word, audience, word, candidates],
            )
            alike = [row[0] for row in cursor.fetchall()]
        if not alike or word in alike:
            return ""
        return max(alike, key=lambda known: difflib.SequenceMatcher(None, word, known).ratio())

    @classmethod
    @transaction.atomic
    def fill_from_items(cls):
        """Rebuild every audience's words from the items it may see now."""
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM dealkennis_searchword")
            cursor.execute(FILL_SEARCH_WORDS_SQL)


# Trigram similarity from which a known word is a candidate for a mistyped one.
TYPO_THRESHOLD = 0.3
# Shorter words have too many near neighbours to guess which one was meant.
SHORTEST_CORRECTED = 5


def corrected(audience, terms, words):
    """`terms` with every word unknown to the audience replaced by the closest known one, or "".

    Known means: in an item this audience may see (`SearchWord`). Words of
    items the reader may not see must neither be offered nor stop an offer.
    """
    corrected, changed = fold(terms), False
    for word in words:
        if len(word) < SHORTEST_CORRECTED:
            continue
        known = SearchWord.closest(word, audience, TYPO_THRESHOLD)
        if known:
            corrected = re.sub(rf"\b{re.escape(word)}\b", known, corrected)
            changed = True
    return corrected if changed else ""
