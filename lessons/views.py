"""The lesson pages: the list, one lesson, the share form and a contributor's own submissions."""

import functools

import reversion
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from dealkennis.caching import ContentVersion
from dealkennis.classification import Status, Visibility
from dealkennis.pages import detail_context, item_list
from lessons.followups import followups_for
from lessons.forms import ShareLessonForm, initial_from
from lessons.models import Lesson, SourceKind


def lesson_list(request):
    return item_list(request, Lesson, "lessons/lesson_list.html")


def lesson_detail(request, slug):
    version = ContentVersion.current()
    lesson = get_object_or_404(Lesson.objects.previewable_by(request.user).for_listing(), slug=slug)
    cards = lesson.cards.visible_to(request.user).only("title", "slug", "question").order_by("title")
    return render(
        request,
        "lessons/lesson_detail.html",
        {
            "item": lesson,
            "lesson": lesson,
            # Read only when the rendered page is not in the cache.
            "cards": cards,
            "followups": functools.cache(lambda: followups_for(lesson, request.user)),
            **detail_context(request, lesson, version, listed=cards),
        },
    )


def share_lesson(request):
    if not request.user.is_authenticated:
        return render(request, "lessons/share_signin.html")
    if request.method == "POST":
        form = ShareLessonForm(request.POST)
    else:
        form = ShareLessonForm(initial=initial_from(request.GET))
    if request.method == "POST" and form.is_valid():
        lesson = form.save(commit=False)
        lesson.status = Status.REVIEW
        lesson.visibility = Visibility.INTERNAL
        lesson.source_kind = SourceKind.PRACTICE
        lesson.source = _("Gedeeld via Dealkennis door %(name)s") % {
            "name": request.user.get_full_name() or request.user.get_username()
        }
        lesson.contributor = request.user
        with reversion.create_revision():
            lesson.save()
            reversion.set_user(request.user)
            reversion.set_comment(_("Gedeeld via het formulier"))
        messages.success(
            request,
            _("Dank je! Je ervaring “%(title)s” staat nu klaar voor een coördinator.")
            % {"title": lesson.title},
        )
        return redirect("my-lessons")
    return render(request, "lessons/share.html", {"form": form})


@login_required
def my_lessons(request):
    lessons = (
        Lesson.objects.filter(contributor=request.user)
        .select_related("programme")
        .without_search_fields()
        .order_by("-created_at")
    )
    return render(request, "lessons/my_lessons.html", {"lessons": lessons})
