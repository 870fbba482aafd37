from dealkennis.resources import KnowledgeItemResource
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
