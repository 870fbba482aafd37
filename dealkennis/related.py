"""Related cards and lessons, chosen to carry knowledge across programmes."""

from django.core.cache import cache
from django.db.models import Case, Count, F, IntegerField, Q, Value, When

from dealkennis.models import ContentVersion

RELATED_LIMIT = 5


def _one_if(**condition):
    return Case(When(**condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def related_items(item, user, limit=RELATED_LIMIT):
    """Cached per content version: scoring scans every item that shares a tag."""
    audience = "internal" if user is not None and user.is_authenticated else "public"
    key = f"related:{ContentVersion.current()}:{audience}:{item.kind}:{item.pk}:{limit}"
    found = cache.get(key)
    if found is None:
        found = _related_items(item, user, limit)
        cache.set(key, found, 15 * 60)
    return found


def _related_items(item, user, limit):
    """Items sharing tags and classification with `item`, other programmes first.

    Score: two points per shared tag, one per shared classification axis, and
    two for coming from another programme, so that exchange between the five
    programmes happens by default. Items with nothing in common are left out.
    """
    from cards.models import Card
    from lessons.models import Lesson

    tag_ids = [tag.pk for tag in item.tags.all()]
    candidates = []
    for model in (Card, Lesson):
        queryset = (
            model.objects.visible_to(user).select_related("programme").without_search_fields().order_by()
        )
        if isinstance(item, model):
            queryset = queryset.exclude(pk=item.pk)
        queryset = (
            queryset.annotate(
                shared_tags=Count("tags", filter=Q(tags__in=tag_ids), distinct=True),
                other_programme=Case(
                    When(programme_id=item.programme_id, then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                ),
                shared_axes=_one_if(stream=item.stream)
                + _one_if(mode=item.mode)
                + _one_if(order=item.order)
                + _one_if(level=item.level),
            )
            .annotate(score=2 * F("shared_tags") + F("shared_axes") + 2 * F("other_programme"))
            .filter(Q(shared_tags__gt=0) | Q(shared_axes__gte=3))
            .order_by("-score", "-published_at")[:limit]
        )
        candidates.extend(queryset)
    candidates.sort(key=lambda candidate: (-candidate.score, candidate.title))
    chosen = candidates[:limit]
    # Shown grouped: other programmes first, each group still by score.
    chosen.sort(key=lambda candidate: -candidate.other_programme)
    return chosen
