"""Related cards and lessons, chosen to carry knowledge across programmes."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from taggit.models import TaggedItem

from dealkennis.models import ContentVersion

RELATED_LIMIT = 5
AXES = ("stream", "mode", "order", "level")
# Scoring is bounded to the newest items that share a tag or the whole
# classification with the item: with many items per tag, scoring all of them
# would read most of the table for every page.
CANDIDATES = 400


def related_items(item, user, limit=RELATED_LIMIT):
    """Cached per content version: scoring reads many tagged items."""
    return ContentVersion.cached(
        "related", user, [item.kind, item.pk, limit], lambda: _related_items(item, user, limit)
    )


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
        shared_tags = dict(
            TaggedItem.objects.filter(
                content_type=ContentType.objects.get_for_model(model), tag_id__in=tag_ids
            )
            .values("object_id")
            .annotate(shared=Count("id"))
            .order_by("-shared", "-object_id")
            .values_list("object_id", "shared")[:CANDIDATES]
        )
        same_classification = (
            model.objects.filter(stream=item.stream, order=item.order, level=item.level)
            .order_by("-pk")
            .values("pk")[:CANDIDATES]
        )
        queryset = (
            model.objects.visible_to(user)
            .filter(Q(pk__in=list(shared_tags)) | Q(pk__in=same_classification))
            .select_related("programme")
            .only(
                "slug",
                "title",
                "published_at",
                "stream",
                "mode",
                "order",
                "level",
                "programme__name",
                "programme__slug",
            )
        )
        if isinstance(item, model):
            queryset = queryset.exclude(pk=item.pk)
        for candidate in queryset:
            candidate.shared_tags = shared_tags.get(candidate.pk, 0)
            shared_axes = sum(getattr(candidate, axis) == getattr(item, axis) for axis in AXES)
            if not candidate.shared_tags and shared_axes < 3:
                continue
            candidate.other_programme = int(candidate.programme_id != item.programme_id)
            candidate.score = 2 * candidate.shared_tags + shared_axes + 2 * candidate.other_programme
            candidates.append(candidate)
    candidates.sort(
        key=lambda candidate: (-candidate.score, -candidate.published_at.timestamp(), candidate.title)
    )
    chosen = candidates[:limit]
    # Shown grouped: other programmes first, each group still by score.
    chosen.sort(key=lambda candidate: -candidate.other_programme)
    return chosen
