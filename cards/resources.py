"""Import and export of cards: the card's own columns on the shared resource (dealkennis.resources)."""

from cards.models import Card
from dealkennis.resources import KnowledgeItemResource


class CardResource(KnowledgeItemResource):
    class Meta(KnowledgeItemResource.Meta):
        model = Card
        fields = KnowledgeItemResource.common_fields + (
            "question",
            "answer",
            "learn_more",
            "awaiting_check",
            "last_checked",
            "review_due",
        )
        export_order = fields
