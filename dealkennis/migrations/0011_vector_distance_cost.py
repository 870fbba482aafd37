"""Tell the planner what a vector distance costs, where pgvector is installed (see search.meaning)."""

from django.db import migrations

from dealkennis.search.meaning import set_distance_cost


def forwards(apps, schema_editor):
    set_distance_cost(schema_editor.connection)


def backwards(apps, schema_editor):
    set_distance_cost(schema_editor.connection, cost=1)


class Migration(migrations.Migration):
    dependencies = [
        ("dealkennis", "0010_matrix_counts"),
        ("cards", "0005_embedding"),
        ("lessons", "0005_embedding"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
