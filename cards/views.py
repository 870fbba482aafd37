from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render

from cards.models import Card
from dealkennis.related import related_items
from dealkennis.views import item_list
from lessons.models import Lesson


def card_list(request):
    return item_list(request, Card, "cards/card_list.html")


def card_detail(request, slug):
    visible_lessons = Lesson.objects.visible_to(request.user).select_related("programme")
    card = get_object_or_404(
        Card.objects.previewable_by(request.user)
        .for_listing()
        .prefetch_related(Prefetch("lessons", queryset=visible_lessons.order_by("title"))),
        slug=slug,
    )
    return render(
        request,
        "cards/card_detail.html",
        {"item": card, "card": card, "related": related_items(card, request.user)},
    )
