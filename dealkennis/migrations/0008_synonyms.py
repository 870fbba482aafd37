from importlib import import_module

from django.db import migrations, models

# The roles' migration grants what dealkennis.roles lists, now the synonyms too.
create_roles = import_module("dealkennis.migrations.0002_roles").create_roles


class Migration(migrations.Migration):
    dependencies = [
        ("dealkennis", "0007_search_words_per_audience"),
        ("dealkennis", "0002_roles"),
    ]

    operations = [
        migrations.CreateModel(
            name="SynonymGroup",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "terms",
                    models.CharField(
                        help_text=(
                            "Woorden of woordgroepen met dezelfde betekenis, gescheiden door komma's, bijvoorbeeld: "
                            "BZK, Binnenlandse Zaken. Wie op één ervan zoekt, vindt ook de andere. Hoofdletters en "
                            "accenten tellen niet mee; tussen aanhalingstekens wordt niet uitgebreid."
                        ),
                        max_length=2000,
                        verbose_name="termen",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="gewijzigd op")),
            ],
            options={
                "verbose_name": "synoniemgroep",
                "verbose_name_plural": "synoniemen",
                "ordering": ["terms"],
            },
        ),
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
