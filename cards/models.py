"""The card model: a question and answer on top of what every knowledge item has (dealkennis.models)."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dealkennis.markdown import render_markdown
from dealkennis.models import KnowledgeItem
from dealkennis.search.text import fold, weighted_search_vector


class Card(KnowledgeItem):
    """An inspiration card: one practical question a new dealmaker will meet."""

    question = models.CharField(_("vraag"), max_length=300)
    answer = models.TextField(_("kort antwoord"))
    learn_more = models.TextField(_("meer weten (Markdown)"), blank=True)
    learn_more_html = models.TextField(editable=False, blank=True)
    lessons = models.ManyToManyField(
        "lessons.Lesson", blank=True, related_name="cards", verbose_name=_("lessen achter deze kaart")
    )
    awaiting_check = models.BooleanField(
        _("wacht op controle door coördinator"),
        default=False,
        help_text=_("Aan als het advies nog door een coördinator bevestigd moet worden."),
    )
    last_checked = models.DateField(_("laatst gecontroleerd"), null=True, blank=True)
    review_due = models.DateField(
        _("opnieuw controleren vóór"),
        null=True,
        blank=True,
        help_text=_("Voor kaarten met regels of procedures die kunnen verouderen."),
    )
    starter_rank = models.PositiveSmallIntegerField(
        _("plaats in het startpad"),
        null=True,
        blank=True,
        unique=True,
        help_text=_("Leeg laten als de kaart niet in 'Nieuw als dealmaker? Begin hier' hoort."),
    )

    search_vector = models.GeneratedField(
        expression=weighted_search_vector(
            A=["title", "search_tags"],
            B=["question", "summary"],
            C=["answer", "body_text"],
            D=["learn_more", "search_context"],
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta(KnowledgeItem.Meta):
        verbose_name = _("inspiratiekaart")
        verbose_name_plural = _("inspiratiekaarten")
        permissions = [("publish_card", _("Mag inspiratiekaarten publiceren"))]

    plain_text_fields = (*KnowledgeItem.plain_text_fields, "question", "answer")
    # A card is named by its question everywhere, as on its own page: the
    # question is what a newcomer recognises it by.
    name_field = "question"

    def get_absolute_url(self):
        return reverse("card-detail", args=[self.slug])

    def build_fuzzy_text(self):
        return fold(f"{self.question} {super().build_fuzzy_text()}")

    def render_extra_markdown(self):
        self.learn_more_html = render_markdown(self.learn_more)

    @property
    def review_overdue(self):
        from django.utils import timezone

        return self.review_due is not None and self.review_due < timezone.localdate()
