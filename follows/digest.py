"""The e-mail digest: what is new or updated in what a reader follows, sent once per period.

Each reader's digest is computed at send time with `visible_to(user)`, so a
reader sees in it exactly what the site would show them then: a deactivated
account gets nothing, and internal items only reach signed-in readers who may
see them. Items are matched with the site's list filters; a saved search adds
its words as the search's full-text match (Dutch stemming, prefixes and
synonyms), but not search by meaning or typo correction: those rank the whole
collection and have no stable answer to "is this item a hit".

Idempotence: a reader's period is recorded (`Delivery`, unique per reader and
period end) in the same transaction that hands the mail to the SMTP server, and
that transaction commits right after the send. A run that crashes halfway has
committed every mail it sent, so the next run skips those readers; a mail the
server refused rolls its record back and is tried again next run. Only a crash
in the instant between the server's "250 OK" and the commit could send one
reader's mail twice: SMTP offers no way to make that instant atomic. The reader's
subscription row is locked while it is handled (skipping rows another run holds),
so two overlapping runs never mail one reader twice.
"""

import datetime
import logging
import smtplib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from dealkennis.caching import ContentVersion
from dealkennis.models import knowledge_models
from dealkennis.pages import programmes as all_programmes
from dealkennis.search.query import PrefixSearchQuery, without_question_words
from follows.models import Delivery, Follow, Frequency, Subscription
from follows.tokens import unsubscribe_token
from follows.topics import topic_of

logger = logging.getLogger(__name__)

PERIODS = {Frequency.DAILY: datetime.timedelta(days=1), Frequency.WEEKLY: datetime.timedelta(days=7)}
# Per followed topic, at most this many items are listed; the rest are one link away.
ITEMS_PER_TOPIC = 20
KEEP_DELIVERIES = datetime.timedelta(days=365)


def period_end(now, frequency):
    """The end of the last whole period before `now`: local midnight, on a Monday for weekly digests."""
    local = timezone.localtime(now)
    end = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if frequency == Frequency.WEEKLY:
        end -= datetime.timedelta(days=end.weekday())
    # Rebuilt from the date: across a DST change the offset of midnight differs from now's.
    return timezone.make_aware(datetime.datetime.combine(end.date(), datetime.time()))


@dataclass
class Section:
    label: str
    url: str
    items: list = field(default_factory=list)
    more: int = 0


@dataclass
class Digest:
    user: object
    start: datetime.datetime
    end: datetime.datetime
    sections: list = field(default_factory=list)

    @property
    def first_day(self):
        return timezone.localtime(self.start).date()

    @property
    def last_day(self):
        # The end is the midnight after the period: the mail names the last day in it.
        return timezone.localtime(self.end - datetime.timedelta(microseconds=1)).date()

    @property
    def count(self):
        return len({(item.kind, item.pk) for section in self.sections for item in section.items})


def changed_items(model, user, start, end):
    """Items of `model` the reader may see now, published or updated in [start, end)."""
    changed = Q(published_at__gte=start, published_at__lt=end) | Q(updated_at__gte=start, updated_at__lt=end)
    return model.objects.visible_to(user).filter(changed)


def changed_pks(model, user, start, end, version):
    """The primary keys of `changed_items`, read once per audience and period in a run.

    Every reader of one audience (`caching.audience`) has the same `visible_to`,
    so a run over many readers scans the items once, not once per reader; each
    follow then only looks among these few.
    """
    parts = [model._meta.label, start.isoformat(), end.isoformat()]
    return ContentVersion.cached(
        "digest-changed",
        user,
        parts,
        lambda: list(changed_items(model, user, start, end).values_list("pk", flat=True)),
        version=version,
    )


def build_digest(user, start, end, programmes=None, version=None):
    # The mail is Dutch whatever language the process has active: the labels are made here.
    with translation.override(settings.LANGUAGE_CODE):
        return _build_digest(user, start, end, programmes, version)


