"""Related cards and lessons, chosen to carry knowledge across programmes."""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.utils.text import capfirst
from taggit.models import TaggedItem

from dealkennis.caching import ContentVersion
from dealkennis.models import Programme, knowledge_models

RELATED_LIMIT = 5
AXES = ("stream", "mode", "order", "level")
# Candidates per tag and for the classification, per type (see _related_items).
CANDIDATES = 50


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
    return ContentVersion.cached(
        "related",
        user,
        [item.kind, item.pk, limit],
        lambda: _related_items(item, user, limit),
        version=version,
    )


# One statement for the whole choice; the ORM has no spelling for its LATERAL
# walk down the tag index. Candidates, per type: the newest items on each of
# the item's tags and the newest with the same classification. The reader's
# access rule comes from `visible_to`, compiled into each type's part.
RELATED_SQL = """
WITH item_tags AS (
    SELECT tag_id FROM {tagged} WHERE content_type_id = %s AND object_id = %s
), candidates AS (
    SELECT types.content_type_id, newest.object_id
    FROM (VALUES (%s), (%s)) AS types (content_type_id)
    CROSS JOIN item_tags
    CROSS JOIN LATERAL (
        SELECT object_id FROM {tagged}
        WHERE content_type_id = types.content_type_id AND tag_id = item_tags.tag_id
        ORDER BY object_id DESC
        LIMIT %s
    ) AS newest
    {same_classification}
), scored AS MATERIALIZED (
    {scored}
)
SELECT scored.content_type_id, scored.slug, scored.title, programme.name, scored.other_programme
FROM scored JOIN {programmes} AS programme ON programme.id = scored.programme_id
WHERE shared_tags > 0 OR shared_axes >= 3
ORDER BY 2 * shared_tags + shared_axes + 2 * other_programme DESC, scored.published_at DESC, scored.title
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
    SELECT %s AS content_type_id, item.slug, item.title, item.programme_id, item.published_at, (
        SELECT count(*) FROM {tagged} AS shared
        WHERE shared.content_type_id = %s AND shared.object_id = item.id
            AND shared.tag_id IN (SELECT tag_id FROM item_tags)
    ) AS shared_tags,
    (item.stream = %s)::int + (item.mode = %s)::int + (item."order" = %s)::int + (item.level = %s)::int
        AS shared_axes,
    (item.programme_id <> %s)::int AS other_programme
    FROM {table} AS item
    WHERE item.id IN (SELECT object_id FROM candidates WHERE content_type_id = %s)
        AND item.id IN ({visible})
        AND NOT (%s AND item.id = %s)"""


def _related_items(item, user, limit):
    """Items sharing tags and classification with `item`, other programmes first.

    Score: two points per shared tag, one per shared classification axis, and
    two for coming from another programme, so that exchange between the five
    programmes happens by default. Items with nothing in common are left out.

    Only candidates are scored: per type, the newest items on each of the
    item's tags and the newest with the same classification. Each of those
    is a short walk down an index, so the cost does not grow with the corpus;
    the trade-off is that an old item is only found while it is among the
    newest on one of the shared tags.
    """
    quote = connection.ops.quote_name
    tagged = quote(TaggedItem._meta.db_table)
    types = ContentType.objects.get_for_models(*knowledge_models())
    item_type = types[type(item)].pk
    same_classification, same_classification_params = [], []
    scored, scored_params = [], []
    for model, content_type in types.items():
        table = quote(model._meta.db_table)
        same_classification.append(SAME_CLASSIFICATION_SQL.format(table=table))
        same_classification_params += [content_type.pk, item.stream, item.order, item.level, CANDIDATES]
        visible, visible_params = (
            model.objects.visible_to(user).order_by().values("pk").query.sql_with_params()
        )
        scored.append(SCORED_SQL.format(tagged=tagged, table=table, visible=visible))
        scored_params += [
            content_type.pk,
            content_type.pk,
            *(getattr(item, axis) for axis in AXES),
            item.programme_id,
            content_type.pk,
            *visible_params,
            content_type.pk == item_type,
            item.pk,
        ]
    sql = RELATED_SQL.format(
        tagged=tagged,
        programmes=quote(Programme._meta.db_table),
        same_classification="".join(same_classification),
        scored="\n    UNION ALL".join(scored),
    )
    params = [
        item_type,
        item.pk,
        *(content_type.pk for content_type in types.values()),
        CANDIDATES,
        *same_classification_params,
        *scored_params,
        limit,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
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
