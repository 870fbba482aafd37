"""Atom feeds of new and updated knowledge, for feed readers and newsletters.

Feeds are public documents that get cached and forwarded, so they always show
what an anonymous visitor may see, whoever requests them.
"""

from operator import attrgetter

from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from cards.models import Card
from dealkennis.models import Programme
from lessons.models import Lesson

FEED_SIZE = 30


def public_items(programme=None, size=FEED_SIZE):
    """The most recently updated published public cards and lessons together."""
    items = []
    for model in (Card, Lesson):
        queryset = model.objects.visible_to(AnonymousUser()).select_related("programme")
        if programme is not None:
            queryset = queryset.filter(programme=programme)
        # Each model's newest `size` are enough to find the newest `size` of both.
        items += queryset.prefetch_related("tags").order_by("-updated_at")[:size]
    return sorted(items, key=attrgetter("updated_at"), reverse=True)[:size]


class NewItemsFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("Dealkennis: nieuwe en bijgewerkte kennis")

    def subtitle(self):
        return _("De nieuwste en laatst bijgewerkte inspiratiekaarten en lessen over dealmaken.")

    def link(self):
        return reverse("home")

    def items(self):
        return public_items()

    def item_title(self, item):
        return f"{item.kind_label}: {item.display_title}"

    def item_description(self, item):
        # Atom marks the summary as type="html"; escaping keeps the plain text
        # plain in feed readers instead of letting it be read as markup.
        return escape(item.summary)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.programme.name, *sorted(tag.name for tag in item.tags.all())]


class ProgrammeFeed(NewItemsFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Programme, slug=slug)

    def title(self, programme):
        return _("Dealkennis: nieuw bij %(programme)s") % {"programme": programme.name}

    def subtitle(self, programme):
        return _("De nieuwste en laatst bijgewerkte inspiratiekaarten en lessen van %(programme)s.") % {
            "programme": programme.name
        }

    def link(self, programme):
        return programme.get_absolute_url()

    def items(self, programme):
        return public_items(programme)
