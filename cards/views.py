"""The card pages: the list, one card, and any selection printed as a deck of A6 cards."""

import functools

from django.contrib.postgres.search import SearchRank
from django.core.validators import slug_re
from django.db.models import F
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from cards.models import Card
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
    lessons = card.lessons.visible_to(request.user).select_related("programme")
    return render(
        request,
        "cards/card_detail.html",
        {
            "item": card,
            "card": card,
            # Read only when the rendered page is not in the cache.
            "lessons": lessons.order_by("title"),
            "starter_path": functools.cache(lambda: starter_path(card, request.user)),
            **detail_context(request, card, version),
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


def print_deck(request):
    """Any selection of cards as a deck of A6 cards, two or four to an A4 page."""
    programmes = list(Programme.objects.all())
    filters = ItemFilters(request.GET, programmes)
    cards = filters.apply(Card.objects.visible_to(request.user)).select_related("programme")
    query, notices = clean_query(request.GET.get("q", ""))
    slug = request.GET.get("slug", "")
    if slug and slug_re.fullmatch(slug):
        cards = cards.filter(slug=slug)
    elif slug:
        notices.append(
            _("“%(value)s” is geen geldige kaart; alle kaarten worden getoond.") % {"value": slug[:100]}
        )
    if query:
        terms = PrefixSearchQuery(without_question_words(query))
        cards = cards.filter(search_vector=terms).annotate(rank=SearchRank(F("search_vector"), terms))
        cards = cards.order_by("-rank", "title")
    else:
        cards = cards.order_by(F("starter_rank").asc(nulls_last=True), "title")
    per_page = 2 if request.GET.get("per_page") == "2" else 4
    cards = list(cards[: PRINT_LIMIT + 1])
    if len(cards) > PRINT_LIMIT:
        notices.append(_("Alleen de eerste %(n)s kaarten worden afgedrukt.") % {"n": PRINT_LIMIT})
        cards = cards[:PRINT_LIMIT]
    query_without_layout = request.GET.copy()
    query_without_layout.pop("per_page", None)
    return render(
        request,
        "cards/print_deck.html",
        {
            "cards": cards,
            "per_page": per_page,
            "notices": notices + filters.ignored,
            "query_without_layout": query_without_layout,
        },
    )
