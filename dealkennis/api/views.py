"""A small read-only JSON API over cards, lessons, programmes and search.

It shows exactly what the HTML pages show to the same reader (the rule in
`visible_to`), and every view runs a fixed number of queries, however many
items it returns. The document describing it lives in dealkennis/api/openapi.py,
the shape of each answer in dealkennis/api/serializers.py.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.core.validators import slug_re
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from cards.models import Card
from dealkennis.api import openapi
from dealkennis.api.serializers import (
    card_details,
    item_data,
    lesson_details,
    page_data,
    programme_data,
    search_data,
)
from dealkennis.caching import ContentVersion
from dealkennis.filters import ItemFilters
from dealkennis.models import Programme
from dealkennis.search import engine
from lessons.models import Lesson


def read_only(view):
    """GET and HEAD only; any other method is a 405, never a CSRF 403.

    Nothing in the API changes state, so it needs no CSRF token: without the
    check, QUERY, POST and the like get the 405 (with Allow) that says what
    the URL does accept, signed in or not.
    """
    return csrf_exempt(require_safe(view))


def _json(data, status=200):
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _not_found(message):
    return _json({"error": message}, status=404)


def _by_slug(queryset, slug):
    """The object with this slug, or None. A slug that cannot exist (NUL bytes,
    spaces, ...) is not looked up: PostgreSQL refuses some of them outright."""
    return queryset.filter(slug=slug).first() if slug_re.fullmatch(slug) else None


def _item_list(request, model):
    programmes = list(Programme.objects.all())
    filters = ItemFilters(request.GET, programmes)
    # The same order as the list pages, with pk to keep pages stable on ties.
    items = (
        filters.apply(model.objects.visible_to(request.user))
        .for_listing()
        .prefetch_related("tags")
        .order_by("-published_at", "title", "pk")
    )
    requested = request.GET.get("page", "")
    page = Paginator(items, settings.PAGE_SIZE).get_page(requested)
    notices = [str(notice) for notice in filters.ignored]
    if requested and requested != str(page.number):
        notices.append(
            _("De pagina “%(value)s” bestaat niet; pagina %(number)s wordt getoond.")
            % {"value": requested[:20], "number": page.number}
        )
    return _json(
        {
            "count": page.paginator.count,
            "filters": filters.active,
            "notices": notices,
            "page": page_data(request, page),
            "results": [item_data(request, item) for item in page.object_list],
        }
    )


@read_only
def card_list(request):
    return _item_list(request, Card)


@read_only
def lesson_list(request):
    return _item_list(request, Lesson)


@read_only
def card_detail(request, slug):
    visible_lessons = Lesson.objects.visible_to(request.user).only("slug").order_by("title")
    cards = (
        Card.objects.visible_to(request.user)
        .for_listing()
        .prefetch_related("tags")
        .prefetch_related(Prefetch("lessons", queryset=visible_lessons))
    )
    card = _by_slug(cards, slug)
    if card is None:
        return _not_found(_("Er is geen inspiratiekaart “%(slug)s”.") % {"slug": slug[:100]})
    return _json(card_details(request, card))


@read_only
def lesson_detail(request, slug):
    visible_cards = Card.objects.visible_to(request.user).only("slug").order_by("title")
    lessons = (
        Lesson.objects.visible_to(request.user)
        .for_listing()
        .prefetch_related("tags")
        .prefetch_related(Prefetch("cards", queryset=visible_cards))
    )
    lesson = _by_slug(lessons, slug)
    if lesson is None:
        return _not_found(_("Er is geen les “%(slug)s”.") % {"slug": slug[:100]})
    return _json(lesson_details(request, lesson))


def _visible_count(model, user):
    """Per programme, how many items of `model` the reader may see (as a subquery)."""
    counts = (
        model.objects.visible_to(user)
        .filter(programme=OuterRef("pk"))
        .order_by()
        .values("programme")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def _programmes(user):
    return Programme.objects.annotate(
        card_count=_visible_count(Card, user), lesson_count=_visible_count(Lesson, user)
    ).prefetch_related("deals")


@read_only
def programme_list(request):
    programmes = _programmes(request.user)
    return _json({"results": [programme_data(request, programme) for programme in programmes]})


@read_only
def programme_detail(request, slug):
    programme = _by_slug(_programmes(request.user), slug)
    if programme is None:
        return _not_found(_("Er is geen programma “%(slug)s”.") % {"slug": slug[:100]})
    return _json(programme_data(request, programme))


@read_only
def openapi_document(request):
    return _json(openapi.document(request))


@read_only
def search(request):
    version = ContentVersion.current()
    programmes = list(Programme.objects.all())
    outcome = engine.search(request.user, engine.parse(request.GET, programmes), programmes, version)
    return _json(search_data(outcome, request, programmes))
