"""`{% follow_button kind ... %}`: the "Volgen" / "Niet meer volgen" button for what a page shows.

A tag rather than view context, so that a page gets a button by one line in its
template: programme pages, tag filters, the learning matrix and the search page.
The reader's follows are read once per request, and never for an anonymous
visitor (who gets a link to sign in, and costs no query).
"""

from django import template
from django.template.loader import render_to_string

from dealkennis.caching import ContentVersion
from dealkennis.pages import programmes
from follows.models import Follow, Kind
from follows.topics import Refused, topic

register = template.Library()


def _followed(request):
    known = getattr(request, "_followed_topics", None)
    if known is None:
        known = set(Follow.objects.filter(user=request.user).values_list("kind", "key"))
        request._followed_topics = known
    return known


@register.simple_tag(takes_context=True)
def follow_button(context, kind, params=None, only_signed_in=False, **values):
    """The button for topic `kind` with `params` (a query dict) and/or `values`; nothing if none.

    `only_signed_in`: no sign-in link for anonymous visitors (the matrix would hold sixteen).
    """
    request = context.get("request")
    if request is None or (only_signed_in and not request.user.is_authenticated):
        return ""
    chosen = dict(params.items()) if params is not None else {}
    chosen.update({name: str(value) for name, value in values.items() if value})
    data = {"next": request.get_full_path(), "signed_in": request.user.is_authenticated}
    if request.user.is_authenticated:
        needed = programmes(ContentVersion.current()) if kind in (Kind.PROGRAMME, Kind.SEARCH) else []
        try:
            found = topic(kind, chosen, needed)
        except Refused:
            return ""
        data.update(kind=found.kind, key=found.key, followed=(found.kind, found.key) in _followed(request))
        data["label"] = found.label()
    return render_to_string("includes/follow_button.html", data, request)
