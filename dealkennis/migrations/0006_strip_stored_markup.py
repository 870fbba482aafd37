from django.db import migrations
from django.db.models import Q

from dealkennis.markdown import plain_text

# The plain-text fields as they stood when this migration was written.
PLAIN_TEXT_FIELDS = {
    ("dealkennis", "Programme"): ("name", "ministries", "description"),
    ("dealkennis", "Deal"): ("name", "partners", "description"),
    ("cards", "Card"): ("title", "summary", "source", "question", "answer"),
    ("lessons", "Lesson"): ("title", "summary", "source", "insight", "reflection", "change", "takeaway"),
}


def strip_stored_markup(apps, schema_editor):
    """Strip what earlier code stored: entities decoded into tags, and programme
    and deal texts that were never stripped."""
    for (app_label, model_name), fields in PLAIN_TEXT_FIELDS.items():
        model = apps.get_model(app_label, model_name)
        suspect = Q()
        for field in fields:
            suspect |= Q(**{f"{field}__contains": "<"}) | Q(**{f"{field}__contains": "&"})
        for row in model.objects.filter(suspect).only("pk", *fields).iterator():
            changed = {}
            for field in fields:
                value = plain_text(getattr(row, field))
                if field in ("name", "title") and (
                    not value or (field == "name" and model.objects.filter(name=value).exists())
                ):
                    # Required, or unique: keep the text, with its brackets made harmless.
                    value = getattr(row, field).replace("<", "‹").replace(">", "›")
                if value != getattr(row, field):
                    changed[field] = value
            if changed:
                model.objects.filter(pk=row.pk).update(**changed)


class Migration(migrations.Migration):
    dependencies = [
        ("dealkennis", "0005_tag_walk_index"),
        ("cards", "0003_narrow_rows"),
        ("lessons", "0003_narrow_rows"),
    ]

    operations = [migrations.RunPython(strip_stored_markup, migrations.RunPython.noop)]
