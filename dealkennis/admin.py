"""The admin the core owns: programmes and deals, and the shared admin and form of every knowledge item."""

from contextlib import contextmanager

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin
from reversion.models import Version
from taggit.managers import TaggableManager

from dealkennis.classification import Status
from dealkennis.forms import BoundedTagField
from dealkennis.importing import SafeImportMixin
from dealkennis.models import Deal, KnowledgeItem, Programme
from dealkennis.search.synonyms import SynonymGroup
from dealkennis.workflow import COORDINATOR_STATUSES, can_publish, check_change, stored_state, stored_states

admin.site.site_header = _("Dealkennis beheer")
admin.site.site_title = _("Dealkennis beheer")
admin.site.index_title = _("Kaarten, lessen en programma's beheren")


class SelectionCheckMixin:
    def response_action(self, request, queryset):
        # Django filters on the posted ids as they are: one that is no number
        # would be a 500. Refusing it sends the list back with this message.
        if not all(value.isdecimal() for value in request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)):
            self.message_user(
                request, _("Deze keuze van items is ongeldig; kies ze opnieuw in de lijst."), messages.ERROR
            )
            return None
        return super().response_action(request, queryset)


class DealInline(admin.TabularInline):
    model = Deal
    extra = 0
    fields = ["name", "slug", "signed_on", "ended_on"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Programme)
class ProgrammeAdmin(SelectionCheckMixin, admin.ModelAdmin):
    list_display = ["name", "ministries"]
    search_fields = ["name", "ministries"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DealInline]


