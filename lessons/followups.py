"""Follow-ups as readers see them: never a card or lesson they may not see."""

from lessons.models import FollowUp, Lesson


def followups_for(lesson, user):
    """The lesson's follow-ups, each with `done_item`: the record of the new practice, if `user` may see it.

    Most lessons have no follow-up, or none done yet, so the follow-ups are
    read plainly first. Only the done items among them are then asked of
    `visible_to`, one statement per type: a done follow-up never names an
    internal or draft item to someone who may not see that item. (One
    statement with both questions as subqueries cost every lesson page some
    3 ms of query compiling, to answer a question most pages never ask.)
    """
    followups = list(
        lesson.followups.only(
            *("description", "order", "level", "owner", "status", "due_on", "closed_on"),
            *("lesson_id", "done_card_id", "done_lesson_id"),
        ).order_by("pk")
    )
    # The card model through the relation: this app does not import the cards app.
    card_model = FollowUp._meta.get_field("done_card").related_model
    shown = {"done_card_id": {}, "done_lesson_id": {}}
    for model, field in ((card_model, "done_card_id"), (Lesson, "done_lesson_id")):
        if pks := {getattr(followup, field) for followup in followups} - {None}:
            items = model.objects.visible_to(user).filter(pk__in=pks).only("slug", "title")
            shown[field] = {item.pk: item for item in items}
    for followup in followups:
        card = shown["done_card_id"].get(followup.done_card_id)
        followup.done_item = card or shown["done_lesson_id"].get(followup.done_lesson_id)
    return followups
