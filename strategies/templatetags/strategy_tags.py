"""Strategies on other pages: the programme page's status, the learning page's links, the attention list.

Template tags, so that those pages show strategies from an include without
their views knowing this app.
"""

from django import template

from strategies.models import LearningStrategy

register = template.Library()


# What the links and the status list show of a strategy: never its long texts.
LISTED = ("slug", "status", "visibility", "reviewed_on", "programme__name", "deal__name")


def _user(context):
    request = context.get("request")
    return request.user if request is not None else None


@register.inclusion_tag("includes/strategy_status.html", takes_context=True)
def strategy_status(context, programme):
    user = _user(context)
    strategies = list(
        LearningStrategy.objects.previewable_by(user)
        .filter(programme=programme)
        .select_related("programme", "deal")
        .only(*LISTED)
        .in_order()
    )
    return {
        "programme": programme,
        "strategies": strategies,
        "may_add": user is not None and user.has_perm("strategies.add_learningstrategy"),
    }


@register.inclusion_tag("includes/strategy_links.html", takes_context=True)
def strategy_links(context):
    strategies = (
        LearningStrategy.objects.previewable_by(_user(context))
        .select_related("programme", "deal")
        .only(*LISTED)
        .in_order()
    )
    return {"strategies": list(strategies)}


@register.simple_tag(takes_context=True)
def strategies_to_review(context):
    """Strategies never reviewed or reviewed more than a year ago, for those who may change them."""
    user = _user(context)
    if user is None or not user.has_perm("strategies.change_learningstrategy"):
        return []
    return list(LearningStrategy.objects.review_overdue().select_related("programme", "deal").in_order())
