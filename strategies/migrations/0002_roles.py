from django.contrib.auth.management import create_permissions
from django.db import migrations

from dealkennis.roles import grant_roles


def grant_new_permissions(apps, schema_editor):
    # The roles exist (dealkennis.0002); add what they may do with strategies
    # and follow-ups. Permissions are normally created after all migrations.
    for label in ("lessons", "strategies"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    grant_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("strategies", "0001_initial"),
        ("lessons", "0006_followups"),
        ("dealkennis", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant_new_permissions, migrations.RunPython.noop)]
