# The item's vector for search by meaning, as real[] on every server; where the
# server offers pgvector, the extension and an HNSW index over the vector cast.

import dealkennis.search.meaning
from django.db import DatabaseError, migrations, transaction


def index_name(table):
    return f"{table}_embedding_hnsw"[:63]


def create_vector_index(apps, schema_editor):
    table = apps.get_model("lessons", "lesson")._meta.db_table
    quote = schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector')")
        if not cursor.fetchone()[0]:
            return  # PostgreSQL without pgvector: search stays full text (see manage.py check)
        try:
            with transaction.atomic(using=schema_editor.connection.alias):
                cursor.execute("CREATE EXTENSION IF NOT EXISTS vector")
        except DatabaseError:
            return  # not a superuser here (pgvector is not a trusted extension): full text, as above
        cursor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(index_name(table))} ON {quote(table)}"
            " USING hnsw ((embedding::vector(384)) vector_cosine_ops)"
        )


def drop_vector_index(apps, schema_editor):
    table = apps.get_model("lessons", "lesson")._meta.db_table
    quote = schema_editor.connection.ops.quote_name
    schema_editor.execute(f"DROP INDEX IF EXISTS {quote(index_name(table))}")


class Migration(migrations.Migration):

    dependencies = [
        ('lessons', '0004_review_note_internal_by_default'),
    ]

    operations = [
        migrations.AddField(
            model_name='lesson',
            name='embedding',
            field=dealkennis.search.meaning.EmbeddingField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(create_vector_index, drop_vector_index),
    ]
