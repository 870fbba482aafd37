from django.contrib.auth.management import create_permissions
from django.db import migrations

from dealkennis.roles import ROLE_PERMISSIONS, grant_roles


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; these roles
    # need them now, so create them first (it is idempotent).
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    grant_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dealkennis", "0001_initial"),
        ("cards", "0001_initial"),
        ("lessons", "0001_initial"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
