"""A learning strategy: how a network (a programme, or one deal) means to learn, on purpose.

The essay behind Dealkennis advises every network to write down three things:
how learning takes shape (the five streams, experiential and deliberate), what
it can learn from other networks (orders x levels) and how learning becomes
part of the work. The choices are stored as arrays of the classification's
codes, pinned by CheckConstraints, so a strategy and the cards and lessons that
show a choice in practice speak the same vocabulary.
"""

import datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from dealkennis.classification import Level, Mode, Order, Status, Stream, Visibility
from dealkennis.markdown import render_markdown

# A strategy is a draft or published; review and archive are the items' steps.
STATUSES = (Status.DRAFT, Status.PUBLISHED)
# The essay asks for a strategy that is kept up to date: once a year at least.
REVIEW_INTERVAL = datetime.timedelta(days=365)


def cell_code(order, level):
    return f"{order}-{level}"


# The six cells of the order x level table, "first-task" and so on.
CELLS = {cell_code(order, level): (order, level) for order in Order for level in Level}
CELL_CHOICES = [(code, f"{order.label} × {level.label}") for code, (order, level) in CELLS.items()]

# The three questions, in the order the page and the form ask them.
ANSWER_FIELDS = ("how_learning", "from_others", "into_work")


def _codes_valid(field, codes):
    return models.CheckConstraint(
        condition=models.Q(**{f"{field}__contained_by": list(codes)}),
        name=f"strategies_learningstrategy_{field}_valid",
    )


class LearningStrategyQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)

    def visible_to(self, user):
        """The rule of cards and lessons: signed-in readers see internal published strategies too."""
        published = self.published()
        if user is not None and user.is_authenticated:
            return published
        return published.filter(visibility=Visibility.PUBLIC)

    def previewable_by(self, user):
        """Staff who may view strategies in the admin see drafts on the site too."""
        if user is not None and user.is_staff and user.has_perm("strategies.view_learningstrategy"):
            return self
        return self.visible_to(user)

    def in_order(self):
        """By programme, the programme's own strategy before its deals'.

        Not the model's default ordering: the workflow locks a strategy's row
        (FOR UPDATE), which an ordering through the nullable deal would refuse.
        """
        return self.order_by("programme__name", models.F("deal__name").asc(nulls_first=True))

    def review_overdue(self):
        """Never reviewed, or reviewed more than a year ago."""
        year_ago = timezone.localdate() - REVIEW_INTERVAL
        return self.filter(models.Q(reviewed_on__isnull=True) | models.Q(reviewed_on__lt=year_ago))


