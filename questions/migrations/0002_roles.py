from django.contrib.auth.management import create_permissions
from django.db import migrations

from dealkennis.roles import grant_roles


def grant(apps, schema_editor):
    # The roles exist (dealkennis 0002); give them this app's permissions,
    # which Django would otherwise create only after every migration ran.
    app_config = apps.get_app_config("questions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    grant_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("questions", "0001_initial"),
        ("dealkennis", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
