"""The admin of lessons (the shared item admin with their sections and contributor) and of follow-ups."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from reversion.admin import VersionAdmin

from dealkennis.admin import KnowledgeItemAdmin
from lessons.models import FollowUp, Lesson
from lessons.resources import LessonResource


@admin.register(Lesson)
class LessonAdmin(KnowledgeItemAdmin):
    resource_classes = [LessonResource]
    list_filter = [*KnowledgeItemAdmin.list_filter, "source_kind"]
    search_fields = [*KnowledgeItemAdmin.search_fields, "insight", "takeaway"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "summary",
                    "body",
                    "insight",
                    "reflection",
                    "change",
                    "takeaway",
                    "loaded_version",
                ]
            },
        ),
        (_("Vervolgacties"), {"fields": ["followups_overview"]}),
        KnowledgeItemAdmin.classification_fieldset,
        (
            KnowledgeItemAdmin.publication_fieldset[0],
            {"fields": [("status", "visibility"), ("source_kind", "source"), "contributor", "review_note"]},
        ),
    ]
    # Set by the share form only: the contributor sees the lesson on "Mijn
    # inzendingen" and gets mail about it, so the admin cannot hand a lesson
    # (a draft, say) to someone else.
    readonly_fields = ["contributor", "followups_overview"]

    # The follow-ups are kept in their own admin rather than inline: a lesson's
    # history restore would otherwise also revert (and delete) its follow-ups,
    # and each follow-up gets a history of its own.
    @admin.display(description=_("wat moet er door deze les veranderen"))
    def followups_overview(self, lesson):
        if lesson.pk is None:
            return _("Bewaar de les eerst; daarna kun je hier vervolgacties toevoegen.")
        rows = format_html_join(
            "",
            '<li><a href="{}">{}</a> — {}{}</li>',
            (
                (
                    reverse("admin:lessons_followup_change", args=[followup.pk]),
                    followup.description,
                    followup.get_status_display(),
                    f", {followup.due_on:%d-%m-%Y}" if followup.due_on else "",
                )
                for followup in lesson.followups.order_by("pk")
            ),
        )
        add_url = f"{reverse('admin:lessons_followup_add')}?lesson={lesson.pk}"
        return format_html(
            '<ul class="followup-overview">{}</ul><a class="addlink" href="{}">{}</a>',
            rows,
            add_url,
            _("Vervolgactie toevoegen"),
        )


@admin.register(FollowUp)
class FollowUpAdmin(VersionAdmin):
    """Follow-ups of lessons: what should change, who owns it and whether it happened."""

    list_display = ["description", "lesson", "status", "order", "level", "owner", "due_on", "closed_on"]
    list_filter = ["status", "order", "level", "due_on"]
    list_select_related = ["lesson"]
    search_fields = ["description", "owner", "lesson__title"]
    autocomplete_fields = ["lesson", "done_card", "done_lesson"]
    date_hierarchy = "due_on"
    fields = [
        "lesson",
        "description",
        ("order", "level"),
        ("owner", "due_on"),
        "status",
        ("done_card", "done_lesson"),
        "closed_on",
    ]
    readonly_fields = ["closed_on"]

    def get_queryset(self, request):
        return super().get_queryset(request).defer("lesson__search_vector", "lesson__embedding")

    def response_add(self, request, obj, post_url_continue=None):
        return self._back_to_lesson(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        return self._back_to_lesson(request, obj) or super().response_change(request, obj)

    def _back_to_lesson(self, request, obj):
        """Saved from a lesson's page: back to that lesson, as an inline would."""
        plain_save = not {"_continue", "_addanother", "_saveasnew"} & set(request.POST)
        if plain_save and request.user.has_perm("lessons.change_lesson"):
            return HttpResponseRedirect(reverse("admin:lessons_lesson_change", args=[obj.lesson_id]))
        return None
