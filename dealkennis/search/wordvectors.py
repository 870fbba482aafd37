"""Known words embedded as queries ahead of time: a search for one such word does not run the model.

Most searches are a single word, and nearly always a word some item holds.
Embedding a query costs a cold search about a third of its CPU (README,
"Performance and the benchmark"), so `manage.py embed_items` embeds each word of the public
vocabulary (`SearchWord`) once, as a query, and keeps the vector here. A
search whose query is exactly such a word reads one row instead. The vector
is the model's own for that text, so the search finds exactly what it would
have found; only the time differs.

Only the public vocabulary: a word that only internal items hold would
otherwise be answered faster than a word nobody uses, telling an anonymous
reader that it exists. The model is part of the key (`embedding.vectors_key`):
vectors of another model are never read, and the next `fill` replaces them.

The model is a part of the dealkennis app; `dealkennis.models` imports it.
"""

import re
from array import array

from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from dealkennis.search import embedding
from dealkennis.search.suggestions import WORD_PATTERN, SearchWord
from dealkennis.search.text import fold

# How many words are embedded and written at a time while filling.
BATCH = 256
# The words as `SearchWord` holds them.
WORD = re.compile(WORD_PATTERN)
LONGEST = 100


class WordVector(models.Model):
    """One word of the public vocabulary as a query, embedded by `backend` (`embedding.vectors_key`)."""

    word = models.CharField(max_length=LONGEST, primary_key=True)
    backend = models.CharField(max_length=200)
    # float32, as the model returns it: its values exactly, in a quarter of a float list's space.
    vector = models.BinaryField()

    class Meta:
        verbose_name = _("woordvector")

    def __str__(self):
        return self.word


def stored(text):
    """The stored vector of `text` as a query (a list of floats), or None when there is none.

    Reads the caller's connection: the search by meaning runs beside the
    request (`dealkennis.db.aside`) and asks there.
    """
    if not may_be_stored(text):
        return None
    table = connection.ops.quote_name(WordVector._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT vector FROM {table} WHERE word = %s AND backend = %s",  # noqa: S608 - a model's table
            [text, embedding.vectors_key()],
        )
        row = cursor.fetchone()
    if row is None:
        return None
    vector = array("f")
    vector.frombytes(bytes(row[0]))
    return vector.tolist() if len(vector) == embedding.DIMENSIONS else None


def may_be_stored(text):
    """Whether `text` could be a stored word (one folded word, as `SearchWord` holds them).

    For such a text a search does not start the model ahead: the thread
    beside it reads the vector, or embeds the word itself when there is none.
    """
    return bool(WORD.fullmatch(text)) and fold(text) == text


def fill(progress=None):
    """Embed the public words that have no vector of this model yet; forget the rest. Returns how many.

    `progress(n)` is told of every batch written. Raises
    `embedding.EmbeddingUnavailable` when the model cannot run.
    """
    backend = embedding.vectors_key()
    public = SearchWord.objects.filter(audience="public")
    WordVector.objects.exclude(backend=backend).delete()
    WordVector.objects.exclude(word__in=public.values("word")).delete()
    missing = list(
        public.exclude(word__in=WordVector.objects.values("word"))
        .order_by("word")
        .values_list("word", flat=True)
    )
    for start in range(0, len(missing), BATCH):
        words = missing[start : start + BATCH]
        vectors = embedding.query_vectors(words)
        WordVector.objects.bulk_create(
            [
                WordVector(word=word, backend=backend, vector=array("f", vector).tobytes())
                for word, vector in zip(words, vectors, strict=True)
            ],
            ignore_conflicts=True,
        )
        if progress is not None:
            progress(len(words))
    return len(missing)
