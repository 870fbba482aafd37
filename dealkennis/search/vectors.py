"""What an item's vector is made of (`item_text`), and keeping the stored vectors in step with it.

An item is embedded after the transaction that changed it commits
(`embed_after_commit`): a model that cannot load, or is slow, never blocks or
undoes a save; the item then keeps its old vector (or none) and the failure is
logged. Every path that changes the embedded text queues its items here: a
save (admin, share form, review, history restore), the import, and renamed
tags, deals and programmes (`dealkennis.signals`). `refresh_vectors` embeds in
batches for `manage.py embed_items`, the demo loader and the queue.
"""

import logging
from collections import defaultdict

from django.db import connection, transaction
from django.utils import translation

from dealkennis.caching import ContentVersion
from dealkennis.classification import VOCABULARIES
from dealkennis.search.embedding import embed_passages
from dealkennis.search.meaning import semantic_available

logger = logging.getLogger(__name__)

# The item's own words kept, most telling first: more costs embedding time
# (linear, a few ms per token on one core: 160 words and the context are about
# 300 tokens) and blurs what the item is about.
MAX_WORDS = 160
TEXT_FIELDS = ("title", "question", "summary", "answer", "takeaway", "insight", "change", "body_text")
# The English of a stream is a kind of learning ("social learning"), as the literature says it.
ENGLISH_SUFFIX = {"stream": " learning", "order": " learning"}
BATCH = 64
# Items re-embedded within the request that changed them (a rename touches
# all items of a tag, deal or programme); beyond this `manage.py embed_items` does it.
MAX_AFTER_COMMIT = 200


def embedded_fields(model):
    """The columns `item_text` reads, for loading items with only these."""
    own = [name for name in TEXT_FIELDS if _has_field(model, name)]
    return [*own, "search_tags", *VOCABULARIES, "programme__name", "programme__ministries", "deal__name"]


def _has_field(model, name):
    return any(field.name == name for field in model._meta.concrete_fields)


def _labels(item, language, suffixes):
    with translation.override(language):
        return [
            str(vocabulary(getattr(item, axis)).label) + suffixes.get(axis, "")
            for axis, vocabulary in VOCABULARIES.items()
            if getattr(item, axis)
        ]


def item_text(item) -> str:
    """The passage embedded for an item: its own words, then programme, deal, tags and classification.

    The classification is named in Dutch and English, so "creërend" or
    "social learning" finds what is classified so.
    """
    words = []
    for name in TEXT_FIELDS:
        value = (getattr(item, name, "") if _has_field(type(item), name) else "") or ""
        if value and value.rstrip()[-1:] not in ".?!:":
            value = f"{value.rstrip()}."  # a title ends a sentence too
        words.extend(value.split())
        if len(words) >= MAX_WORDS:
            break
    own = " ".join(words[:MAX_WORDS])
    # The programme's ministries too: a reader from another ministry names
    # the programme by who runs it ("de deals van VWS").
    ministries = f", van {item.programme.ministries}" if item.programme.ministries else ""
    context = [f"Programma: {item.programme.name}{ministries}."]
    if item.deal_id:
        context.append(f"Deal: {item.deal.name}.")
    if item.search_tags:
        context.append(f"Tags: {item.search_tags}.")
    if dutch := _labels(item, "nl", {}):
        context.append("Leren: " + ", ".join(dutch) + ".")
        context.append("Learning: " + ", ".join(_labels(item, "en", ENGLISH_SUFFIX)).lower() + ".")
    return f"{own}\n" + " ".join(context)


def store_vectors(model, vectors_by_pk):
    """Write vectors without a save: no signals, no new `updated_at`, one statement per batch.

    Bumps the content version: results and related items cached before the
    vectors were there are left behind.
    """
    quote = connection.ops.quote_name
    table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
    pairs = list(vectors_by_pk.items())
    with connection.cursor() as cursor:
        for start in range(0, len(pairs), 500):
            batch = pairs[start : start + 500]
            cursor.execute(
                f"UPDATE {table} AS t SET embedding = v.embedding::real[]"  # noqa: S608 - our table
                f" FROM (SELECT unnest(%s::bigint[]) AS id, unnest(%s::text[]) AS embedding) AS v"
                f" WHERE t.{key} = v.id",
                [
                    [pk for pk, _vector in batch],
                    ["{" + ",".join(map(repr, vector)) + "}" for _pk, vector in batch],
                ],
            )
    if pairs:
        ContentVersion.bump()


def refresh_vectors(model, pks=None, *, missing=False, progress=None) -> int:
    """Embed the given items of `model` (all without `pks`; only those without a vector if `missing`).

    Raises EmbeddingUnavailable when the model cannot run. `progress(n)` is
    called after each batch. Returns how many items were embedded.
    """
    items = model.objects.select_related("programme", "deal").only("pk", "deal_id", *embedded_fields(model))
    if pks is not None:
        items = items.filter(pk__in=list(pks))
    if missing:
        items = items.filter(embedding__isnull=True)
    done = 0
    ids = list(items.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = list(items.filter(pk__in=ids[start : start + BATCH]).order_by("pk"))
        vectors = embed_passages([item_text(item) for item in batch])
        store_vectors(model, {item.pk: vector for item, vector in zip(batch, vectors, strict=True)})
        done += len(batch)
        if progress:
            progress(len(batch))
    return done


class _AfterCommit:
    """The items queued in one transaction, embedded once when it commits."""

    def __init__(self):
        self.items = defaultdict(set)
        self.done = False

    def __call__(self):
        if self.done:
            return
        self.done = True
        _embed_now(self.items)


def _embed_now(items):
    for model, pks in items.items():
        pks = sorted(pks)
        if len(pks) > MAX_AFTER_COMMIT:
            logger.warning(
                "%s %s changed their embedded text; %s are embedded now, the rest keep their old vector"
                " until `manage.py embed_items` runs.",
                len(pks),
                model._meta.verbose_name_plural,
                MAX_AFTER_COMMIT,
            )
            pks = pks[:MAX_AFTER_COMMIT]
        try:
            # A savepoint inside the demo loader's transaction, which a failure here must not break.
            with transaction.atomic():
                refresh_vectors(model, pks)
        except Exception as error:  # the change is saved; only its vector lags behind
            logger.warning("Could not embed %s %s: %s", len(pks), model._meta.verbose_name_plural, error)


def _open_batch():
    """This transaction's queue, registered with `on_commit` once (again after a rollback dropped it)."""
    for _savepoints, callback, *_rest in connection.run_on_commit:
        if isinstance(callback, _AfterCommit) and not callback.done:
            return callback
    batch = _AfterCommit()
    transaction.on_commit(batch)
    return batch


def embed_after_commit(model, pks):
    """Embed these items of `model` once the current transaction commits (at once outside one).

    Does nothing where search by meaning is off (no pgvector, or no model).
    """
    pks = [pk for pk in pks if pk is not None]
    if not pks or not semantic_available(connection):
        return
    if not connection.in_atomic_block:
        _embed_now({model: set(pks)})
        return
    _open_batch().items[model].update(pks)


def embed_pending_now():
    """Embed what this transaction queued now, inside it (the demo loader), instead of at commit."""
    for _savepoints, callback, *_rest in connection.run_on_commit:
        if isinstance(callback, _AfterCommit):
            callback()
