"""The lesson model: the workshop's sections on top of what every knowledge item has."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dealkennis.models import KnowledgeItem
from dealkennis.search.text import weighted_search_vector


class SourceKind(models.TextChoices):
    ESSAY = "essay", _("Essay of rapport")
    WORKSHOP = "workshop", _("Workshop")
    INTERVIEW = "interview", _("Interview")
    EVALUATION = "evaluation", _("Evaluatie")
    COMMUNITY = "community", _("Community-of-practicesessie")
    AUDIT = "audit", _("Auditrapport")
    PRACTICE = "practice", _("Eigen praktijk")


class Lesson(KnowledgeItem):
    """One learning experience from deal practice."""

    insight = models.TextField(_("wat maakte het leerzaam"), blank=True)
    reflection = models.TextField(_("heb je er genoeg uit gehaald"), blank=True)
    change = models.TextField(_("wat veranderde erdoor"), blank=True)
    takeaway = models.TextField(_("wat anderen ervan kunnen leren"), blank=True)
    source_kind = models.CharField(
        _("soort bron"), max_length=20, choices=SourceKind.choices, default=SourceKind.ESSAY
    )
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contributed_lessons",
        verbose_name=_("ingebracht door"),
    )
    # Written in the review queue; the contributor reads it on "Mijn inzendingen".
    review_note = models.TextField(_("opmerking voor de inzender"), blank=True, max_length=2000)

    search_vector = models.GeneratedField(
        expression=weighted_search_vector(
            A=["title", "search_tags"],
            B=["summary"],
            C=["body_text", "insight", "takeaway"],
            D=["change", "search_context"],
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta(KnowledgeItem.Meta):
        verbose_name = _("les")
        verbose_name_plural = _("lessen")
        permissions = [("publish_lesson", _("Mag lessen publiceren"))]
        constraints = [
            *KnowledgeItem.Meta.constraints,
            models.CheckConstraint(
                condition=models.Q(source_kind__in=SourceKind.values),
                name="lessons_lesson_source_kind_valid",
            ),
        ]

    plain_text_fields = (*KnowledgeItem.plain_text_fields, "insight", "reflection", "change", "takeaway")

    def get_absolute_url(self):
        return reverse("lesson-detail", args=[self.slug])
