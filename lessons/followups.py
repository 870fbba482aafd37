"""Follow-ups as readers see them: never a card or lesson they may not see."""

from django.db.models import Exists, OuterRef

from lessons.models import FollowUp, Lesson


def followups_for(lesson, user):
    """The lesson's follow-ups, each with `done_item`: the record of the new practice, if `user` may see it.

    One statement: whether the reader may see the card or lesson is asked in it
    (`visible_to`), so a done follow-up never names an internal or draft item
    to someone who may not see that item.
    """
    # The card model through the relation: this app does not import the cards app.
    card_model = FollowUp._meta.get_field("done_card").related_model
    rows = (
        lesson.followups.select_related("done_card", "done_lesson")
        .only(
            *("description", "order", "level", "owner", "status", "due_on", "closed_on", "lesson_id"),
            *("done_card__slug", "done_card__title", "done_lesson__slug", "done_lesson__title"),
        )
        .annotate(
            card_shown=Exists(card_model.objects.visible_to(user).filter(pk=OuterRef("done_card_id"))),
            lesson_shown=Exists(Lesson.objects.visible_to(user).filter(pk=OuterRef("done_lesson_id"))),
        )
        .order_by("pk")
    )
    followups = list(rows)
    for followup in followups:
        followup.done_item = (followup.done_card if followup.card_shown else None) or (
            followup.done_lesson if followup.lesson_shown else None
        )
    return followups
