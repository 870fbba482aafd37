"""Mail to a contributor when the status of a lesson they shared changes.

Hooked to the model's signals, not to a view: the review page, the admin form,
bulk actions and history restore all change a status, and each of them must
tell the contributor. The import writes without signals and calls
`status_changed` itself. The mail goes out only after the transaction
commits (nothing is announced that was rolled back), and a mail server that
fails is logged, never allowed to break the save.
"""

import logging
import smtplib
from collections import OrderedDict
from functools import partial

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from dealkennis.classification import Status
from dealkennis.workflow import stored_state

logger = logging.getLogger(__name__)

# (lesson, its row's last change, status) already mailed about in this process:
# a restore and a save in one transaction both queue a mail for the same end state.
_sent = OrderedDict()
_SENT_REMEMBERED = 256


def remember_stored_status(sender, instance, raw=False, **kwargs):
    # Only a lesson someone shared has anyone to tell; the others cost no query.
    # Raw saves count too: django-reversion writes a restored version back raw.
    before = stored_state(instance) if instance.contributor_id else None
    instance._status_before_save = before.status if before else None


def queue_status_mail(sender, instance, created, raw=False, **kwargs):
    old_status = getattr(instance, "_status_before_save", None)
    if old_status is not None and old_status != instance.status:
        status_changed(type(instance), instance.pk, old_status)


def status_changed(model, pk, old_status):
    """Tell the contributor once the current transaction commits.

    Paths that write rows without signals (bulk updates) call this themselves.
    """
    transaction.on_commit(partial(send_status_mail, model, pk, old_status), robust=True)


def send_status_mail(model, pk, old_status):
    lesson = model.objects.select_related("contributor").without_search_fields().filter(pk=pk).first()
    if lesson is None or lesson.contributor is None or not lesson.contributor.email:
        return
    if lesson.status == old_status:  # changed and changed back before the commit
        return
    key = (lesson.pk, lesson.updated_at, lesson.status)
    if key in _sent:
        return
    _sent[key] = True
    while len(_sent) > _SENT_REMEMBERED:
        _sent.popitem(last=False)
    # We know no language per user: the site's own language, Dutch.
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = status_mail(lesson)
    try:
        send_mail(subject, body, None, [lesson.contributor.email])
    except (OSError, smtplib.SMTPException):
        logger.exception("Could not mail %s about lesson %s.", lesson.contributor.email, lesson.pk)


SUBJECTS = {
    Status.DRAFT: gettext_lazy("Je inzending “%(title)s” is teruggestuurd"),
    Status.REVIEW: gettext_lazy("Je inzending “%(title)s” ligt ter beoordeling"),
    Status.PUBLISHED: gettext_lazy("Je inzending “%(title)s” is gepubliceerd"),
    Status.ARCHIVED: gettext_lazy("Je inzending “%(title)s” is gearchiveerd"),
}


def status_mail(lesson):
    """Subject and plain text of the mail about `lesson`'s new status.

    Only what the contributor sees on "Mijn inzendingen" anyway: their own
    title, the status, the coordinator's note, and a link to the lesson once
    it is published (a signed-in reader sees internal lessons too).
    """
    status = Status(lesson.status)
    # One line: a header never carries a line break.
    subject = SUBJECTS[status] % {"title": " ".join(lesson.title.split())[:80]}
    body = render_to_string(
        "lessons/status_mail.txt",
        {
            "lesson": lesson,
            "name": lesson.contributor.get_full_name() or lesson.contributor.get_username(),
            "status": status,
            "my_lessons_url": settings.SITE_URL + reverse("my-lessons"),
            "lesson_url": (settings.SITE_URL + lesson.get_absolute_url())
            if status == Status.PUBLISHED
            else "",
        },
    )
    return subject, body
