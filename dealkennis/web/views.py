"""The site's own pages: home, programmes, the learning matrix, search and the attention list.

The pages of one card or lesson live in their apps (cards/views.py, lessons/views.py).
"""

import functools

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cards.models import Card
from dealkennis import framework, pages
from dealkennis.caching import ContentVersion
from dealkennis.classification import Level, Mode, Status
from dealkennis.models import Deal, Programme, knowledge_models
from dealkennis.search import engine
from dealkennis.web import search as web_search
from dealkennis.web.matrix import learning_matrix, programme_from
from lessons.models import Lesson
from questions import gaps
from questions.models import GapOutcome, Question, QuestionStatus


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


def programme_list(request):
    return render(request, "programmes/programme_list.html", {"programmes": Programme.objects.all()})


# A programme page shows its newest items of each type; the rest are one link
# away in the filtered list (at 100,000 items a programme holds some 20,000).
PROGRAMME_ITEMS = 10


def programme_detail(request, slug):
    version = ContentVersion.current()
    programme = get_object_or_404(Programme, slug=slug)

    @functools.cache
    def newest(model):
        items = pages.listed(model.objects.visible_to(request.user).filter(programme=programme))
        # One more than shown, to know whether the link to all of them is needed.
        return list(items.order_by("-published_at", "title")[: PROGRAMME_ITEMS + 1])

    return render(
        request,
        "programmes/programme_detail.html",
        {
            "programme": programme,
            # The deals, the heatmaps and the newest items are rendered into a
            # cache (keyed by content version and audience): the callables are
            # only called when a part is not in it.
            "fragment_key": [version, ContentVersion.key_parts(request.user, ["programme", programme.pk])],
            "deals": programme.deals.select_related("programme"),
            "matrix": functools.cache(lambda: learning_matrix(request.user, programme, version=version)),
            "cards": lambda: newest(Card)[:PROGRAMME_ITEMS],
            "lessons": lambda: newest(Lesson)[:PROGRAMME_ITEMS],
            "more_cards": lambda: len(newest(Card)) > PROGRAMME_ITEMS,
            "more_lessons": lambda: len(newest(Lesson)) > PROGRAMME_ITEMS,
        },
    )


DEAL_ITEMS = 20


def deal_detail(request, programme, slug):
    """One deal: its partners and dates, and the cards and lessons from it that the reader may see."""
    # A deal under another programme's address is not found: one address per deal.
    deal = get_object_or_404(Deal.objects.select_related("programme"), slug=slug, programme__slug=programme)
    # The newest of each kind, as on a programme page: a deal's whole list
    # would need a deal filter on the lists and search, which they lack.
    items = {
        name: pages.listed(model.objects.visible_to(request.user).filter(deal=deal)).order_by(
            "-published_at", "title"
        )[:DEAL_ITEMS]
        for name, model in (("cards", Card), ("lessons", Lesson))
    }
    context = {"deal": deal, "programme": deal.programme, **items}
    return render(request, "programmes/deal_detail.html", context)


def learning(request):
    programmes = pages.programmes(ContentVersion.current())
    programme, notices = programme_from(request, programmes)
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
    programmes = pages.programmes(version)

    def results():
        outcome = engine.search(request.user, engine.parse(request.GET, programmes), programmes, version)
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
    # Outside the cache: every search counts, and a gap costs one upsert (questions.gaps).
    signal = gaps.record(request, outcome)
    context = {
        "outcome": outcome,
        "programmes": programmes,
        "results_html": results_html,
        "search_signal": signal if signal.get("clickable") or signal.get("seen") else None,
        "ask_offer": bool(outcome.query) and gaps.outcome_of(outcome) != GapOutcome.FOUND,
        "hidden_filters": {**outcome.filters.active, **({"type": outcome.kind} if outcome.kind else {})},
    }
    if outcome.is_browse:
        context["recent"] = _recent_items(request.user)
        context["matrix"] = learning_matrix(request.user)
    return render(request, "search.html", context)


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
    for model in knowledge_models():
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
        {
            **admin.site.each_context(request),
            "title": _("Vraagt aandacht"),
            "sections": sections,
            **_questions_and_gaps(request.user),
        },
    )


def _questions_and_gaps(user):
    """The open questions' count and the searches that helped nobody, for whoever may see them."""
    found = {}
    if user.has_perm("questions.view_question"):
        found["open_questions"] = Question.objects.filter(status=QuestionStatus.OPEN).count()
    if user.has_perm("questions.view_searchgap"):
        found["search_gaps"] = list(gaps.unanswered())
        found["may_draft"] = user.has_perm("cards.add_card")
    return found
