"""Import and export of cards and lessons (django-import-export).

Rows are matched on their slug: a known slug updates that item, a new one
creates it. Every error is reported per row in plain Dutch, and an import
with any error writes nothing.

Rows are checked one by one (values, the workflow rule, the model's own
checks), then written all at once (`write_items`): a few statements for
thousands of rows, where saving each item with its signals took a second per
30 rows. What `KnowledgeItem.save` and the signals keep in step (rendered
Markdown, search text, tag names, SearchWord, the vectors, the content version, the
contributor's mail) is done here for the whole batch, and one history
revision records the import.
"""

import copy
from dataclasses import dataclass

import reversion
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError
from django.db.models import BooleanField
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader
from import_export.results import Error
from reversion.models import Version
from taggit.utils import edit_string_for_tags, parse_tags

from dealkennis.bulk_writes import BATCH, database_message, resolve_tags, set_tags, update_in_bulk
from dealkennis.caching import ContentVersion
from dealkennis.classification import Level, Mode, Order, Status, Stream, Visibility
from dealkennis.forms import tag_length_error
from dealkennis.importing import cell_text, nul_message
from dealkennis.models import Deal, Programme
from dealkennis.search.suggestions import SearchWord, stored_vocabulary, vocabulary_of
from dealkennis.search.vectors import embed_after_commit
from dealkennis.workflow import check_change, stored_states

# Spreadsheet programs run a cell that starts with one of these as a formula,
# also after leading white space.
FORMULA_PREFIXES = ("=", "+", "-", "@")


def _formula_like(value):
    return value.lstrip().startswith(FORMULA_PREFIXES) or value[:1] in ("\t", "\r", "\n")


def _quoted(value):
    """Whether `value` is a neutralised cell: an apostrophe before what needed one."""
    return value.startswith("'") and (_formula_like(value[1:]) or _quoted(value[1:]))


def neutralise_formula(value):
    """Make a cell that a spreadsheet would run as a formula inert text.

    A cell that already looks neutralised gets one more apostrophe, so that
    `restore_formula` gives back exactly the original text.
    """
    if isinstance(value, str) and (_formula_like(value) or _quoted(value)):
        return "'" + value
    return value


def restore_formula(value):
    """Undo `neutralise_formula`, so exporting and importing again keeps the text."""
    if isinstance(value, str) and _quoted(value):
        return value[1:]
    return value


class SlugWidget(widgets.ForeignKeyWidget):
    """A programme or deal by its slug, with a Dutch message when it is unknown.

    Each slug is looked up once per import.
    """

    def __init__(self, model, message):
        super().__init__(model, field="slug")
        self.message = message
        self.found = {}

    def clean(self, value, row=None, **kwargs):
        slug = (value or "").strip()
        if not slug:
            return None
        if slug not in self.found:
            self.found[slug] = self.model.objects.filter(slug=slug).first()
        if self.found[slug] is None:
            raise ValueError(self.message % {"value": value})
        return self.found[slug]


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


