from importlib import import_module

from django.db import migrations

# The roles' migration grants what dealkennis.roles lists, now the accounts too.
create_roles = import_module("dealkennis.migrations.0002_roles").create_roles


class Migration(migrations.Migration):
    dependencies = [
        ("dealkennis", "0008_synonyms"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
