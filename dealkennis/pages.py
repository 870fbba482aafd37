"""Page helpers: the filtered list page, a detail page's cached parts, the programmes of every page.

Each app's views call these with their own model and template; nothing here
knows which item types exist.
"""

import functools

from django.conf import settings
from django.core.cache import caches
from django.core.cache.utils import make_template_fragment_key
from django.core.paginator import Paginator
from django.db.models import Sum
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language

from dealkennis.caching import ContentVersion
from dealkennis.classification import VOCABULARIES
from dealkennis.filters import ItemFilters
from dealkennis.matrixcounts import MatrixCount
from dealkennis.models import Programme
from dealkennis.related import related_items, related_items_later

# The `{% cache %}` fragment of a card's or lesson's page, keyed by language and `detail_context`'s key.
DETAIL_FRAGMENT = "item-detail"
# What a listed item shows (item_tags.item_summary), and cards' questions:
# never the long texts of its own page, which are stored out of line (TOAST).
LISTED_FIELDS = (
    "title",
    "slug",
    "summary",
    "visibility",
    *VOCABULARIES,
    "programme__name",
    "programme__slug",
)


def listed(queryset):
    """`queryset` with only what a list shows of each item, its programme joined."""
    fields = [*LISTED_FIELDS, *(name for name in ("question",) if _has_field(queryset.model, name))]
    return queryset.select_related("programme").only(*fields)


def _has_field(model, name):
    return any(field.name == name for field in model._meta.concrete_fields)


def programmes(version):
    """Every programme, read once per content version (which every change to a programme bumps).

    Each list and search page needs them for its filters and facets.
    """
    every = lambda: list(Programme.objects.all())  # noqa: E731
    return ContentVersion.cached("programmes", None, [], every, version=version)


def item_list(request, model, template_name, print_url_name=None):
    """The shared list page of cards and lessons, with filters and pages.

    `print_url_name` names the view that prints the same selection, where the
    item type has one.
    """
    version = ContentVersion.current()
    all_programmes = programmes(version)
    filters = ItemFilters(request.GET, all_programmes)
    items = listed(filters.apply(model.objects.visible_to(request.user))).order_by("-published_at", "title")
    paginator = Paginator(items, settings.PAGE_SIZE)
    # Counting every visible item is most of a list page's cost at scale, and
    # the count only changes with the content.
    paginator.count = ContentVersion.cached(
        "count",
        request.user,
        [model._meta.label, sorted(filters.active.items())],
        lambda: listed_count(model, request.user, filters, items),
        version=version,
    )
    page = paginator.get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        template_name,
        {
            # The rendered list is cached too; its page of items is then never read.
            "fragment_key": [
                version,
                ContentVersion.key_parts(request.user, [model._meta.label, sorted(request.GET.lists())]),
            ],
            "page_obj": page,
            "items": page.object_list,
            "filters": filters,
            "programmes": all_programmes,
            "vocabularies": VOCABULARIES,
            "query_without_page": query_without_page,
            "print_url": f"{reverse(print_url_name)}?{query_without_page.urlencode()}"
            if print_url_name
            else "",
        },
    )


# The list filters that `MatrixCount` counts by.
COUNTED_FILTERS = ("programme", "stream", "mode", "order", "level")


def listed_count(model, user, filters, items):
    """How many items a list shows: summed from the counts the database keeps (`MatrixCount`).

    Those count every item by programme and classification, so only another
    filter (a tag) needs the items themselves counted (`items`, the list's
    queryset). At 100,000 items, counting the visible lessons took 7 ms; the
    sum takes one.
    """
    if not set(filters.active) <= set(COUNTED_FILTERS):
        return items.count()
    classified = {name: value for name, value in filters.active.items() if name != "programme"}
    counts = MatrixCount.objects.visible_to(user).filter(item_table=model._meta.db_table, **classified)
    if filters.programme is not None:
        counts = counts.filter(programme=filters.programme)
    return counts.aggregate(total=Sum("n"))["total"] or 0


def detail_context(request, item, version, listed=None):
    """What a card or lesson page needs for its cached body: the key and the related items.

    Related items are passed as a callable, so that they are only looked up
    when the body is rendered rather than found in the cache, and at most
    once however often the template reads them. When the body is not cached,
    they are read beside the request (`aside`) while it renders the rest.
    `listed`: the items the page lists already (a card's lessons, a lesson's
    cards), which "Verwant" leaves out; pass the queryset the template
    iterates, so that it is read once.
    """
    fragment_key = [version, ContentVersion.key_parts(request.user, [item.kind, item.pk, item.status])]
    related = functools.partial(related_items, item, request.user, version=version)
    fragment = make_template_fragment_key(DETAIL_FRAGMENT, [get_language(), fragment_key])
    if not caches["fragments"].has_key(fragment):
        related = related_items_later(item, request.user, version=version)
    if listed is not None:
        found = related

        def related():
            urls = {other.get_absolute_url() for other in listed}
            return [other for other in found() if other.url not in urls]

    return {"fragment_key": fragment_key, "related": functools.cache(related)}
