import functools
import sys
from collections import Counter
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.db import InterfaceError, OperationalError
from django.db.models import Count
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

from cards.models import Card
from dealkennis import api, framework
from dealkennis.caching import ContentVersion
from dealkennis.classification import ORDER_QUESTIONS, VOCABULARIES, Level, Mode, Order, Status, Stream
from dealkennis.filters import ItemFilters
from dealkennis.models import Programme
from dealkennis.related import related_items
from dealkennis.search import engine
from dealkennis.web import search as web_search
from lessons.models import Lesson


def home(request):
    starters = (
        Card.objects.visible_to(request.user)
        .filter(starter_rank__isnull=False)
        .select_related("programme")
        .only("slug", "question", "programme__name", "programme__slug")
        .order_by("starter_rank")
    )
    recent_lessons = (
        Lesson.objects.visible_to(request.user)
        .select_related("programme")
        .only("slug", "title", "programme__name", "programme__slug")
        .order_by("-published_at")[:6]
    )
    return render(
        request,
        "home.html",
        {
            "starters": starters,
            "recent_lessons": recent_lessons,
            "programmes": Programme.objects.all(),
            "matrix": learning_matrix(request.user),
        },
    )


def item_list(request, model, template_name):
    """The shared list page of cards and lessons, with filters and pages."""
    version = ContentVersion.current()
    programmes = list(Programme.objects.all())
    filters = ItemFilters(request.GET, programmes)
    items = (
        filters.apply(model.objects.visible_to(request.user)).for_listing().order_by("-published_at", "title")
    )
    paginator = Paginator(items, settings.PAGE_SIZE)
    # Counting every visible item is most of a list page's cost at scale, and
    # the count only changes with the content.
    paginator.count = ContentVersion.cached(
        "count",
        request.user,
        [model._meta.label, sorted(filters.active.items())],
        items.count,
        version=version,
    )
    page = paginator.get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        template_name,
        {
            # The rendered list is cached too; its page of items is then never read.
            "fragment_key": [
                version,
                ContentVersion.key_parts(request.user, [model._meta.label, sorted(request.GET.lists())]),
            ],
            "page_obj": page,
            "items": page.object_list,
            "filters": filters,
            "programmes": programmes,
            "vocabularies": VOCABULARIES,
            "query_without_page": query_without_page,
            "print_url": f"{reverse('card-print')}?{query_without_page.urlencode()}" if model is Card else "",
        },
    )


def detail_context(request, item, version):
    """What a card or lesson page needs for its cached body: the key and the related items.

    Related items are passed as a callable, so that they are only looked up
    when the body is rendered rather than found in the cache, and at most
    once however often the template reads them.
    """
    return {
        "fragment_key": [
            version,
            ContentVersion.key_parts(request.user, [item.kind, item.pk, item.status]),
        ],
        "related": functools.cache(lambda: related_items(item, request.user, version=version)),
    }


def programme_list(request):
    return render(request, "programmes/programme_list.html", {"programmes": Programme.objects.all()})


def programme_detail(request, slug):
    programme = get_object_or_404(Programme, slug=slug)
    cards = Card.objects.visible_to(request.user).filter(programme=programme).for_listing()
    lessons = Lesson.objects.visible_to(request.user).filter(programme=programme).for_listing()
    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            "deals": programme.deals.all(),
            "cards": cards.order_by("title"),
            "lessons": lessons.order_by("-published_at", "title"),
        },
    )


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


# SQLSTATEs of a server that is going away or not yet taking connections;
# class 08 is a connection that failed or broke.
SERVER_UNAVAILABLE_STATES = {"57P01", "57P02", "57P03"}


def database_unavailable(error):
    """Whether `error` means the database cannot be reached, rather than that it refused a query.

    Both are OperationalErrors to Django: so is, say, a search vector over
    PostgreSQL's size limit, which is a bug to fix and no reason to come back
    later. An error PostgreSQL sends carries an SQLSTATE; a connection that
    could not be made or was lost has none (psycopg) or one of class 08.
    """
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    state = getattr(error.__cause__, "sqlstate", None)
    return state is None or state.startswith("08") or state in SERVER_UNAVAILABLE_STATES


@requires_csrf_token
def server_error(request):
    # Rendered without context processors or the database: whatever broke may
    # be one of them. A database that is down is a 503, which tells load
    # balancers and people alike to come back shortly.
    if database_unavailable(sys.exc_info()[1]):
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.get_template("500.html").render())


def _programme_from(request, programmes):
    slug = request.GET.get("programme", "")
    programme = next((p for p in programmes if p.slug == slug), None)
    notices = []
    if slug and programme is None:
        notices.append(
            _("Het programma “%(value)s” bestaat niet; alle programma's worden getoond.")
            % {"value": slug[:100]}
        )
    return programme, notices


