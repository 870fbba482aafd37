from django.db import migrations

# A search for a very common word reads the newest published items a reader
# may see (`dealkennis.search.estimate`). For anonymous readers the list index
# (status, visibility, -published_at) gives them in order; signed-in readers see
# both visibilities, and without this index every published item would be
# sorted to find the newest. The tables belong to the cards and lessons apps,
# and the index to the search, hence plain SQL here, as in 0005.
TABLES = ("cards_card", "lessons_lesson")


def index(table):
    return f"{table}_newest_published"


class Migration(migrations.Migration):
    dependencies = [
        ("dealkennis", "0008_synonyms"),
        ("cards", "0005_embedding"),
        ("lessons", "0005_embedding"),
    ]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX IF NOT EXISTS {index(table)} ON {table} (status, published_at DESC)",
            f"DROP INDEX IF EXISTS {index(table)}",
        )
        for table in TABLES
    ]
