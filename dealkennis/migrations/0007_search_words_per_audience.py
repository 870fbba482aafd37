import django.contrib.postgres.indexes
from django.db import migrations, models

# dealkennis.search.suggestions.FILL_SEARCH_WORDS_SQL as it stood for this table.
FILL_SEARCH_WORDS_SQL = """
INSERT INTO dealkennis_searchword (audience, word)
SELECT DISTINCT seen.audience, words.word FROM (
    SELECT visibility, regexp_split_to_table(lower(unaccent(fuzzy_text || ' ' || body_text)), '[^[:alpha:]]+')
    FROM cards_card WHERE status = 'published'
    UNION ALL
    SELECT visibility, regexp_split_to_table(lower(unaccent(fuzzy_text || ' ' || body_text)), '[^[:alpha:]]+')
    FROM lessons_lesson WHERE status = 'published'
) AS words (visibility, word)
JOIN (VALUES
    ('public', 'public'), ('public', 'internal'), ('internal', 'internal')
) AS seen (visibility, audience) USING (visibility)
WHERE length(words.word) BETWEEN 4 AND 100
ON CONFLICT DO NOTHING
"""


class Migration(migrations.Migration):
    """One vocabulary per audience, rebuilt from what each audience may see.

    The single vocabulary held the words of drafts and internal items too, and
    a known word gets no suggestion: that showed anyone whether a hidden item
    held a word. A primary key cannot be changed into a composite one in
    place, so the table is made anew.
    """

    dependencies = [
        ("dealkennis", "0006_strip_stored_markup"),
        ("cards", "0003_narrow_rows"),
        ("lessons", "0003_narrow_rows"),
    ]

    operations = [
        migrations.DeleteModel(name="SearchWord"),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "pk",
                    models.CompositePrimaryKey(
                        "audience", "word", blank=True, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("audience", models.CharField(max_length=10)),
                ("word", models.CharField(max_length=100)),
            ],
            options={
                "verbose_name": "zoekwoord",
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        django.contrib.postgres.indexes.OpClass("word", name="gin_trgm_ops"),
                        name="dealkennis_searchword_trgm",
                    )
                ],
            },
        ),
        migrations.RunSQL(FILL_SEARCH_WORDS_SQL, migrations.RunSQL.noop),
    ]
