import django.contrib.postgres.fields
from django.db import migrations, models

# Existing items get the ids of the tags they are linked to; from here on
# KnowledgeItem.set_search_tags keeps them in step with the links.
COPY_TAG_IDS = """
UPDATE cards_card AS item SET tag_ids = links.ids
FROM (
    SELECT object_id, array_agg(DISTINCT tag_id ORDER BY tag_id) AS ids
    FROM taggit_taggeditem
    WHERE content_type_id = (SELECT id FROM django_content_type WHERE app_label = 'cards' AND model = 'card')
    GROUP BY object_id
) AS links
WHERE links.object_id = item.id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("cards", "0005_embedding"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.AddField(
            model_name="card",
            name="tag_ids",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.IntegerField(), blank=True, default=list, editable=False, size=None
            ),
        ),
        # Kept in the row, never moved out to TOAST like the other texts
        # (0003_narrow_rows): the facets read it for thousands of matches.
        migrations.RunSQL(
            "ALTER TABLE cards_card ALTER COLUMN tag_ids SET STORAGE PLAIN",
            "ALTER TABLE cards_card ALTER COLUMN tag_ids SET STORAGE EXTENDED",
        ),
        migrations.RunSQL(COPY_TAG_IDS, migrations.RunSQL.noop),
    ]
