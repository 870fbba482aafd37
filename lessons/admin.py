"""The admin of lessons: the shared knowledge-item admin with the lesson's sections and its contributor."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dealkennis.admin import KnowledgeItemAdmin
from lessons.models import FollowUp, Lesson
from lessons.resources import LessonResource


class FollowUpInline(admin.StackedInline):
    """What should change because of the lesson; saved with it, so its history holds them too."""

    model = FollowUp
    fk_name = "lesson"
    extra = 0
    fields = [
        ("description",),
        ("order", "level"),
        ("owner", "due_on"),
        "status",
        ("done_card", "done_lesson"),
    ]
    autocomplete_fields = ["done_card", "done_lesson"]
    verbose_name_plural = _("vervolgacties: wat moet er door deze les veranderen?")


@admin.register(Lesson)
class LessonAdmin(KnowledgeItemAdmin):
    resource_classes = [LessonResource]
    inlines = [FollowUpInline]
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
        KnowledgeItemAdmin.classification_fieldset,
        (
            KnowledgeItemAdmin.publication_fieldset[0],
            {"fields": [("status", "visibility"), ("source_kind", "source"), "contributor", "review_note"]},
        ),
    ]
    # Set by the share form only: the contributor sees the lesson on "Mijn
    # inzendingen" and gets mail about it, so the admin cannot hand a lesson
    # (a draft, say) to someone else.
    readonly_fields = ["contributor"]