@admin.register(Deal)
class DealAdmin(SelectionCheckMixin, admin.ModelAdmin):
    list_display = ["name", "programme", "signed_on", "ended_on"]
    list_filter = ["programme"]
    search_fields = ["name", "partners"]
    list_select_related = ["programme"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(SynonymGroup)
class SynonymGroupAdmin(SelectionCheckMixin, admin.ModelAdmin):
    list_display = ["terms", "updated_at"]
    search_fields = ["terms"]
    fields = ["terms"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "terms":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 3, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class KnowledgeItemForm(forms.ModelForm):
    """The admin form of cards and lessons: it saves only what the workflow allows.

    Both of its checks read the item's row locked (the admin saves inside one
    transaction), so of two saves racing on one item the second waits for the
    first and is then checked against what the first wrote.
    """

    # Optimistic locking on `updated_at`: two people editing one item never
    # silently overwrite each other; the second is told and keeps the form.
    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)
    # Set by the admin for each request (see KnowledgeItemAdmin.get_form).
    user = None
    # A history restore or recover has written the old version back before the
    # form is checked; `restored_over` is the row as it was before that (None
    # when there was none). The restore itself is the edit, so there is no
    # stale form to detect.
    restoring = False
    restored_over = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["loaded_version"] = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        if self.restoring:
            self.before = self.restored_over
        else:
            self.before = stored_state(self.instance, lock=True)
            if self.before is not None:
                self.refuse_stale_form(cleaned)
        return cleaned

    def refuse_stale_form(self, cleaned):
        current = type(self.instance).objects.filter(pk=self.instance.pk).values_list("updated_at", flat=True)
        if cleaned.get("loaded_version") != current[0].isoformat():
            raise forms.ValidationError(
                _(
                    "Iemand anders heeft dit item gewijzigd nadat jij het opende. Jouw wijzigingen "
                    "zijn niet opgeslagen; open het item opnieuw in een ander tabblad, vergelijk en "
                    "neem je wijzigingen daar over."
                ),
                code="conflict",
            )

    def _post_clean(self):
        super()._post_clean()  # the instance now holds the submitted values
        if self.errors:
            return
        try:
            check_change(self.user, self.instance, self.before)
        except ValidationError as refusal:
            self.add_error(None if hasattr(refusal, "error_dict") else self.refused_field(), refusal)

    def refused_field(self):
        """The field a refusal is about: the status if it changed, else the visibility."""
        status_changed = self.before is None or self.before.status != self.instance.status
        field = "status" if status_changed else "visibility"
        return field if field in self.fields else None


class NumericSelection:
    def optgroups(self, name, value, attr=None):
        # Django looks up the posted ids as they are to show the form again:
        # one that is no number would be a 500 instead of the field's error.
        return super().optgroups(name, [v for v in value if str(v).isdecimal()], attr)


class ItemAutocompleteSelect(NumericSelection, AutocompleteSelect):
    pass


class ItemAutocompleteSelectMultiple(NumericSelection, AutocompleteSelectMultiple):
    pass


class ItemChangeList(ChangeList):
    def get_filters(self, request):
        # Django turns a date filter's ValueError into its "invalid filter"
        # answer (?e=1), but a year too large for a date overflows instead.
        try:
            return super().get_filters(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


STATUS_SYMBOLS = {
    Status.DRAFT: "✎",
    Status.REVIEW: "⧗",
    Status.PUBLISHED: "✔",
    Status.ARCHIVED: "▣",
}


class KnowledgeItemAdmin(SelectionCheckMixin, SafeImportMixin, VersionAdmin):
    """What the admin of cards and lessons shares: lists, workflow, history, import."""

    def reversion_register(self, model, **kwargs):
        # The vector is derived from the text (and made again after a restore):
        # 384 numbers in every version would only make the history heavy.
        super().reversion_register(model, exclude=("embedding",), **kwargs)

    list_display = [
        "title",
        "programme",
        "classification",
        "status_badge",
        "visibility",
        "updated_at",
    ]
    list_filter = ["status", "visibility", "programme", "stream", "mode", "order", "level", "tags"]
    list_select_related = ["programme"]
    search_fields = ["title", "summary", "body", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["deal"]
    date_hierarchy = "updated_at"
    actions = ["publish", "send_back_to_draft", "archive"]
    form = KnowledgeItemForm
    formfield_overrides = {TaggableManager: {"form_class": BoundedTagField}}
    classification_fieldset = (
        _("Classificatie"),
        {"fields": ["programme", "deal", ("stream", "mode"), ("order", "level"), "tags"]},
    )
    publication_fieldset = (_("Publicatie"), {"fields": [("status", "visibility"), "source"]})

    @admin.display(description=_("classificatie"))
    def classification(self, item):
        parts = [
            item.get_stream_display(),
            item.get_mode_display(),
            item.get_order_display(),
            item.get_level_display(),
        ]
        return " · ".join(part for part in parts if part) or _("(nog niet ingedeeld)")

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, item):
        return format_html(
            '<span class="status-badge status-{}">{} {}</span>',
            item.status,
            STATUS_SYMBOLS[Status(item.status)],
            item.get_status_display(),
        )

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = get_object_or_404(self.versions(), pk=version_id)
        with self.restoring(request, version) as refused:
            return refused or super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        version = get_object_or_404(self.versions(), pk=version_id)
        with self.restoring(request, version) as refused:
            return refused or super().recover_view(request, version_id, extra_context)

    def versions(self):
        return Version.objects.get_for_model(self.model)

    @contextmanager
    def restoring(self, request, version):
        """Keep the row that a history restore or recover writes over, locked till the end.

        django-reversion writes the old version back before the form is shown
        or checked, so the workflow must compare with the row as it was before.
        """
        with transaction.atomic():
            lock = request.method == "POST"
            request.restored_over = stored_state(self.model(pk=version.object_id), lock=lock)
            yield self.refuse_restoring_others(request, version, lock)

    def refuse_restoring_others(self, request, version, lock):
        """A redirect with a message when the restore would change another item against the workflow.

        django-reversion writes back the whole revision, and an import records
        all its items in one: each of the others must pass the rule too.
        """
        others = [
            other._object_version.object for other in version.revision.version_set.exclude(pk=version.pk)
        ]
        items = [item for item in others if isinstance(item, KnowledgeItem)]
        # One statement per model for the whole revision (an import holds thousands).
        stored = {}
        for model in {type(item) for item in items}:
            pks = [item.pk for item in items if type(item) is model]
            stored[model] = stored_states(model._default_manager.filter(pk__in=pks), lock)
        for item in items:
            try:
                check_change(request.user, item, stored[type(item)].get(item.pk))
            except ValidationError as refusal:
                message = _(
                    "Deze versie hoort bij een wijziging van meer items; terugzetten zou ook "
                    "“%(item)s” wijzigen. %(refusal)s"
                )
                self.message_user(
                    request,
                    message % {"item": item, "refusal": " ".join(refusal.messages)},
                    messages.ERROR,
                )
                opts = self.model._meta
                return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        return None

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        form.restoring = hasattr(request, "restored_over")
        if form.restoring:
            form.restored_over = request.restored_over
        if not can_publish(request.user, self.model) and "status" in form.base_fields:
            # Editors see only the statuses they may choose, given the stored row.
            before = form.restored_over if form.restoring else obj and stored_state(obj)
            allowed = set(Status) - COORDINATOR_STATUSES
            if before is not None:
                allowed.add(Status(before.status))
            field = form.base_fields["status"]
            field.choices = [(value, label) for value, label in field.choices if value in allowed]
        return form

    def get_queryset(self, request):
        return super().get_queryset(request).without_search_fields()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ItemAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = ItemAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_changelist(self, request, **kwargs):
        return ItemChangeList

    def has_publish_permission(self, request):
        return can_publish(request.user, self.model)

    def _move(self, request, queryset, new_status, done_message):
        moved, refused = 0, []
        for item in queryset:
            try:
                with transaction.atomic(), reversion.create_revision():
                    before = stored_state(item, lock=True)  # waits for a save in progress
                    if before is None:
                        continue  # deleted meanwhile
                    item.refresh_from_db()
                    if item.status == new_status:
                        continue
                    item.status = new_status
                    check_change(request.user, item, before)
                    item.save()
                    reversion.set_user(request.user)
                    reversion.set_comment(str(done_message))
            except ValidationError as refusal:
                refused.append(self.refusal_message(item, refusal))
                continue
            moved += 1
        if moved:
            self.message_user(request, f"{done_message}: {moved}", messages.SUCCESS)
        for refusal in refused:
            self.message_user(request, refusal, messages.WARNING)

    @staticmethod
    def refusal_message(item, refusal):
        if hasattr(refusal, "error_dict"):  # classification missing: name the fields
            fields = ", ".join(str(item._meta.get_field(name).verbose_name) for name in refusal.error_dict)
            return _("%(item)s: nog niet ingedeeld op %(fields)s. Vul dit in voordat je publiceert.") % {
                "item": item,
                "fields": fields,
            }
        return f"{item}: {' '.join(refusal.messages)}"

    @admin.action(description=_("Publiceren"), permissions=["publish"])
    def publish(self, request, queryset):
        self._move(request, queryset, Status.PUBLISHED, _("Gepubliceerd"))

    @admin.action(description=_("Terugzetten naar concept"), permissions=["change"])
    def send_back_to_draft(self, request, queryset):
        self._move(request, queryset, Status.DRAFT, _("Teruggezet naar concept"))

    @admin.action(description=_("Archiveren"), permissions=["publish"])
    def archive(self, request, queryset):
        self._move(request, queryset, Status.ARCHIVED, _("Gearchiveerd"))
