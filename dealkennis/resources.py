"""Import and export of cards and lessons (django-import-export).

Rows are matched on their slug: a known slug updates that item, a new one
creates it. Every error is reported per row in plain Dutch, and an import
with any error writes nothing.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from taggit.utils import edit_string_for_tags, parse_tags

from dealkennis.models import Deal, Programme
from dealkennis.workflow import can_publish

# Spreadsheet programs run a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class SlugWidget(widgets.ForeignKeyWidget):
    """A programme or deal by its slug, with a Dutch message when it is unknown."""

    def __init__(self, model, message):
        super().__init__(model, field="slug")
        self.message = message

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean((value or "").strip(), row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(self.message % {"value": value}) from None


class ChoiceWidget(widgets.CharWidget):
    def __init__(self, choices, label):
        super().__init__()
        self.choices = choices
        self.label = label

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if value and value not in self.choices.values:
            raise ValueError(
                _("“%(value)s” is geen geldige code voor %(label)s; kies uit: %(codes)s.")
                % {"value": value, "label": self.label, "codes": ", ".join(self.choices.values)}
            )
        return value


def neutralise_formula(value):
    """Make a cell that a spreadsheet would run as a formula inert text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def restore_formula(value):
    """Undo `neutralise_formula`, so exporting and importing again keeps the text."""
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


class KnowledgeItemResource(resources.ModelResource):
    programme = fields.Field(
        attribute="programme",
        column_name="programme",
        widget=SlugWidget(Programme, _("Onbekend programma “%(value)s”.")),
    )
    deal = fields.Field(
        attribute="deal",
        column_name="deal",
        widget=SlugWidget(Deal, _("Onbekende deal “%(value)s”.")),
    )
    tags = fields.Field(column_name="tags")

    common_fields = (
        "slug",
        "title",
        "summary",
        "body",
        "programme",
        "deal",
        "stream",
        "mode",
        "order",
        "level",
        "tags",
        "status",
        "visibility",
        "source",
    )

    class Meta:
        import_id_fields = ("slug",)
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen_slugs = set()
        from dealkennis.classification import Level, Mode, Order, Status, Stream, Visibility

        for name, choices in [
            ("stream", Stream),
            ("mode", Mode),
            ("order", Order),
            ("level", Level),
            ("status", Status),
            ("visibility", Visibility),
        ]:
            self.fields[name].widget = ChoiceWidget(choices, name)

    def before_import(self, dataset, **kwargs):
        self.seen_slugs = set()
        missing = [name for name in ("slug", "title", "programme") if name not in (dataset.headers or [])]
        if missing:
            raise ValidationError(
                _("Het bestand mist de kolom(men): %(columns)s.") % {"columns": ", ".join(missing)}
            )

    def before_import_row(self, row, **kwargs):
        for key, value in list(row.items()):
            row[key] = restore_formula(value)
        slug = (row.get("slug") or "").strip()
        if not slug:
            raise ValidationError({"slug": _("Elke rij heeft een slug nodig.")})
        if slug in self.seen_slugs:
            raise ValidationError(
                {"slug": _("De slug “%(slug)s” komt meer dan eens voor in het bestand.") % {"slug": slug}}
            )
        self.seen_slugs.add(slug)
        user = kwargs.get("user")
        if row.get("status") == "published" and user is not None and not can_publish(user, self._meta.model):
            raise ValidationError({"status": _("Alleen een coördinator mag items gepubliceerd importeren.")})

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        if instance.programme_id is None:
            raise ValidationError({"programme": _("Elke rij heeft een programma nodig.")})

    def save_m2m(self, instance, row, **kwargs):
        super().save_m2m(instance, row, **kwargs)
        instance.tags.set(parse_tags(row.get("tags") or ""))

    def dehydrate_tags(self, item):
        return edit_string_for_tags(list(item.tags.all()))

    def export_field(self, field, instance, **kwargs):
        return neutralise_formula(super().export_field(field, instance, **kwargs))

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("programme", "deal").prefetch_related("tags")
