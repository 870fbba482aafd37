"""Counting searches that helped nobody, without knowing who searched.

A search that found nothing, or only items by meaning (none held the reader's
words), is counted by the search page itself: one upsert, and only for those
searches, so a search that found something costs no query more. Whether
anything was clicked comes from the reader's browser: the search page carries
a signed token of the query and its programme filter, and a small script
sends it (navigator.sendBeacon) once the page is shown and when a result is
clicked. No user, session, address or time of day is stored; the week is the
server's. Bots are left out by their user agent, and browsers without script
are counted only when nothing was found.
"""

import datetime
import logging
import re

from django.core import signing
from django.db import DatabaseError
from django.db.models import Q

from questions.models import GAP_QUERY_MAX, GapOutcome, SearchGap, normalise, week_of

logger = logging.getLogger(__name__)
SALT = "questions.search-signal"
BOTS = re.compile(r"bot|crawl|spider|slurp|curl|wget|python|httpclient|headless", re.IGNORECASE)


def is_bot(request):
    agent = request.headers.get("User-Agent", "")
    return not agent or bool(BOTS.search(agent))


def outcome_of(outcome):
    """What a search outcome says for the counts: nothing, only by meaning, or found."""
    if not outcome.total:
        return GapOutcome.NOTHING
    if outcome.by_meaning >= outcome.total:
        return GapOutcome.MEANING
    return GapOutcome.FOUND


def counted(query, page):
    """Whether this search page counts: a first page of a query that is neither empty nor pasted text.

    The page asked for, not the one shown: a second page of nothing shows the first.
    """
    return bool(query) and page.strip() in ("", "1") and len(normalise(query)) <= GAP_QUERY_MAX


def record(request, outcome):
    """Count the search page showing `outcome`; return {token, seen, clickable} for its script, or {}.

    A gap is counted here; a search that found something is counted by the
    script ("seen"), so it costs the page no query.
    """
    if not counted(outcome.query, request.GET.get("page", "")) or is_bot(request):
        return {}
    programme = outcome.filters.programme
    programme_id = programme.pk if programme else None
    result = outcome_of(outcome)
    if result != GapOutcome.FOUND:
        try:
            SearchGap.count(outcome.query, programme_id, result, searches=1)
        except DatabaseError:
            # A count is not worth a broken search page (a read-only replica, say).
            logger.exception("Could not count a search gap.")
    token = signing.dumps([normalise(outcome.query), programme_id], salt=SALT, compress=True)
    return {"token": token, "seen": result == GapOutcome.FOUND, "clickable": bool(outcome.total)}


def signal(token, event):
    """Count what the search page's script reports: "seen" (a search that found something) or "click"."""
    try:
        query, programme_id = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return False
    if not isinstance(query, str) or not (programme_id is None or isinstance(programme_id, int)):
        return False
    counts = {"seen": {"outcome": GapOutcome.FOUND, "searches": 1}, "click": {"clicks": 1}}.get(event)
    if counts is None:
        return False
    try:
        SearchGap.count(query, programme_id, **counts)
    except DatabaseError:
        logger.exception("Could not count a search signal.")
        return False
    return True


def unanswered(weeks=12, limit=30):
    """The last `weeks` weeks' searches that helped nobody, most frequent first (staff only)."""
    helped_nobody = Q(outcome__in=[GapOutcome.NOTHING, GapOutcome.MEANING]) | Q(clicks=0)
    return (
        SearchGap.objects.filter(helped_nobody, week__gte=week_of() - datetime.timedelta(weeks=weeks - 1))
        .select_related("programme")
        .order_by("-searches", "-week", "query")[:limit]
    )
