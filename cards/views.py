"""The card pages: the list, one card, and any selection printed as a deck of A6 cards."""

import functools

from django.contrib.postgres.search import SearchRank
from django.core.validators import slug_re
from django.db.models import F
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cards.models import Card
from cards.print_layout import sheets
from dealkennis.caching import ContentVersion
from dealkennis.filters import ItemFilters
from dealkennis.models import Programme
from dealkennis.pages import detail_context, item_list
from dealkennis.search.query import PrefixSearchQuery, clean_query, without_question_words


def card_list(request):
    return item_list(request, Card, "cards/card_list.html", print_url_name="card-print")


def card_detail(request, slug):
    version = ContentVersion.current()
    card = get_object_or_404(Card.objects.previewable_by(request.user).for_listing(), slug=slug)
    # What the list shows of each lesson: never its long texts.
    lessons = (
        card.lessons.visible_to(request.user)
        .select_related("programme")
        .only("title", "slug", "programme__name")
        .order_by("title")
    )
    return render(
        request,
        "cards/card_detail.html",
        {
            "item": card,
            "card": card,
            # Read only when the rendered page is not in the cache.
            "lessons": lessons,
            "starter_path": functools.cache(lambda: starter_path(card, request.user)),
            **detail_context(request, card, version, listed=lessons),
        },
    )


def starter_path(card, user):
    """Where a card of the starter path stands in it as this reader sees it: step, total, neighbours.

    None for a card outside the path, and for a starter card the reader
    cannot see in it (a coordinator's preview of an unpublished one).
    """
    if card.starter_rank is None:
        return None
    starters = list(
        Card.objects.visible_to(user)
        .filter(starter_rank__isnull=False)
        .only("slug", "question", "starter_rank")
        .order_by("starter_rank")
    )
    position = next((index for index, starter in enumerate(starters) if starter.pk == card.pk), None)
    if position is None:
        return None
    return {
        "step": position + 1,
        "total": len(starters),
        "previous": starters[position - 1] if position else None,
        "next": starters[position + 1] if position + 1 < len(starters) else None,
    }


PRINT_LIMIT = 60
# Slugs read from one request: ticking more than the limit is told, not read in full.
SELECTION_READ = 200


def _wanted(request, notices):
    """The ticked slugs (`kaart`, or the older `slug`), each once, in the order ticked.

    Only the first SELECTION_READ are read; more are told, so that the count of
    skipped cards below never stands for the ones not read.
    """
    ticked = [slug.strip() for slug in request.GET.getlist("kaart") + request.GET.getlist("slug")]
    wanted = list(dict.fromkeys(slug for slug in ticked if slug))
    if len(wanted) > SELECTION_READ:
        notices.append(
            _("Je hebt meer dan %(n)s kaarten aangevinkt; alleen de eerste %(n)s zijn bekeken.")
            % {"n": SELECTION_READ}
        )
    return wanted[:SELECTION_READ]


def _selected(request, wanted, notices):
    """The ticked cards the viewer may see; the rest is counted in one notice."""
    valid = [slug for slug in wanted if slug_re.fullmatch(slug)]
    found = {
        card.slug: card
        for card in Card.objects.visible_to(request.user).filter(slug__in=valid).select_related("programme")
    }
    # The same words whether a card does not exist or may not be seen by this
    # viewer, and no slug echoed: the page says nothing about what it skipped.
    missing = sum(1 for slug in wanted if slug not in found)
    if missing:
        notices.append(
            ngettext(
                "%(n)s kaart uit je selectie bestaat niet of is niet zichtbaar voor jou; overgeslagen.",
                "%(n)s kaarten uit je selectie bestaan niet of zijn niet zichtbaar voor jou; overgeslagen.",
                missing,
            )
            % {"n": missing}
        )
    return [found[slug] for slug in wanted if slug in found]


def _filtered(request, notices):
    """Every card of a list or search: its filters and `q`."""
    filters = ItemFilters(request.GET, list(Programme.objects.all()))
    notices.extend(filters.ignored)
    cards = filters.apply(Card.objects.visible_to(request.user)).select_related("programme")
    query, query_notices = clean_query(request.GET.get("q", ""))
    notices[:0] = query_notices
    if query:
        terms = PrefixSearchQuery(without_question_words(query))
        cards = cards.filter(search_vector=terms).annotate(rank=SearchRank(F("search_vector"), terms))
        return cards.order_by("-rank", "title")
    return cards.order_by(F("starter_rank").asc(nulls_last=True), "title")


def print_deck(request):
    """A selection of cards as true A6 cards, two or four to an A4 sheet, front and back.

    Ticked cards (`kaart`, repeatable) are printed in the order ticked; without
    them, every card that the list's filters or search words (`q`) select.
    The selection form sends `selectie` too, so that ticking nothing is told
    rather than taken for "everything".
    """
    notices = []
    wanted = _wanted(request, notices)
    if wanted:
        cards = _selected(request, wanted, notices)
    elif "selectie" in request.GET:
        cards = []
        notices.append(_("Je hebt geen kaarten aangevinkt. Vink de kaarten aan die je wilt afdrukken."))
    else:
        cards = list(_filtered(request, notices)[: PRINT_LIMIT + 1])
    if len(cards) > PRINT_LIMIT:
        notices.append(
            _("Je kunt %(n)s kaarten tegelijk afdrukken; alleen de eerste %(n)s staan hieronder.")
            % {"n": PRINT_LIMIT}
        )
        cards = cards[:PRINT_LIMIT]
    per_page = 2 if request.GET.get("per_page") == "2" else 4
    query_without_layout = request.GET.copy()
    query_without_layout.pop("per_page", None)
    base_url = f"{request.scheme}://{request.get_host()}"
    return render(
        request,
        "cards/print_deck.html",
        {
            "cards": cards,
            "sheets": sheets(cards, per_page, base_url),
            "per_page": per_page,
            "base_url": base_url,
            "notices": notices,
            "query_without_layout": query_without_layout,
        },
    )
