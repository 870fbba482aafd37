import reversion
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from dealkennis.classification import Status
from dealkennis.importing import SafeImportMixin
from dealkennis.models import Deal, Programme
from dealkennis.workflow import can_publish, check_transition

admin.site.site_header = _("Dealkennis beheer")
admin.site.site_title = _("Dealkennis beheer")
admin.site.index_title = _("Kaarten, lessen en programma's beheren")


class DealInline(admin.TabularInline):
    model = Deal
    extra = 0
    fields = ["name", "slug", "signed_on", "ended_on"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "ministries"]
    search_fields = ["name", "ministries"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DealInline]


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin):
    list_display = ["name", "programme", "signed_on", "ended_on"]
    list_filter = ["programme"]
    search_fields = ["name", "partners"]
    list_select_related = ["programme"]
    prepopulated_fields = {"slug": ["name"]}


class ConcurrentEditForm(forms.ModelForm):
    """Refuses to save over changes someone else made after this form was opened.

    Optimistic locking on `updated_at`: two coordinators editing one lesson
    never silently overwrite each other; the second is told and keeps the form.
    """

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)
    # Restoring an earlier version first writes that version back, so the
    # stored timestamp always differs there; the restore is the edit.
    check_conflicts = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["loaded_version"] = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and self.check_conflicts:
            current = (
                type(self.instance)
                .objects.filter(pk=self.instance.pk)
                .values_list("updated_at", flat=True)
                .first()
            )
            if current is not None and cleaned.get("loaded_version") != current.isoformat():
                raise forms.ValidationError(
                    _(
                        "Iemand anders heeft dit item gewijzigd nadat jij het opende. Jouw wijzigingen "
                        "zijn niet opgeslagen; open het item opnieuw in een ander tabblad, vergelijk en "
                        "neem je wijzigingen daar over."
                    ),
                    code="conflict",
                )
        return cleaned


STATUS_SYMBOLS = {
    Status.DRAFT: "✎",
    Status.REVIEW: "⧗",
    Status.PUBLISHED: "✔",
    Status.ARCHIVED: "▣",
}


class KnowledgeItemAdmin(SafeImportMixin, VersionAdmin):
    """What the admin of cards and lessons shares: lists, workflow, history, import."""

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
    form = ConcurrentEditForm
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
        request.restoring_version = True
        return super().revision_view(request, object_id, version_id, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.check_conflicts = not getattr(request, "restoring_version", False)
        if not can_publish(request.user, self.model) and "status" in form.base_fields:
            # Editors see only the statuses they may choose.
            field = form.base_fields["status"]
            allowed = {Status.DRAFT, Status.REVIEW}
            if obj is not None:
                allowed.add(Status(obj.status))
            field.choices = [(value, label) for value, label in field.choices if value in allowed]
        return form

    def save_model(self, request, obj, form, change):
        old_status = form.initial.get("status", Status.DRAFT) if change else Status.DRAFT
        try:
            check_transition(request.user, obj, old_status, obj.status)
        except ValidationError as error:
            raise PermissionDenied(error.messages[0]) from error
        super().save_model(request, obj, form, change)

    def get_queryset(self, request):
        return super().get_queryset(request).without_search_fields()

    def has_publish_permission(self, request):
        return can_publish(request.user, self.model)

    def _move(self, request, queryset, new_status, done_message):
        moved, refused = 0, []
        for item in queryset:
            try:
                check_transition(request.user, item, item.status, new_status)
            except (ValidationError, PermissionDenied) as error:
                refused.append(f"{item}: {' '.join(getattr(error, 'messages', [str(error)]))}")
                continue
            with reversion.create_revision():
                item.status = new_status
                item.save()
                reversion.set_user(request.user)
                reversion.set_comment(str(done_message))
            moved += 1
        if moved:
            self.message_user(request, f"{done_message}: {moved}", messages.SUCCESS)
        for refusal in refused:
            self.message_user(request, refusal, messages.WARNING)

    @admin.action(description=_("Publiceren"), permissions=["publish"])
    def publish(self, request, queryset):
        self._move(request, queryset, Status.PUBLISHED, _("Gepubliceerd"))

    @admin.action(description=_("Terugzetten naar concept"), permissions=["change"])
    def send_back_to_draft(self, request, queryset):
        self._move(request, queryset, Status.DRAFT, _("Teruggezet naar concept"))

    @admin.action(description=_("Archiveren"), permissions=["publish"])
    def archive(self, request, queryset):
        self._move(request, queryset, Status.ARCHIVED, _("Gearchiveerd"))
