"""Import and export of lessons, and the contributor mail for lessons an import moved."""

from dealkennis.resources import KnowledgeItemResource
from lessons import notifications
from lessons.models import Lesson


class LessonResource(KnowledgeItemResource):
    class Meta(KnowledgeItemResource.Meta):
        model = Lesson
        fields = KnowledgeItemResource.common_fields + (
            "insight",
            "reflection",
            "change",
            "takeaway",
            "source_kind",
        )
        export_order = fields

    def after_import_write(self, pending, stored):
        """The mail a status change sends on `save`, for the lessons the batch moved."""
        for entry in pending:
            before = stored.get(entry.item.pk)
            if before and before.status != entry.item.status and entry.item.contributor_id:
                notifications.status_changed(Lesson, entry.item.pk, before.status)
