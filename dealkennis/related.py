"""Related cards and lessons, chosen to carry knowledge across programmes by tags, classification, meaning."""

import functools
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils.text import capfirst
from taggit.models import TaggedItem

from dealkennis.caching import ContentVersion
from dealkennis.db import aside
from dealkennis.models import Programme, knowledge_models
from dealkennis.search.meaning import VECTOR, semantic_available

RELATED_LIMIT = 5
AXES = ("stream", "mode", "order", "level")
# Candidates per tag and for the classification, per type (see _related_rows).
CANDIDATES = 50
# Nearest items by meaning per type, where the server searches by meaning.
MEANING_CANDIDATES = 20
# A neighbour's closeness runs from 1 for the nearest down to 0 at MEANING_SPREAD
# less cosine similarity: the model's similarities crowd together (between demo
# items the nearest is at 0.90-0.98, the fifth 0.045 lower), so only the place
# relative to the nearest says something. Scored at up to MEANING_POINTS, the
# nearest counts as one and a half shared tags.
MEANING_SPREAD = 0.04
MEANING_POINTS = 3
# A neighbour sharing nothing else joins from this closeness (0.02 from the nearest).
MEANING_ADMIT = 0.5


@dataclass(frozen=True)
class RelatedItem:
    """What the page shows of a related item; built from one row, never a model instance."""

    model: type
    title: str
    url: str
    programme_name: str
    other_programme: bool

    @property
    def kind_label(self):
        # Named when shown, not when cached: the cache serves every language.
        return capfirst(self.model._meta.verbose_name)


def related_items(item, user, limit=RELATED_LIMIT, version=None):
    """Cached per content version: scoring reads many tagged items."""

    def compute():
        types = _types()
        return _related_items(_related_rows(item, user, limit, types), types)

    return ContentVersion.cached("related", user, [item.kind, item.pk, limit], compute, version=version)


def related_items_later(item, user, limit=RELATED_LIMIT, version=None):
    """`related_items` as a function to call later; when they are not cached, read beside the request now.

    Only the statement runs in the thread beside (`aside`): the cache, the
    links and the request's state stay in the caller's thread.
    """

    def start():
        types = _types()
        rows = aside.beside(functools.partial(_related_rows, item, user, limit, types), {})
        return lambda: _related_items(rows.result(), types)

    return ContentVersion.cached_later("related", user, [item.kind, item.pk, limit], start, version=version)


# One statement for the whole choice; the ORM has no spelling for its LATERAL
# walk down the tag index. Candidates, per type: the newest items on each of
# the item's tags, the newest with the same classification and, where the
# server searches by meaning, the nearest by meaning. The reader's access rule
# comes from `visible_to`, compiled into each type's part.
RELATED_SQL = """
WITH item_tags AS (
    SELECT tag_id FROM {tagged} WHERE content_type_id = %s AND object_id = %s
){meaning}, candidates AS (
    SELECT types.content_type_id, newest.object_id
    FROM (VALUES (%s), (%s)) AS types (content_type_id)
    CROSS JOIN item_tags
    CROSS JOIN LATERAL (
        SELECT object_id FROM {tagged}
        WHERE content_type_id = types.content_type_id AND tag_id = item_tags.tag_id
        ORDER BY object_id DESC
        LIMIT %s
    ) AS newest
    {same_classification}{meaning_candidates}
), scored AS MATERIALIZED (
    {scored}
)
SELECT scored.content_type_id, scored.slug, scored.title, programme.name, scored.other_programme
FROM scored JOIN {programmes} AS programme ON programme.id = scored.programme_id
WHERE shared_tags > 0 OR shared_axes >= 3 OR closeness >= %s
ORDER BY 2 * shared_tags + shared_axes + 2 * other_programme + %s * closeness DESC,
    scored.published_at DESC, scored.title
LIMIT %s
"""
SAME_CLASSIFICATION_SQL = """
    UNION (
        SELECT %s, id FROM {table}
        WHERE stream = %s AND "order" = %s AND level = %s
        ORDER BY id DESC
        LIMIT %s
    )"""
SCORED_SQL = """
    SELECT %s AS content_type_id, item.slug, item.{name} AS title, item.programme_id, item.published_at, (
        SELECT count(*) FROM unnest(item.tag_ids) AS shared (tag_id)
        WHERE shared.tag_id IN (SELECT tag_id FROM item_tags)
    ) AS shared_tags,
    (item.stream = %s)::int + (item.mode = %s)::int + (item."order" = %s)::int + (item.level = %s)::int
        AS shared_axes,
    (item.programme_id <> %s)::int AS other_programme,
    {closeness} AS closeness
    FROM {table} AS item
    WHERE item.id IN (SELECT object_id FROM candidates WHERE content_type_id = %s)
        AND item.id IN ({visible})
        AND NOT (%s AND item.id = %s)"""
