"""A card draft from a reader's question or a search that found nothing: the coordinator writes the answer."""

import reversion
from django.db import transaction
from django.utils.translation import gettext as _

from dealkennis.classification import Status, Visibility
from dealkennis.models import Programme
from questions.models import Question


def card_model():
    # Named by the question's answer field, not imported: the apps stay apart.
    return Question._meta.get_field("answer_card").related_model


def _one_line(text, length):
    text = " ".join(text.split())
    return text if len(text) <= length else f"{text[: length - 1]}…"


@transaction.atomic
def card_draft(text, programme, source, user):
    """A new internal card in draft, its title and question the reader's words; returns (card, guessed).

    A card needs a programme: without one the first by name is taken, and
    `guessed` says so, for the coordinator to change it.
    """
    guessed = programme is None
    programme = programme or Programme.objects.order_by("name").first()
    card = card_model()(
        title=_one_line(text, 200),
        question=_one_line(text, 300),
        summary=_one_line(text, 600),
        answer="",
        programme=programme,
        status=Status.DRAFT,
        visibility=Visibility.INTERNAL,
        source=source,
    )
    with reversion.create_revision():
        card.save()
        reversion.set_user(user)
        reversion.set_comment(_("Concept gemaakt van een vraag zonder antwoord"))
    return card, guessed


def draft_for_question(question, user):
    """A card draft answering `question`, linked to it: publishing it tells the asker."""
    card, guessed = card_draft(
        question.text, question.programme, _("Vraag van een lezer via Dealkennis"), user
    )
    Question.objects.filter(pk=question.pk).update(answer_card=card, answer_lesson=None, answered_by=user)
    return card, guessed
