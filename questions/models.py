"""A reader's question to the coordinators (Question) and a search that helped nobody (SearchGap).

The answer is an existing or new card or lesson, named by app label so this
app imports neither (they stay apart, see pyproject.toml's contracts).
"""

import datetime

from django.conf import settings
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealkennis.models import Programme
from dealkennis.search.text import fold

QUESTION_MAX = 1000
# Longer queries are pasted text, not questions anyone else will ask.
GAP_QUERY_MAX = 120


class QuestionStatus(models.TextChoices):
    OPEN = "open", _("open")
    ANSWERED = "answered", _("beantwoord")
    CLOSED = "closed", _("gesloten")


class Question(models.Model):
    text = models.TextField(_("vraag"), max_length=QUESTION_MAX)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programma"),
    )
    # Only for an asker without an account; a signed-in asker is mailed at the
    # account's address, so removing the account (AVG) stops the mail too.
    email = models.EmailField(_("e-mailadres"), blank=True)
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions",
        verbose_name=_("gesteld door"),
    )
    asked_from = models.CharField(_("gezocht op"), max_length=GAP_QUERY_MAX, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.OPEN
    )
    answer_card = models.ForeignKey(
        "cards.Card",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("antwoord: kaart"),
    )
    answer_lesson = models.ForeignKey(
        "lessons.Lesson",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("antwoord: les"),
    )
    answered_at = models.DateTimeField(_("beantwoord op"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("beantwoord door"),
    )
    # Set in the same statement that claims the mail: the asker hears once.
    notified_at = models.DateTimeField(_("vrager gemaild op"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("gesteld op"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("vraag aan een coördinator")
        verbose_name_plural = _("vragen aan een coördinator")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=QuestionStatus.values), name="questions_question_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(answer_card__isnull=True) | models.Q(answer_lesson__isnull=True),
                name="questions_question_one_answer",
            ),
        ]

    def __str__(self):
        text = " ".join(self.text.split())
        return text if len(text) <= 80 else f"{text[:79]}…"

    @property
    def answer(self):
        return self.answer_card or self.answer_lesson

    @property
    def contact(self):
        """Where the answer is mailed: the account's address, or the one given without an account."""
        if self.asker_id:
            return self.asker.email if self.asker.is_active else ""
        return self.email

    def may_see(self, item):
        """Whether the asker may see `item` on the site: the same rule as `visible_to`."""
        if item is None:
            return False
        model = type(item)
        reader = self.asker if self.asker_id and self.asker.is_active else None
        return model.objects.visible_to(reader).filter(pk=item.pk).exists()


def normalise(query):
    """One spelling per query, so counts merge: folded case and accents, single spaces."""
    return " ".join(fold(query or "").split())


def week_of(day=None):
    """The Monday of the week of `day` (today by default)."""
    day = day or timezone.localdate()
    return day - datetime.timedelta(days=day.weekday())


class GapOutcome(models.TextChoices):
    NOTHING = "nothing", _("niets gevonden")
    MEANING = "meaning", _("alleen op betekenis")
    FOUND = "found", _("gevonden")


class SearchGap(models.Model):
    """How often a query was searched in a week, with a programme filter, and how often a result was clicked.

    Holds no user, session, address or time of day: only the query, the week
    and the counts.
    """

    query = models.CharField(_("zoekvraag"), max_length=GAP_QUERY_MAX)
    week = models.DateField(_("week van"))
    programme = models.ForeignKey(
        Programme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("programmafilter"),
    )
    outcome = models.CharField(_("uitkomst"), max_length=10, choices=GapOutcome.choices)
    searches = models.PositiveIntegerField(_("keer gezocht"), default=0)
    clicks = models.PositiveIntegerField(_("keer doorgeklikt"), default=0)

    class Meta:
        ordering = ["-week", "-searches"]
        verbose_name = _("zoekvraag zonder antwoord")
        verbose_name_plural = _("zoekvragen zonder antwoord")
        constraints = [
            models.UniqueConstraint(
                fields=["query", "week", "programme"],
                name="questions_searchgap_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=models.Q(outcome__in=GapOutcome.values), name="questions_searchgap_outcome_valid"
            ),
        ]

    def __str__(self):
        return self.query

    @classmethod
    def count(cls, query, programme_id, outcome=None, searches=0, clicks=0):
        """Add to the week's counts of `query` in one statement (INSERT ... ON CONFLICT DO UPDATE).

        `outcome` None leaves the stored outcome (a click says nothing about it).
        """
        query = normalise(query)
        if not query or len(query) > GAP_QUERY_MAX:
            return
        table, programmes = cls._meta.db_table, Programme._meta.db_table
        with connection.cursor() as cursor:
            # The programme is looked up in the statement: a token may name one deleted since.
            cursor.execute(
                f"""
                INSERT INTO {table} (query, week, programme_id, outcome, searches, clicks)
                VALUES (%s, %s, (SELECT id FROM {programmes} WHERE id = %s), %s, %s, %s)
                ON CONFLICT ON CONSTRAINT questions_searchgap_unique DO UPDATE SET
                    searches = {table}.searches + EXCLUDED.searches,
                    clicks = {table}.clicks + EXCLUDED.clicks,
                    outcome = COALESCE(%s, {table}.outcome)
                """,  # noqa: S608 - the table names are the models' own; every value is a parameter
                [query, week_of(), programme_id, outcome or GapOutcome.FOUND, searches, clicks, outcome],
            )