def learning_matrix(user, programme=None):
    """Counts of visible items per order x level and per stream x mode, with search links."""
    cell_counts, stream_counts = ContentVersion.cached(
        "matrix", user, [programme.slug if programme else ""], lambda: _matrix_counts(user, programme)
    )

    def link(**filters):
        if programme is not None:
            filters["programme"] = programme.slug
        return f"{reverse('search')}?{urlencode(filters)}"

    orders = [
        {
            "code": order,
            "label": order.label,
            "question": ORDER_QUESTIONS[order],
            "meaning": framework.ORDERS[order],
            "cells": [
                {
                    "level": level,
                    "text": framework.CELLS[order, level],
                    "count": cell_counts[order, level],
                    "url": link(order=order, level=level),
                }
                for level in Level
            ],
        }
        for order in Order
    ]
    streams = [
        {
            "code": stream,
            "label": stream.label,
            "core": framework.STREAMS[stream]["core"],
            "network": framework.STREAMS[stream]["network"],
            "cells": [
                {
                    "mode": mode,
                    "text": framework.STREAMS[stream][mode],
                    "count": stream_counts[stream, mode],
                    "url": link(stream=stream, mode=mode),
                }
                for mode in Mode
            ],
        }
        for stream in Stream
    ]
    return {"orders": orders, "streams": streams, "levels": list(Level), "modes": list(Mode)}


def _matrix_counts(user, programme):
    cell_counts, stream_counts = Counter(), Counter()
    for model in (Card, Lesson):
        items = model.objects.visible_to(user).order_by()
        if programme is not None:
            items = items.filter(programme=programme)
        # One pass over the items: at most 60 groups, summed into both tables.
        for row in items.values("order", "level", "stream", "mode").annotate(n=Count("*")):
            cell_counts[row["order"], row["level"]] += row["n"]
            stream_counts[row["stream"], row["mode"]] += row["n"]
    return cell_counts, stream_counts


def learning(request):
    programmes = list(Programme.objects.all())
    programme, notices = _programme_from(request, programmes)
    return render(
        request,
        "learning.html",
        {
            "matrix": learning_matrix(request.user, programme),
            "programmes": programmes,
            "programme": programme,
            "notices": notices,
            "mode_texts": [(mode, framework.MODES[mode]) for mode in Mode],
            "level_texts": [(level, framework.LEVELS[level]) for level in Level],
        },
    )


def search(request):
    version = ContentVersion.current()
    programmes = list(Programme.objects.all())

    def results():
        outcome = engine.search(request.user, request.GET, programmes, version)
        context = web_search.results_context(outcome, request.GET, programmes)
        return outcome, render_to_string("includes/search_results.html", context, request)

    # The rendered results are cached whole, per language and query string: a
    # repeated search costs a cache read, not the ranking, snippets and template.
    outcome, results_html = ContentVersion.cached(
        "search-page",
        request.user,
        [get_language(), sorted(request.GET.lists())],
        results,
        alias="fragments",
        version=version,
    )
    context = {
        "outcome": outcome,
        "programmes": programmes,
        "results_html": results_html,
        "hidden_filters": {**outcome.filters.active, **({"type": outcome.kind} if outcome.kind else {})},
    }
    if outcome.is_browse:
        context["recent"] = _recent_items(request.user)
        context["matrix"] = learning_matrix(request.user)
    return render(request, "search.html", context)


@api.read_only
def search_api(request):
    version = ContentVersion.current()
    programmes = list(Programme.objects.all())
    outcome = engine.search(request.user, request.GET, programmes, version)
    return JsonResponse(
        api.search_data(outcome, request, programmes),
        json_dumps_params={"ensure_ascii": False},
    )


def _recent_items(user, size=6):
    cards = list(Card.objects.visible_to(user).select_related("programme").order_by("-published_at")[:size])
    lessons = list(
        Lesson.objects.visible_to(user).select_related("programme").order_by("-published_at")[:size]
    )
    return sorted(cards + lessons, key=lambda item: item.published_at, reverse=True)[:size]


@staff_member_required
def needs_attention(request):
    """What coordinators should look at: items in review, cards to check, untagged items."""
    today = timezone.localdate()
    sections = []
    for model in (Card, Lesson):
        opts = model._meta
        if not request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        items = model.objects.select_related("programme").order_by("-updated_at")
        sections.append(
            {
                "label": opts.verbose_name_plural,
                "admin_url": f"admin:{opts.app_label}_{opts.model_name}_change",
                "in_review": list(items.filter(status=Status.REVIEW)),
                "untagged": list(items.filter(tags__isnull=True).exclude(status=Status.ARCHIVED)),
                "overdue": list(items.filter(review_due__lt=today).exclude(status=Status.ARCHIVED))
                if model is Card
                else [],
                "awaiting_check": list(items.filter(awaiting_check=True).exclude(status=Status.ARCHIVED))
                if model is Card
                else [],
            }
        )
    return render(
        request,
        "admin/needs_attention.html",
        {**admin.site.each_context(request), "title": _("Vraagt aandacht"), "sections": sections},
    )
