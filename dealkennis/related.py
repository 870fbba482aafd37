"""Related cards and lessons, chosen to carry knowledge across programmes."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from taggit.models import TaggedItem

from dealkennis.models import ContentVersion

RELATED_LIMIT = 5
AXES = ("stream", "mode", "order", "level")
# Scoring is bounded to the newest items that share a tag or the whole
# classification with the item: with many items per tag, scoring all of them
# would read most of the table for every page.
CANDIDATES = 400


def related_items(item, user, limit=RELATED_LIMIT, version=None):
    """Cached per content version: scoring reads many tagged items."""
    return ContentVersion.cached(
        "related",
        user,
        [item.kind, item.pk, limit],
        lambda: _related_items(item, user, limit),
        version=version,
    )


def _related_items(item, user, limit):
    """Items sharing tags and classification with `item`, other programmes first.

    Score: two points per shared tag, one per shared classification axis, and
    two for coming from another programme, so that exchange between the five
    programmes happens by default. Items with nothing in common are left out.
    Scored in the database, so only the chosen few are loaded.
    """
    from cards.models import Card
    from lessons.models import Lesson

    tag_ids = TaggedItem.objects.filter(
        content_type=ContentType.objects.get_for_model(item), object_id=item.pk
    ).values("tag_id")
    chosen = []
    for model in (Card, Lesson):
        tagged = TaggedItem.objects.filter(
            content_type=ContentType.objects.get_for_model(model), tag_id__in=tag_ids
        )
        sharing_most = (
            tagged.values("object_id").annotate(shared=Count("id")).order_by("-shared", "-object_id")
        ).values_list("object_id")[:CANDIDATES]
        same_classification = (
            model.objects.filter(stream=item.stream, order=item.order, level=item.level)
            .order_by("-pk")
            .values_list("pk")[:CANDIDATES]
        )
        # Fetched first: as subqueries, the planner scans every visible item.
        candidates = [pk for (pk,) in sharing_most.union(same_classification)]
        shared_tags = tagged.filter(object_id=OuterRef("pk")).values("object_id").annotate(n=Count("id"))
        shared_axes = sum(
            (Case(When(**{axis: getattr(item, axis)}, then=1), default=0) for axis in AXES), Value(0)
        )
        queryset = (
            model.objects.visible_to(user)
            .filter(pk__in=candidates)
            .annotate(
                shared_tags=Coalesce(Subquery(shared_tags.values("n")), 0),
                shared_axes=shared_axes,
                other_programme=Case(When(programme_id=item.programme_id, then=0), default=1),
            )
            .annotate(score=2 * F("shared_tags") + F("shared_axes") + 2 * F("other_programme"))
            .filter(Q(shared_tags__gt=0) | Q(shared_axes__gte=3))
            .select_related("programme")
            .only(
                "slug",
                "title",
                "published_at",
                "programme__name",
                "programme__slug",
            )
            .order_by("-score", "-published_at", "title")
        )
        if isinstance(item, model):
            queryset = queryset.exclude(pk=item.pk)
        chosen += queryset[:limit]
    chosen.sort(
        key=lambda candidate: (-candidate.score, -candidate.published_at.timestamp(), candidate.title)
    )
    chosen = chosen[:limit]
    # Shown grouped: other programmes first, each group still by score.
    chosen.sort(key=lambda candidate: -candidate.other_programme)
    return chosen
