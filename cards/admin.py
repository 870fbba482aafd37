"""The admin of cards: the shared knowledge-item admin with the card's own fields and checks."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cards.models import Card
from cards.resources import CardResource
from dealkennis.admin import KnowledgeItemAdmin


@admin.register(Card)
class CardAdmin(KnowledgeItemAdmin):
    resource_classes = [CardResource]
    # Named by the question, as everywhere else (KnowledgeItem.name_field).
    list_display = ["question", *KnowledgeItemAdmin.list_display[1:], "review_due"]
    list_filter = [*KnowledgeItemAdmin.list_filter, "awaiting_check", "review_due"]
    search_fields = [*KnowledgeItemAdmin.search_fields, "question", "answer"]
    autocomplete_fields = ["deal", "lessons"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "question",
                    "answer",
                    "summary",
                    "body",
                    "learn_more",
                    "loaded_version",
                ]
            },
        ),
        KnowledgeItemAdmin.classification_fieldset,
        (_("Achtergrond"), {"fields": ["lessons", "starter_rank"]}),
        (_("Actualiteit"), {"fields": ["awaiting_check", "last_checked", "review_due"]}),
        KnowledgeItemAdmin.publication_fieldset,
    ]
