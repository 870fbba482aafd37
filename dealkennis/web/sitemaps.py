"""What search engines may find: the sitemap and robots.txt.

Crawlers are anonymous, so the sitemap lists only what an anonymous visitor
may see; internal and unpublished items must not leak through it.
"""

from django.contrib.auth.models import AnonymousUser
from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_safe

from cards.models import Card
from dealkennis.models import Deal, Programme
from lessons.models import Lesson
from strategies.models import LearningStrategy


class PageSitemap(Sitemap):
    """The home page and the pages that list and search everything."""

    def items(self):
        return ["home", "card-list", "lesson-list", "programme-list", "learning", "search"]

    def location(self, name):
        return reverse(name)


class ProgrammeSitemap(Sitemap):
    def items(self):
        return Programme.objects.order_by("pk")


class DealSitemap(Sitemap):
    """Deals whose page shows an anonymous visitor something: at least one public card or lesson.

    A deal's name and partners are public anyway (its programme page lists
    them), but a page with nothing to read is not worth a crawler's visit.
    """

    def items(self):
        shown = Q()
        for model in (Card, Lesson):
            shown |= Exists(model.objects.visible_to(AnonymousUser()).filter(deal=OuterRef("pk")))
        return Deal.objects.filter(shown).select_related("programme").order_by("pk")


class ItemSitemap(Sitemap):
    model = None

    def items(self):
        # Ordered by pk so the sitemap's own pagination is stable.
        return self.model.objects.visible_to(AnonymousUser()).only("slug", "updated_at").order_by("pk")

    def lastmod(self, item):
        return item.updated_at


class CardSitemap(ItemSitemap):
    model = Card


class LessonSitemap(ItemSitemap):
    model = Lesson


class StrategySitemap(Sitemap):
    """Published public strategies only: most are internal, and drafts are for staff."""

    def items(self):
        return LearningStrategy.objects.visible_to(AnonymousUser()).only("slug", "updated_at").order_by("pk")

    def lastmod(self, strategy):
        return strategy.updated_at


SITEMAPS = {
    "pages": PageSitemap,
    "programmes": ProgrammeSitemap,
    "deals": DealSitemap,
    "cards": CardSitemap,
    "lessons": LessonSitemap,
    "strategies": StrategySitemap,
}

# Pages that are private, personal or not meant for search results.
DISALLOWED = ["/admin/", "/account/", "/api/", "/lessen/delen/", "/lessen/mijn-inzendingen/"]


@require_safe
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Allow: /",
        *(f"Disallow: {path}" for path in DISALLOWED),
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
