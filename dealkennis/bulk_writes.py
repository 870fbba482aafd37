"""Writing many items at once, without the per-row signals of saving them one by one.

The import (`dealkennis.resources`) calls these after every row has been
checked; whatever the signals would have kept in step it does itself.
"""

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import connections
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from taggit.models import Tag, TaggedItem

BATCH = 500


def resolve_tags(names):
    """{lowercase name: Tag} for these names, creating the missing ones (names are case-insensitive)."""
    found = {}
    for tag in Tag.objects.annotate(folded=Lower("name")).filter(folded__in={n.lower() for n in names}):
        found.setdefault(tag.name.lower(), tag)
    for name in sorted(names):
        if name.lower() not in found:
            found[name.lower()] = Tag.objects.create(name=name)
    return found


def set_tags(model, tags_by_pk):
    """Link each item to exactly these tags, in bulk and without per-link signals."""
    if not tags_by_pk:
        return
    content_type = ContentType.objects.get_for_model(model)
    wanted = {(pk, tag.pk) for pk, tags in tags_by_pk.items() for tag in tags}
    links = TaggedItem.objects.filter(content_type=content_type, object_id__in=list(tags_by_pk))
    have = {(item, tag): pk for pk, item, tag in links.values_list("pk", "object_id", "tag_id")}
    stale = [pk for key, pk in have.items() if key not in wanted]
    if stale:
        # Not QuerySet.delete(): it would send a signal per link, and each
        # signal rewrites the item's search text, which is done here already.
        table = TaggedItem._meta.db_table
        with connections[TaggedItem.objects.db].cursor() as cursor:
            cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [stale])  # noqa: S608 (our table)
    TaggedItem.objects.bulk_create(
        [
            TaggedItem(content_type=content_type, object_id=pk, tag_id=tag_id)
            for pk, tag_id in sorted(wanted - set(have))
        ],
        batch_size=BATCH,
    )


def update_in_bulk(model, items, names):
    """Write these fields of the items, a batch per statement.

    QuerySet.bulk_update builds a CASE per field with a branch per item,
    which for thousands of items takes minutes; joining the new values as
    arrays takes a fraction of a second.
    """
    connection = connections[model.objects.db]
    quote = connection.ops.quote_name
    key = model._meta.pk
    fields = [model._meta.get_field(name) for name in names]
    values = ", ".join(f"{_unnested(field, connection)} AS {quote(field.column)}" for field in [key, *fields])
    assignments = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}" for field in fields)
    statement = (
        f"UPDATE {quote(model._meta.db_table)} AS t SET {assignments} FROM (SELECT {values}) AS v"  # noqa: S608
        f" WHERE t.{quote(key.column)} = v.{quote(key.column)}"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(items), BATCH):
            batch = items[start : start + BATCH]
            cursor.execute(
                statement,
                [[_prepared(field, item, connection) for item in batch] for field in [key, *fields]],
            )


def _unnested(field, connection):
    db_type = field.db_type(connection)
    if isinstance(field, ArrayField):
        # unnest() flattens an array of arrays: each array goes as its text instead.
        return f"unnest(%s::text[])::{db_type}"
    return f"unnest(%s::{db_type}[])"


def _prepared(field, item, connection):
    value = field.get_db_prep_save(getattr(item, field.attname), connection)
    if isinstance(field, ArrayField):
        # An array literal with every element quoted, so that no element's text can end it early.
        quoted = (str(element).replace("\\", "\\\\").replace('"', '\\"') for element in value)
        return "{" + ",".join(f'"{element}"' for element in quoted) + "}"
    return value


def database_message(error):
    if "too long" in str(error):
        return _("Een waarde is te lang voor de database; er is niets geïmporteerd.")
    return _("De database weigerde de gegevens; er is niets geïmporteerd. Controleer de waarden.")
