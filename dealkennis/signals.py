"""Keep the copied names that feed the search vector in step with their sources."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from taggit.models import TaggedItem

from dealkennis.models import ContentVersion, Deal, KnowledgeItem, Programme


@receiver(m2m_changed, sender=TaggedItem)
def refresh_tags_in_search(sender, instance, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, KnowledgeItem):
        instance.refresh_search_tags()


def _knowledge_models():
    from cards.models import Card
    from lessons.models import Lesson

    return (Card, Lesson)


@receiver(post_save, sender=Programme)
@receiver(post_save, sender=Deal)
def refresh_names_in_search(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    for model in _knowledge_models():
        related = model.objects.select_related("programme", "deal")
        related = related.filter(programme=instance) if sender is Programme else related.filter(deal=instance)
        for item in related:
            model.objects.filter(pk=item.pk).update(search_context=item.build_search_context())


def bump_content_version(sender, **kwargs):
    ContentVersion.bump()


def connect_version_bumps():
    from cards.models import Card
    from lessons.models import Lesson

    for model in (Card, Lesson, Programme, Deal, TaggedItem):
        post_save.connect(bump_content_version, sender=model, dispatch_uid=f"version-save-{model.__name__}")
        post_delete.connect(
            bump_content_version, sender=model, dispatch_uid=f"version-delete-{model.__name__}"
        )
    m2m_changed.connect(
        bump_content_version, sender=Card.lessons.through, dispatch_uid="version-card-lessons"
    )