@dataclass
class Pending:
    item: object
    new: bool
    tag_names: list | None  # None: the file has no tags column, so tags stay
    tags: list | None = None


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
        instance_loader_class = CachedInstanceLoader
        # Our own batch (`save_instance`, `write_items`); this setting also
        # spares each row the library's savepoint.
        use_bulk = True
        # Only a preview shows the changes (`preview=True`); computing them
        # when nobody sees them costs a third of a confirmation's time.
        skip_diff = True
        clean_model_instances = True
        use_transactions = True
        skip_unchanged = False

    def __init__(self, preview=False, **kwargs):
        super().__init__(**kwargs)
        if preview:
            self._meta = copy.copy(self._meta)
            self._meta.skip_diff = False
        self.seen_slugs = set()
        self.pending = []
        self.stored = {}
        for name, choices in [
            ("stream", Stream),
            ("mode", Mode),
            ("order", Order),
            ("level", Level),
            ("status", Status),
            ("visibility", Visibility),
        ]:
            self.fields[name].widget = ChoiceWidget(choices, name)

    def get_queryset(self):
        return super().get_queryset().defer("search_vector").select_related("programme", "deal")

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        if problem := self.unreadable(dataset):
            result = self.get_result_class()()
            result.append_base_error(Error(ValidationError(problem)))
            return result
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)

    def unreadable(self, dataset):
        """Why the library cannot even start on this file, or "".

        Rows without column names ([[1, 2]] in JSON) it cannot read, and it
        looks every slug up before any row is checked: PostgreSQL refuses a
        NUL byte in that query itself.
        """
        if not dataset.headers or not all(isinstance(name, str) for name in dataset.headers):
            return self.missing_columns_message(["slug"])
        for number, slug in enumerate(dataset["slug"] if "slug" in dataset.headers else (), 1):
            if isinstance(slug, str) and "\x00" in slug:
                return _("rij %(number)s: %(error)s") % {"number": number, "error": nul_message()}
        return ""

    @staticmethod
    def missing_columns_message(missing):
        return _("Het bestand mist de kolom(men): %(columns)s.") % {"columns": ", ".join(missing)}

    def before_import(self, dataset, **kwargs):
        self.seen_slugs = set()
        self.pending = []
        for name in ("programme", "deal"):
            self.fields[name].widget.found = {}
        missing = [name for name in ("slug", "title", "programme") if name not in dataset.headers]
        if missing:
            raise ValidationError(self.missing_columns_message(missing))
        self.stored = self.stored_states(dataset, lock=not kwargs.get("dry_run"))

    def stored_states(self, dataset, lock):
        """`stored_state` of every item the file names, read (and locked) in one statement.

        The workflow rule compares each row with these, as the database holds
        them; locked, nobody changes them before this import commits.
        """
        slugs = [self.fields["slug"].clean(row) for row in dataset.dict]
        return stored_states(self._meta.model._default_manager.filter(slug__in=slugs), lock)

    def yes_no_columns(self):
        return {field.name for field in self._meta.model._meta.fields if isinstance(field, BooleanField)}

    def before_import_row(self, row, **kwargs):
        problems = {}
        for key, value in list(row.items()):
            try:
                if isinstance(value, bool) and key not in self.yes_no_columns():
                    raise ValueError(_("Hier staat waar of onwaar; verwacht wordt een tekst of code."))
                row[key] = restore_formula(cell_text(value))
            except ValueError as error:
                problems[key] = str(error)
        if problems:
            raise ValidationError(problems)
        slug = (row.get("slug") or "").strip()
        if not slug:
            raise ValidationError({"slug": _("Elke rij heeft een slug nodig.")})
        if slug in self.seen_slugs:
            raise ValidationError(
                {"slug": _("De slug “%(slug)s” komt meer dan eens voor in het bestand.") % {"slug": slug}}
            )
        self.seen_slugs.add(slug)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if instance.programme_id is None and "programme" not in errors:
            errors["programme"] = [_("Elke rij heeft een programma nodig.")]
        instance.import_tag_names = None
        if "tags" in row:
            names = parse_tags(row.get("tags") or "")
            if message := tag_length_error(names):
                errors["tags"] = [message]
            instance.import_tag_names = names
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The widgets found the programme and deal already, the slugs are
        # unique within the file and matched to the database, and the
        # workflow check covers the rest: the per-row queries of Django's
        # foreign key, unique and constraint checks would only repeat them.
        # The database still enforces all of it when the batch is written.
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=[*errors, "programme", "deal"], validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        # The workflow rule, on the cleaned values against the stored row.
        user = kwargs.get("user") or operator()
        check_change(user, instance, self.stored.get(instance.pk))

    def save_instance(self, instance, is_create, row, **kwargs):
        self.before_save_instance(instance, row, **kwargs)
        self.pending.append(Pending(instance, is_create, instance.import_tag_names))

    def save_m2m(self, instance, row, **kwargs):
        """Tags are written with the batch (`write_items`)."""

    def after_import(self, dataset, result, **kwargs):
        # A preview checks every row and writes nothing: rendering and writing
        # thousands of items twice would double the wait. The confirmation
        # writes in one transaction, so a refusal there still leaves nothing.
        if (
            self.pending
            and not kwargs.get("dry_run")
            and not (result.has_errors() or result.has_validation_errors())
        ):
            try:
                self.write_items(kwargs.get("user"), kwargs.get("file_name"))
            except DatabaseError as error:
                raise ValueError(database_message(error)) from error
        super().after_import(dataset, result, **kwargs)

    def write_items(self, user, file_name):
        model = self._meta.model
        tags = resolve_tags({name for entry in self.pending for name in entry.tag_names or ()})
        now = timezone.now()
        for entry in self.pending:
            if entry.tag_names is not None:
                chosen = (tags[name.lower()] for name in entry.tag_names)
                entry.tags = list({tag.pk: tag for tag in chosen}.values())
                entry.item.set_search_tags(entry.tags)
            entry.item.prepare_for_save()
            entry.item.updated_at = now
        updated = [entry.item for entry in self.pending if not entry.new]
        self.keep_unversioned_state([item.pk for item in updated], user)
        words_before = stored_vocabulary(model, [item.pk for item in updated])
        model.objects.bulk_create([entry.item for entry in self.pending if entry.new], batch_size=BATCH)
        writable = [
            field.name
            for field in model._meta.concrete_fields
            # The vector is written after the commit (`embed_after_commit`), not from the row.
            if not field.primary_key and not field.generated and field.name not in ("created_at", "embedding")
        ]
        update_in_bulk(model, updated, writable)
        set_tags(model, {entry.item.pk: entry.tags for entry in self.pending if entry.tag_names is not None})
        # What `save` does to each audience's typo vocabulary, for the whole batch.
        SearchWord.replace(words_before, vocabulary_of(entry.item for entry in self.pending))
        embed_after_commit(model, [entry.item.pk for entry in self.pending])
        ContentVersion.bump()
        self.after_import_write(self.pending, self.stored)
        comment = _("Geïmporteerd uit %(file)s") % {"file": file_name or _("een bestand")}
        self.record_revision([entry.item.pk for entry in self.pending], user, comment)

    def after_import_write(self, pending, stored):
        """What an item type does after a batch is written without signals; `stored` holds the rows before."""

    def keep_unversioned_state(self, pks, user):
        """Record items that have no history yet as they are, so the import can be undone."""
        model = self._meta.model
        versions = Version.objects.get_for_model(model).filter(object_id__in=[str(pk) for pk in pks])
        versioned = set(versions.values_list("object_id", flat=True))
        self.record_revision([pk for pk in pks if str(pk) not in versioned], user, _("Stand vóór een import"))

    def record_revision(self, pks, user, comment):
        if not pks:
            return
        model = self._meta.model
        with reversion.create_revision():
            reversion.set_user(user)
            reversion.set_comment(comment)
            for start in range(0, len(pks), BATCH):
                for item in model.objects.filter(pk__in=pks[start : start + BATCH]):
                    reversion.add_to_revision(item)

    def dehydrate_tags(self, item):
        return edit_string_for_tags(list(item.tags.all()))

    def export_field(self, field, instance, **kwargs):
        return neutralise_formula(super().export_field(field, instance, **kwargs))

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("programme", "deal").prefetch_related("tags")


def operator():
    """Who imports when no user is named: the operator at the command line, with every right.

    The workflow's order of steps and its requirements for publishing still apply.
    """
    return get_user_model()(is_active=True, is_superuser=True)
