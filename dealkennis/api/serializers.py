"""What the API answers, as plain data: items, programmes, pages and the search outcome.

The views in dealkennis/api/views.py choose what to read; this module only
turns it into JSON-ready dictionaries, with absolute links.
"""

from django.conf import settings
from django.urls import reverse

from dealkennis.classification import VOCABULARIES
from dealkennis.search import engine

# The URL name prefix of each item type's API views.
API_NAMES = {"card": "api-card", "lesson": "api-lesson"}


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
            "found_by": "meaning" if hit.by_meaning else "words",
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
        "estimated": outcome.estimated,
        "by_meaning": outcome.by_meaning,
        "fuzzy": outcome.fuzzy,
        "widened": outcome.widened,
        "suggestion": outcome.suggestion or None,
        "notices": [str(notice) for notice in outcome.notices + outcome.filters.ignored],
        "page": page_data(request, page) if page else empty_page,
        "results": results,
        "facets": facets,
    }
