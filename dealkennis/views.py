from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from cards.models import Card
from dealkennis.classification import VOCABULARIES
from dealkennis.filters import ItemFilters
from dealkennis.models import Programme
from lessons.models import Lesson


def home(request):
    starters = (
        Card.objects.visible_to(request.user)
        .filter(starter_rank__isnull=False)
        .select_related("programme")
        .order_by("starter_rank")
    )
    recent_lessons = (
        Lesson.objects.visible_to(request.user).select_related("programme").order_by("-published_at")[:6]
    )
    return render(
        request,
        "home.html",
        {
            "starters": starters,
            "recent_lessons": recent_lessons,
            "programmes": Programme.objects.all(),
        },
    )


def item_list(request, model, template_name):
    """The shared list page of cards and lessons, with filters and pages."""
    programmes = list(Programme.objects.all())
    filters = ItemFilters(request.GET, programmes)
    items = (
        filters.apply(model.objects.visible_to(request.user)).for_listing().order_by("-published_at", "title")
    )
    page = Paginator(items, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        template_name,
        {
            "page_obj": page,
            "items": page.object_list,
            "filters": filters,
            "programmes": programmes,
            "vocabularies": VOCABULARIES,
            "querystring": query_without_page.urlencode(),
        },
    )


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


@requires_csrf_token
def server_error(request):
    # Rendered without context processors: whatever broke may be one of them.
    return HttpResponseServerError(loader.get_template("500.html").render())
