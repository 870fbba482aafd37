"""A small read-only JSON API over cards, lessons and programmes.

It shows exactly what the HTML pages show to the same reader (the rule in
`visible_to`), and every view runs a fixed number of queries, however many
items it returns. The document describing it lives in dealkennis/openapi.py.
"""

from django.conf import settings
from django.core.paginator import Paginator
from django.core.validators import slug_re
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from cards.models import Card
from dealkennis import openapi
from dealkennis.classification import VOCABULARIES
from dealkennis.filters import ItemFilters
from dealkennis.models import Programme
from dealkennis.search import engine
from lessons.models import Lesson

# The URL name prefix of each item type's API views.
API_NAMES = {"card": "api-card", "lesson": "api-lesson"}


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


def _ref(obj):
    return {"slug": obj.slug, "name": obj.name} if obj is not None else None


def _date(value):
    return value.isoformat() if value is not None else None


def classification_data(item):
    labels = item.labels
    return {name: {"code": getattr(item, name), "label": str(labels[name])} for name in VOCABULARIES}


def page_data(request, page):
    """Where a paginated answer stands, with absolute links to its neighbours."""
    return {
        "number": page.number,
        "pages": page.paginator.num_pages,
        "size": settings.PAGE_SIZE,
        "next": _page_url(request, page.next_page_number()) if page.has_next() else None,
        "previous": _page_url(request, page.previous_page_number()) if page.has_previous() else None,
    }


def item_data(request, item):
    """What lists and details share about one card or lesson."""
    return {
        "type": item.kind,
        "slug": item.slug,
        "title": item.title,
        "summary": item.summary,
        "visibility": item.visibility,
        "url": request.build_absolute_uri(item.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse(f"{API_NAMES[item.kind]}-detail", args=[item.slug])),
        "programme": _ref(item.programme),
        "deal": _ref(item.deal),
        "classification": classification_data(item),
        "tags": sorted(tag.name for tag in item.tags.all()),
        "updated_at": item.updated_at.isoformat(),
    }


def card_details(request, card):
    return {
        **item_data(request, card),
        "question": card.question,
        "answer": card.answer,
        # Rendered and sanitised when the card was saved (dealkennis.markdown).
        "body_html": card.body_html,
        "learn_more_html": card.learn_more_html,
        "source": card.source,
        "awaiting_check": card.awaiting_check,
        "last_checked": _date(card.last_checked),
        "review_due": _date(card.review_due),
        "lessons": [lesson.slug for lesson in card.lessons.all()],
    }


def lesson_details(request, lesson):
    return {
        **item_data(request, lesson),
        "body_html": lesson.body_html,
        "insight": lesson.insight,
        "reflection": lesson.reflection,
        "change": lesson.change,
        "takeaway": lesson.takeaway,
        "source_kind": {"code": lesson.source_kind, "label": str(lesson.get_source_kind_display())},
        "source": lesson.source,
        "cards": [card.slug for card in lesson.cards.all()],
    }


def _page_url(request, number):
    query = request.GET.copy()
    query["page"] = number
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


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


def programme_data(request, programme):
    def api_list(name):
        return request.build_absolute_uri(f"{reverse(name)}?programme={programme.slug}")

    return {
        "slug": programme.slug,
        "name": programme.name,
        "ministries": programme.ministries,
        "description": programme.description,
        "url": request.build_absolute_uri(programme.get_absolute_url()),
        "api_url": request.build_absolute_uri(reverse("api-programme-detail", args=[programme.slug])),
        "deals": [
            {
                "slug": deal.slug,
                "name": deal.name,
                "partners": deal.partners,
                "signed_on": _date(deal.signed_on),
                "ended_on": _date(deal.ended_on),
                "description": deal.description,
            }
            for deal in programme.deals.all()
        ],
        "counts": {"cards": programme.card_count, "lessons": programme.lesson_count},
        "cards_api_url": api_list("api-card-list"),
        "lessons_api_url": api_list("api-lesson-list"),
    }


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


def search_data(outcome, request, programmes):
    """The search outcome as plain data for /api/zoeken/."""
    page = outcome.page
    first_rank = page.start_index() if page is not None and outcome.total else 1
    results = [
        {
            "rank": first_rank + position,
            "type": hit.item.kind,
            "title": hit.item.title,
            "url": request.build_absolute_uri(hit.item.get_absolute_url()),
            "programme": {"slug": hit.item.programme.slug, "name": hit.item.programme.name},
            "classification": classification_data(hit.item),
            "snippet": str(hit.snippet),
        }
        for position, hit in enumerate(outcome.hits)
    ]
    facets = {
        group["name"]: [{"value": o["value"], "count": o["count"]} for o in group["options"]]
        for group in engine.facet_groups(outcome, programmes)
    }
    # A browse request (no query, no filter) has no page at all.
    empty_page = {"number": 1, "pages": 0, "size": settings.PAGE_SIZE, "next": None, "previous": None}
    return {
        "query": outcome.query,
        "filters": {**outcome.filters.active, **({"type": outcome.kind} if outcome.kind else {})},
        "sort": outcome.sort,
        "total": outcome.total,
        "fuzzy": outcome.fuzzy,
        "widened": outcome.widened,
        "suggestion": outcome.suggestion or None,
        "notices": [str(notice) for notice in outcome.notices + outcome.filters.ignored],
        "page": page_data(request, page) if page else empty_page,
        "results": results,
        "facets": facets,
    }
