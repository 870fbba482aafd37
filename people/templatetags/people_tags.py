"""Colleagues beside the content: on programme and deal pages, on cards and lessons, in search.

Each tag asks `Profile.objects.visible_to`, which gives anonymous visitors
nothing without a query: public pages stay as they were.
"""

from django import template

from people.models import Profile, Role
from people.search import matching

register = template.Library()

WHO_KNOWS = 4
IN_SEARCH = 5


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("people/includes/people_by_role.html", takes_context=True)
def people_by_role(context, programme=None, deal=None):
    """The colleagues who work on this programme or deal, by role."""
    profiles = Profile.objects.visible_to(_user(context))
    if deal is not None:
        profiles = profiles.filter(deals=deal)
    elif programme is not None:
        profiles = profiles.filter(programmes=programme)
    profiles = list(profiles.only("name", "organisation", "roles", "contact"))
    groups = []
    for value, label in Role.choices:
        members = [profile for profile in profiles if value in profile.roles]
        if members:
            groups.append({"label": label, "members": members})
    unroled = [profile for profile in profiles if not profile.roles]
    user = _user(context)
    return {"groups": groups, "unroled": unroled, "signed_in": bool(user and user.is_authenticated)}


@register.inclusion_tag("people/includes/who_knows.html", takes_context=True)
def who_knows(context, item):
    """ "Wie weet hier meer van?": colleagues on the item's topics, deal or programme.

    Those sharing a topic come first and, among equals, colleagues from other
    programmes before the item's own: the point is to meet who you would not.
    """
    user = _user(context)
    if user is None or not user.is_authenticated:
        return {"profiles": []}
    topics = [tag.name.lower() for tag in item.tags.all()]
    candidates = (
        Profile.objects.visible_to(user)
        .about(programme=item.programme_id, deal=item.deal_id, topics=topics)
        .exclude(user=user)
        .prefetch_related("programmes")
    )[:50]

    def order(profile):
        shared = len(set(profile.topics) & set(topics))
        own_programme = any(p.pk == item.programme_id for p in profile.programmes.all())
        return (-shared, own_programme, profile.name)

    return {"profiles": sorted(candidates, key=order)[:WHO_KNOWS], "topics": set(topics)}


@register.inclusion_tag("people/includes/people_found.html", takes_context=True)
def people_found(context, query):
    """Colleagues matching a search, for signed-in readers."""
    user = _user(context)
    if not query or user is None or not user.is_authenticated:
        return {"profiles": []}
    profiles = matching(Profile.objects.visible_to(user), query)
    profiles = profiles.only("name", "organisation", "roles", "topics")
    return {"profiles": list(profiles[:IN_SEARCH]), "query": query}
