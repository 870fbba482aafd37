"""Open follow-ups on the attention page, from an include (the page's view does not know them)."""

from django import template

from lessons.models import FollowUp

register = template.Library()


@register.simple_tag(takes_context=True)
def open_followups(context):
    """Open follow-ups past or near their date, and how many are open; None for those without rights."""
    request = context.get("request")
    if request is None or not request.user.has_perm("lessons.view_followup"):
        return None
    return {
        "due": list(
            FollowUp.objects.due_soon()
            .select_related("lesson")
            .only("description", "owner", "status", "due_on", "lesson__title", "lesson_id")
        ),
        "open_count": FollowUp.objects.open().count(),
    }
