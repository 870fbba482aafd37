from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from cards.models import Card
from dealkennis.related import related_items
from dealkennis.views import item_list
from lessons.models import Lesson


def lesson_list(request):
    return item_list(request, Lesson, "lessons/lesson_list.html")


def lesson_detail(request, slug):
    visible_cards = Card.objects.visible_to(request.user).only("title", "slug", "question")
    lesson = get_object_or_404(
        Lesson.objects.visible_to(request.user)
        .for_listing()
        .prefetch_related(Prefetch("cards", queryset=visible_cards.order_by("title"))),
        slug=slug,
    )
    return render(
        request,
        "lessons/lesson_detail.html",
        {"item": lesson, "lesson": lesson, "related": related_items(lesson, request.user)},
    )
