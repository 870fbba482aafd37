from django.db import migrations

# Related items walk the newest items on one tag; taggit's own indexes lead
# with the item or hold the tag alone, so that walk would sort every item on
# the tag. The table belongs to taggit, hence plain SQL here.
INDEX = "dealkennis_taggeditem_type_tag_item"


class Migration(migrations.Migration):
    dependencies = [
        ("dealkennis", "0004_typo_vocabulary"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {INDEX} ON taggit_taggeditem (content_type_id, tag_id, object_id)",
            f"DROP INDEX {INDEX}",
        ),
    ]
