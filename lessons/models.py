"""The lesson model (the workshop's sections on top of what every knowledge item has) and its follow-ups."""

import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealkennis.classification import Level, Order
from dealkennis.models import KnowledgeItem, PlainTextFields
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


class FollowUpStatus(models.TextChoices):
    PROPOSED = "proposed", _("Voorgesteld")
    IN_PROGRESS = "in_progress", _("Bezig")
    DONE = "done", _("Gedaan")
    DROPPED = "dropped", _("Vervallen")


OPEN_STATUSES = (FollowUpStatus.PROPOSED, FollowUpStatus.IN_PROGRESS)
# An open follow-up this close to its date is listed for coordinators.
DUE_SOON = datetime.timedelta(days=30)


class FollowUpQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def due_soon(self, today=None):
        """Open, and past their date or within `DUE_SOON` of it; the most urgent first."""
        today = today or timezone.localdate()
        return self.open().filter(due_on__lte=today + DUE_SOON).order_by("due_on", "pk")


class FollowUp(PlainTextFields, models.Model):
    """What should change because of a lesson, and whether it did: the lesson's loop closed.

    The owner is free text, a role ("coördinator Green Deals") or a name: a
    follow-up often belongs to a role before anyone fills it, and an owner
    need not have an account. Pages show the owner to signed-in readers only.
    """

    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, related_name="followups", verbose_name=_("les")
    )
    description = models.TextField(_("wat moet er veranderen"), max_length=1000)
    order = models.CharField(
        _("orde"),
        max_length=10,
        choices=Order.choices,
        help_text=_("Een procedure (eerste orde), de doelen (tweede orde) of het systeem zelf (derde orde)."),
    )
    level = models.CharField(_("niveau"), max_length=20, choices=Level.choices)
    owner = models.CharField(
        _("wie trekt het"), max_length=200, blank=True, help_text=_("Een rol of een naam.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=FollowUpStatus.choices, default=FollowUpStatus.PROPOSED
    )
    due_on = models.DateField(_("klaar vóór"), null=True, blank=True)
    # Where the new practice is written down, once it is done: a card or a lesson.
    done_card = models.ForeignKey(
        "cards.Card",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastgelegd in kaart"),
    )
    done_lesson = models.ForeignKey(
        Lesson,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vastgelegd in les"),
    )
    closed_on = models.DateField(_("afgesloten op"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)

    objects = FollowUpQuerySet.as_manager()

    plain_text_fields = ("description", "owner")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("vervolgactie")
        verbose_name_plural = _("vervolgacties")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=FollowUpStatus.values), name="lessons_followup_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(order__in=Order.values), name="lessons_followup_order_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=Level.values), name="lessons_followup_level_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(description=""), name="lessons_followup_description_required"
            ),
            # One record of the new practice, and only once it is done.
            models.CheckConstraint(
                condition=models.Q(done_card__isnull=True) | models.Q(done_lesson__isnull=True),
                name="lessons_followup_one_done_item",
            ),
            models.CheckConstraint(
                condition=models.Q(status=FollowUpStatus.DONE)
                | models.Q(done_card__isnull=True, done_lesson__isnull=True),
                name="lessons_followup_done_item_only_when_done",
            ),
            models.CheckConstraint(
                condition=~models.Q(done_lesson=models.F("lesson")),
                name="lessons_followup_not_its_own_lesson",
            ),
        ]

    def __str__(self):
        return self.description[:80]

    def save(self, *args, **kwargs):
        # When the loop closed: set on done or dropped, cleared when reopened.
        if self.is_open:
            self.closed_on = None
        elif self.closed_on is None:
            self.closed_on = timezone.localdate()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        if self.done_card_id and self.done_lesson_id:
            errors["done_lesson"] = _("Kies één plek: een kaart of een les, niet allebei.")
        if (self.done_card_id or self.done_lesson_id) and self.status != FollowUpStatus.DONE:
            errors["status"] = _(
                "Een kaart of les die de nieuwe praktijk vastlegt, hoort bij een gedane actie."
            )
        if self.done_lesson_id and self.done_lesson_id == self.lesson_id:
            errors["done_lesson"] = _("Kies een andere les dan de les waar deze actie uit voortkomt.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_open(self):
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self):
        return self.is_open and self.due_on is not None and self.due_on < timezone.localdate()