class LearningStrategy(models.Model):
    programme = models.ForeignKey(
        "dealkennis.Programme",
        on_delete=models.PROTECT,
        related_name="learning_strategies",
        verbose_name=_("programma"),
    )
    deal = models.ForeignKey(
        "dealkennis.Deal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="learning_strategies",
        verbose_name=_("deal"),
        help_text=_("Leeg laten voor een strategie van het hele programma."),
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True, blank=True)

    how_learning = models.TextField(
        _("Hoe krijgt het leren vorm?"),
        max_length=20000,
        blank=True,
        help_text=_(
            "In het netwerk en in de eigen organisaties: welke leerstromingen zet je bewust in, "
            "wat leer je al doende en wat organiseer je met opzet? Markdown mag."
        ),
    )
    how_learning_html = models.TextField(editable=False, blank=True)
    from_others = models.TextField(
        _("Wat kan het netwerk leren van andere netwerken?"),
        max_length=20000,
        blank=True,
        help_text=_(
            "Welke ordes en niveaus zijn voor jullie het belangrijkst, en van welke programma's "
            "of deals wil je leren? Markdown mag."
        ),
    )
    from_others_html = models.TextField(editable=False, blank=True)
    into_work = models.TextField(
        _("Hoe wordt leren deel van het werk?"),
        max_length=20000,
        blank=True,
        help_text=_(
            "Vaste momenten, rollen en werkvormen in het netwerk, en hoe lessen hun weg vinden "
            "naar de thuisorganisaties. Markdown mag."
        ),
    )
    into_work_html = models.TextField(editable=False, blank=True)

    streams = ArrayField(
        models.CharField(max_length=20, choices=Stream.choices),
        default=list,
        blank=True,
        verbose_name=_("leerstromingen"),
    )
    modes = ArrayField(
        models.CharField(max_length=20, choices=Mode.choices),
        default=list,
        blank=True,
        verbose_name=_("leervormen"),
    )
    cells = ArrayField(
        models.CharField(max_length=30, choices=CELL_CHOICES),
        default=list,
        blank=True,
        verbose_name=_("ordes × niveaus"),
    )

    status = models.CharField(
        _("status"),
        max_length=20,
        choices=[(status.value, status.label) for status in STATUSES],
        default=Status.DRAFT,
    )
    visibility = models.CharField(
        _("zichtbaarheid"), max_length=20, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    reviewed_on = models.DateField(
        _("laatst herzien op"),
        null=True,
        blank=True,
        help_text=_("Herzie de strategie minstens eens per jaar met het netwerk, en zet hier de datum."),
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("bijgewerkt"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("laatst bijgewerkt door"),
    )

    objects = LearningStrategyQuerySet.as_manager()

    class Meta:
        verbose_name = _("leerstrategie")
        verbose_name_plural = _("leerstrategieën")
        permissions = [("publish_learningstrategy", _("Mag leerstrategieën publiceren"))]
        constraints = [
            _codes_valid("streams", Stream.values),
            _codes_valid("modes", Mode.values),
            _codes_valid("cells", CELLS),
            models.CheckConstraint(
                condition=models.Q(status__in=[status.value for status in STATUSES]),
                name="strategies_learningstrategy_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(visibility__in=Visibility.values),
                name="strategies_learningstrategy_visibility_valid",
            ),
            # One strategy per programme, and one per deal (NULLS NOT DISTINCT: PostgreSQL 15+).
            models.UniqueConstraint(
                fields=["programme", "deal"],
                nulls_distinct=False,
                name="strategies_one_per_programme_or_deal",
            ),
        ]

    def __str__(self):
        network = self.deal.name if self.deal_id else self.programme.name
        return _("Leerstrategie %(network)s") % {"network": network}

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._unique_slug()
        for field in ANSWER_FIELDS:
            setattr(self, f"{field}_html", render_markdown(getattr(self, field)))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("strategy-detail", args=[self.slug])

    def clean(self):
        super().clean()
        if self.deal_id and self.programme_id and self.deal.programme_id != self.programme_id:
            raise ValidationError(
                {"deal": _("Deze deal hoort bij een ander programma dan het gekozen programma.")}
            )
        if self.status == Status.PUBLISHED and (missing := self.publication_problems()):
            raise ValidationError(missing)

    @property
    def network_name(self):
        return self.deal.name if self.deal_id else self.programme.name

    def publication_problems(self):
        """What a strategy lacks before it may be published: an answer to each question and a choice."""
        problems = {
            field: _("Beantwoord deze vraag voordat je publiceert.")
            for field in ANSWER_FIELDS
            if not (getattr(self, field) or "").strip()
        }
        if not self.streams:
            problems["streams"] = _("Kies minstens één leerstroming voordat je publiceert.")
        if not self.cells:
            problems["cells"] = _("Kies minstens één orde en niveau voordat je publiceert.")
        return problems

    @property
    def is_published(self):
        return self.status == Status.PUBLISHED

    @property
    def is_internal(self):
        return self.visibility == Visibility.INTERNAL

    @property
    def review_due_on(self):
        return self.reviewed_on + REVIEW_INTERVAL if self.reviewed_on else None

    @property
    def in_order(self):
        """By programme, the programme's own strategy before its deals'.

        Not the model's default ordering: the workflow locks a strategy's row
        (FOR UPDATE), which an ordering through the nullable deal would refuse.
        """
        return self.order_by("programme__name", models.F("deal__name").asc(nulls_first=True))

    def review_overdue(self):
        return self.reviewed_on is None or self.review_due_on < timezone.localdate()

    def chosen_cells(self):
        return [CELLS[code] for code in self.cells if code in CELLS]

    def _unique_slug(self):
        base = slugify(self.network_name)[:180] or "strategie"
        slug, counter = base, 2
        while type(self).objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug = f"{base}-{counter}"
            counter += 1
        return slug
