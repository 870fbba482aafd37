"""Mail to the asker once their question has an answer they may read.

An answer is an item linked to the question: chosen in the admin, or a draft
made from the question and published later (then the item's own save, by
whichever path, brings the mail: see apps.py; an admin import, which writes
without signals, through import-export's post_import). The asker is mailed once: the
statement that marks the question notified is also the one that claims the
mail. Never a link to an item the asker may not see: the item must be
published, and public for an asker without an account. The mail goes out
after the transaction commits; a failing mail server is logged, and the
question is left unnotified so that a later save tries again.
"""

import logging
import smtplib
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dealkennis.classification import Status
from questions.models import Question, QuestionStatus

logger = logging.getLogger(__name__)


def answer_saved(sender, instance, created, raw=False, **kwargs):
    """A card or lesson was saved: its questions may now have an answer to send."""
    if instance.status != Status.PUBLISHED:
        return
    field = "answer_card" if instance._meta.model_name == "card" else "answer_lesson"
    pending = Question.objects.filter(**{field: instance.pk}, notified_at__isnull=True)
    for pk in pending.values_list("pk", flat=True):
        answer_later(pk)


def imported(sender, model, **kwargs):
    """An admin import writes without signals: the questions its published items answer, once it commits."""
    field = {"card": "answer_card", "lesson": "answer_lesson"}.get(model._meta.model_name)
    if field is None:
        return
    pending = Question.objects.filter(
        **{f"{field}__status": Status.PUBLISHED, "notified_at__isnull": True}
    ).values_list("pk", flat=True)
    for pk in pending:
        answer_later(pk)


def answer_later(pk):
    transaction.on_commit(partial(notify, pk), robust=True)


def notify(pk):
    """Mail the asker of question `pk` its answer, once; return whether a mail went out."""
    question = Question.objects.select_related("asker", "answer_card", "answer_lesson").filter(pk=pk).first()
    if question is None or question.notified_at is not None or not question.may_see(question.answer):
        return False
    now = timezone.now()
    # The claim: of two saves at once, only one sees the question unnotified.
    claimed = Question.objects.filter(pk=pk, notified_at__isnull=True).update(
        notified_at=now, status=QuestionStatus.ANSWERED, answered_at=Coalesce("answered_at", now)
    )
    contact = question.contact
    if not claimed or not contact:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = answer_mail(question)
    try:
        send_mail(subject, body, None, [contact])
    except (OSError, smtplib.SMTPException):
        logger.exception("Could not mail the answer to question %s.", pk)
        Question.objects.filter(pk=pk).update(notified_at=None)
        return False
    if not question.asker_id:
        # Given only to be told the answer: not kept once it has been sent.
        Question.objects.filter(pk=pk).update(email="")
    return True


def answer_mail(question):
    """Subject and plain text: the asker's own question, and a link to the answer."""
    item = question.answer
    body = render_to_string(
        "questions/answer_mail.txt",
        {
            "question": question,
            "item": item,
            "item_url": settings.SITE_URL + item.get_absolute_url(),
            "mine_url": settings.SITE_URL + reverse("my-lessons") if question.asker_id else "",
        },
    )
    return _("Je vraag aan de coördinatoren van Dealkennis is beantwoord"), body