def _build_digest(user, start, end, programmes, version):
    """What is new for `user` between `start` and `end`, one section per followed topic.

    A run passes the content version it read when it began: whatever changes
    during the run was published or updated after the period's end anyway.
    """
    version = ContentVersion.current() if version is None else version
    programmes = programmes if programmes is not None else all_programmes(version)
    digest = Digest(user=user, start=start, end=end)
    candidates = {model: changed_pks(model, user, start, end, version) for model in knowledge_models()}
    if not any(candidates.values()):
        return digest
    for follow in Follow.objects.filter(user=user).order_by("created_at", "pk"):
        topic = topic_of(follow, programmes)
        if topic is None:
            continue
        items, total = [], 0
        for model, pks in candidates.items():
            if not pks or (topic.item_kind and topic.item_kind != model._meta.model_name):
                continue
            # visible_to again: the cached keys only narrow the search, they never grant sight.
            matching = topic.filters.apply(model.objects.visible_to(user).filter(pk__in=pks))
            if topic.query:
                matching = matching.filter(
                    search_vector=PrefixSearchQuery(without_question_words(topic.query))
                )
            matching = matching.distinct().order_by("-updated_at")
            found = list(matching.select_related("programme").without_search_fields()[: ITEMS_PER_TOPIC + 1])
            total += len(found) if len(found) <= ITEMS_PER_TOPIC else matching.count()
            items += found
        if items:
            items.sort(key=lambda item: item.updated_at, reverse=True)
            for item in items:
                item.is_new = item.published_at is not None and item.published_at >= start
            shown = items[:ITEMS_PER_TOPIC]
            section = Section(label=topic.label(), url=settings.SITE_URL + topic.path(), items=shown)
            section.more = total - len(shown)
            digest.sections.append(section)
    return digest


def render_digest(digest, token):
    """Subject, plain text and HTML of the digest, in Dutch, with absolute links."""
    site = settings.SITE_URL
    unsubscribe_url = site + reverse("follow-unsubscribe", args=[token])
    context = {
        "digest": digest,
        "site_url": site,
        "following_url": site + reverse("following"),
        "unsubscribe_url": unsubscribe_url,
        "name": digest.user.get_full_name() or digest.user.get_username(),
    }
    for section in digest.sections:
        for item in section.items:
            item.full_url = site + item.get_absolute_url()
    subject = ngettext(
        "Dealkennis: %(count)s nieuw of bijgewerkt item",
        "Dealkennis: %(count)s nieuwe of bijgewerkte items",
        digest.count,
    ) % {"count": digest.count}
    text = render_to_string("follows/digest.txt", context)
    html = render_to_string("follows/digest.html", context)
    return subject, text, html, unsubscribe_url


def digest_message(digest, connection=None):
    with translation.override(settings.LANGUAGE_CODE):
        subject, text, html, unsubscribe_url = render_digest(digest, unsubscribe_token(digest.user))
    message = EmailMultiAlternatives(
        subject,
        text,
        None,
        [digest.user.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            # RFC 8058: mail programs may unsubscribe with one POST, no page in between.
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    return message


@dataclass
class Report:
    sent: int = 0
    empty: int = 0
    skipped: int = 0
    failed: int = 0


def send_digests(now=None):
    """Send every reader's digest that is due; safe to run as often as you like."""
    now = now or timezone.now()
    report = Report()
    version = ContentVersion.current()
    programmes = all_programmes(version)
    subscribers = (
        Subscription.objects.exclude(frequency=Frequency.NONE)
        .filter(user__is_active=True, user__follows__isnull=False)
        .exclude(user__email="")
        .values_list("pk", flat=True)
        .distinct()
        .order_by("pk")
    )
    # Only a reader's last period counts; older records are kept a year, then forgotten.
    Delivery.objects.filter(period_end__lt=now - KEEP_DELIVERIES).delete()
    connection = get_connection()
    try:
        for pk in list(subscribers):
            outcome = _send_one(pk, now, programmes, version, connection)
            setattr(report, outcome, getattr(report, outcome) + 1)
    finally:
        connection.close()
    return report


def _send_one(subscription_pk, now, programmes, version, connection):
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk=subscription_pk)
            .first()
        )
        # Taken by an overlapping run, or changed since the list was read.
        if subscription is None or subscription.frequency not in PERIODS or not subscription.user.is_active:
            return "skipped"
        user = subscription.user
        end = period_end(now, subscription.frequency)
        last = Delivery.objects.filter(user=user).order_by("-period_end").first()
        # Already handled, or the reader began following after this period ended.
        if (last is not None and last.period_end >= end) or subscription.created_at >= end:
            return "skipped"
        start = end - PERIODS[subscription.frequency]
        if last is not None and last.period_end > start:
            start = last.period_end
        digest = build_digest(user, start, end, programmes, version)
        Delivery.objects.create(user=user, period_start=start, period_end=end, items=digest.count)
        if not digest.count:
            return "empty"
        try:
            digest_message(digest, connection).send()
        except (OSError, smtplib.SMTPException):
            logger.exception("Could not send the digest to user %s; it is tried again next run.", user.pk)
            transaction.set_rollback(True)
            # A connection the server dropped is opened anew for the next reader.
            connection.close()
            return "failed"
    return "sent"


def unsubscribe(user):
    Subscription.objects.update_or_create(user=user, defaults={"frequency": Frequency.NONE})