# Where the server searches by meaning: per type, the items nearest to the
# item's stored vector, through the HNSW index (the vector is read in the
# statement, so no query is added). An item without a vector has none. The
# reader's access rule filters what the index offers (pgvector's ef_search,
# 40 by default), so a reader who may see few of them gets fewer neighbours;
# it applies here too, so a hidden item never sets the scale of closeness.
MEANING_SQL = """, item_vector AS MATERIALIZED (
    SELECT embedding::{vector} AS vector FROM {item_table} WHERE id = %s AND embedding IS NOT NULL
), meaning AS MATERIALIZED ({nearest}
), nearest_similarity AS (
    SELECT max(similarity) AS best FROM meaning
)"""
NEAREST_SQL = """
    (SELECT %s AS content_type_id, near.id AS object_id,
        1 - (near.embedding::{vector} <=> (SELECT vector FROM item_vector)) AS similarity
    FROM {table} AS near
    WHERE EXISTS (SELECT FROM item_vector) AND near.embedding IS NOT NULL
        AND near.id IN ({visible})
        AND NOT (%s AND near.id = %s)
    ORDER BY near.embedding::{vector} <=> (SELECT vector FROM item_vector)
    LIMIT %s)"""
MEANING_CANDIDATES_SQL = """
    UNION SELECT content_type_id, object_id FROM meaning"""
# 1 for the nearest, down to 0 at MEANING_SPREAD further away; 0 for all others.
CLOSENESS_SQL = """coalesce((
        SELECT greatest(0, 1 - (best - similarity) / %s)
        FROM meaning CROSS JOIN nearest_similarity
        WHERE meaning.content_type_id = %s AND meaning.object_id = item.id
    ), 0)"""


def _types():
    # Read in the caller's thread: the first time, through the router.
    return ContentType.objects.get_for_models(*knowledge_models())


def _related_rows(item, user, limit, types):
    """Items sharing tags, classification or meaning with `item`, best first, as rows for `_related_items`.

    Score: two points per shared tag, one per shared classification axis, up
    to MEANING_POINTS for closeness in meaning, and two for coming from another
    programme, so that exchange between the five programmes happens by default.
    Items with nothing in common are left out.

    Only candidates are scored: per type, the newest items on each of the
    item's tags, the newest with the same classification and (where the server
    searches by meaning and the item has a vector) the nearest by meaning.
    Each of those is a short walk down an index, so the cost does not grow with
    the corpus; the trade-off is that an old item is only found while it is
    among the newest on one of the shared tags, or among the nearest.
    """
    quote = connection.ops.quote_name
    tagged = quote(TaggedItem._meta.db_table)
    item_type = types[type(item)].pk
    by_meaning = semantic_available()
    same_classification, same_classification_params = [], []
    nearest, nearest_params = [], []
    scored, scored_params = [], []
    for model, content_type in types.items():
        table = quote(model._meta.db_table)
        same_type = content_type.pk == item_type
        same_classification.append(SAME_CLASSIFICATION_SQL.format(table=table))
        same_classification_params += [content_type.pk, item.stream, item.order, item.level, CANDIDATES]
        visible, visible_params = (
            model.objects.visible_to(user).order_by().values("pk").query.sql_with_params()
        )
        closeness, closeness_params = "0", []
        if by_meaning:
            nearest.append(NEAREST_SQL.format(vector=VECTOR, table=table, visible=visible))
            nearest_params += [content_type.pk, *visible_params, same_type, item.pk, MEANING_CANDIDATES]
            closeness, closeness_params = CLOSENESS_SQL, [MEANING_SPREAD, content_type.pk]
        scored.append(
            SCORED_SQL.format(table=table, visible=visible, closeness=closeness, name=quote(model.name_field))
        )
        scored_params += [
            content_type.pk,
            *(getattr(item, axis) for axis in AXES),
            item.programme_id,
            *closeness_params,
            content_type.pk,
            *visible_params,
            same_type,
            item.pk,
        ]
    meaning, meaning_params = "", []
    if by_meaning:
        meaning = MEANING_SQL.format(
            vector=VECTOR,
            item_table=quote(type(item)._meta.db_table),
            nearest="\n    UNION ALL".join(nearest),
        )
        meaning_params = [item.pk, *nearest_params]
    sql = RELATED_SQL.format(
        tagged=tagged,
        meaning=meaning,
        meaning_candidates=MEANING_CANDIDATES_SQL if by_meaning else "",
        programmes=quote(Programme._meta.db_table),
        same_classification="".join(same_classification),
        scored="\n    UNION ALL".join(scored),
    )
    params = [
        item_type,
        item.pk,
        *meaning_params,
        *(content_type.pk for content_type in types.values()),
        CANDIDATES,
        *same_classification_params,
        *scored_params,
        MEANING_ADMIT,
        MEANING_POINTS,
        limit,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _related_items(rows, types):
    """The related items of `_related_rows`, other programmes first; `types` as `_types()` gave them."""
    model_of = {content_type.pk: model for model, content_type in types.items()}
    chosen = [
        RelatedItem(
            model=model_of[content_type_id],
            title=title,
            url=model_of[content_type_id](slug=slug).get_absolute_url(),
            programme_name=programme_name,
            other_programme=bool(other_programme),
        )
        for content_type_id, slug, title, programme_name, other_programme in rows
    ]
    # Shown grouped: other programmes first, each group still by score.
    chosen.sort(key=lambda candidate: not candidate.other_programme)
    return chosen
