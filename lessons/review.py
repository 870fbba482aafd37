"""The review queue: a coordinator classifies a shared lesson and decides on it on one page.

Editors may open it, classify and write the note, and send a lesson back;
publishing is the coordinator's, as everywhere (`workflow.check_change`).
"""

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dealkennis.classification import Status
from dealkennis.forms import BoundedTagField
from dealkennis.workflow import can_publish, check_change, stored_state
from lessons.models import Lesson

# Each decision: the status it leads to (None: stays in review) and its history comment.
DECISIONS = {
    "publish": (Status.PUBLISHED, gettext_lazy("Gepubliceerd vanuit de beoordelingslijst")),
    "return": (Status.DRAFT, gettext_lazy("Teruggestuurd naar de inzender")),
    "save": (None, gettext_lazy("Indeling en opmerking bewaard")),
}
DONE = {
    "publish": gettext_lazy("“%(title)s” is gepubliceerd."),
    "return": gettext_lazy("“%(title)s” is teruggestuurd naar de inzender, met je opmerking."),
    "save": gettext_lazy("De indeling en de opmerking bij “%(title)s” zijn bewaard."),
}


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ["stream", "mode", "order", "level", "visibility", "tags", "review_note"]
        field_classes = {"tags": BoundedTagField}
        help_texts = {
            "review_note": gettext_lazy("De inzender ziet dit bij Mijn inzendingen en in de e-mail."),
        }
        widgets = {"review_note": forms.Textarea(attrs={"rows": 4, "cols": 60})}


def _require_review_rights(user):
    if not user.has_perm("lessons.change_lesson"):
        raise PermissionDenied


@staff_member_required
def review_queue(request):
    _require_review_rights(request.user)
    lessons = (
        Lesson.objects.filter(status=Status.REVIEW)
        .select_related("programme", "contributor")
        .without_search_fields()
        .order_by("updated_at")
    )
    return render(
        request,
        "admin/review_queue.html",
        {**admin.site.each_context(request), "title": _("Beoordelen"), "lessons": lessons},
    )


@staff_member_required
def review_lesson(request, pk):
    _require_review_rights(request.user)
    lesson = get_object_or_404(Lesson.objects.select_related("programme", "deal", "contributor"), pk=pk)
    form = ReviewForm(instance=lesson)
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        if decision not in DECISIONS:
            messages.error(request, _("Kies wat er met deze les gebeurt: publiceren, terugsturen, bewaren."))
            return redirect("review-lesson", pk=lesson.pk)
        form, done = _decide(request, lesson, decision)
        if done:
            messages.success(request, DONE[decision] % {"title": lesson.title})
            if decision == "save":
                return redirect("review-lesson", pk=lesson.pk)
            return redirect("review-queue")
    return render(
        request,
        "admin/review_lesson.html",
        {
            **admin.site.each_context(request),
            "title": _("Beoordelen: %(title)s") % {"title": lesson.title},
            "lesson": lesson,
            "form": form,
            "in_review": lesson.status == Status.REVIEW,
            "may_publish": can_publish(request.user, Lesson),
        },
    )


def _decide(request, lesson, decision):
    """Apply `decision` with the form's classification and note; (form, whether it was saved)."""
    new_status, comment = DECISIONS[decision]
    with transaction.atomic():
        # The row is locked until the decision is saved: two coordinators
        # deciding at once take turns, and the second sees the first's result.
        before = stored_state(lesson, lock=True)
        if before is not None:
            lesson.refresh_from_db()
        form = ReviewForm(request.POST, instance=lesson)
        if before is None or before.status != Status.REVIEW:
            messages.error(
                request,
                _("Deze les staat niet meer ter beoordeling; iemand anders besloot al. Er is niets bewaard."),
            )
            return form, False
        if not form.is_valid():
            return form, False
        if new_status is not None:
            lesson.status = new_status
        try:
            check_change(request.user, lesson, before)
        except ValidationError as error:
            lesson.status = before.status
            form.add_error(None, error)
            return form, False
        with reversion.create_revision():
            form.save()
            reversion.set_user(request.user)
            reversion.set_comment(str(comment))
    return form, True


urlpatterns = [
    path("", review_queue, name="review-queue"),
    path("<int:pk>/", review_lesson, name="review-lesson"),
]
