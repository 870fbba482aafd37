"""Keep the copied names that feed the search vector, and the typo vocabulary, in step with their sources."""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from taggit.models import Tag, TaggedItem

from dealkennis import notifications
from dealkennis.models import ContentVersion, Deal, KnowledgeItem, Programme
from dealkennis.suggestions import SearchWord, stored_vocabulary


# Tag links change through the item's tag manager, but also on their own (the
# tag admin's inline, its "merge tags" action, a deleted tag), so the links'
# own signals are followed rather than the manager's m2m_changed.
@receiver(post_save, sender=TaggedItem)
@receiver(post_delete, sender=TaggedItem)
def refresh_tags_in_search(sender, instance, raw=False, **kwargs):
    model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
    if not raw and model is not None and issubclass(model, KnowledgeItem):
        model.refresh_search_tags([instance.object_id])


@receiver(m2m_changed, sender=TaggedItem)
def refresh_tags_in_memory(sender, instance, action, **kwargs):
    # The database holds the new names already (above); the item a form, an
    # import or a revision still holds gets them too, so a later save or
    # snapshot of it does not carry the old ones.
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, KnowledgeItem):
        instance.set_search_tags(instance.tags.values_list("name", flat=True))


@receiver(post_save, sender=Tag)
def refresh_renamed_tag_in_search(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    for model in _knowledge_models():
        tagged = TaggedItem.objects.filter(
            tag=instance, content_type=ContentType.objects.get_for_model(model)
        )
        model.refresh_search_tags(tagged.values("object_id"))


def _knowledge_models():
    from cards.models import Card
    from lessons.models import Lesson

    return (Card, Lesson)


# A deleted item's words leave the vocabularies that no other item holds them for.
@receiver(pre_delete)
def remember_words_of_deleted_item(sender, instance, **kwargs):
    if isinstance(instance, KnowledgeItem):
        instance.words_before_delete = stored_vocabulary(sender, [instance.pk])


@receiver(post_delete)
def forget_words_of_deleted_item(sender, instance, **kwargs):
    if isinstance(instance, KnowledgeItem):
        SearchWord.replace(getattr(instance, "words_before_delete", {}), {})


@receiver(pre_delete, sender=Deal)
def forget_deleted_deal_in_search(sender, instance, **kwargs):
    # The items keep their programme; the database then unlinks the deal
    # (SET_NULL) without any item signal, so its name is dropped here.
    for model in _knowledge_models():
        for item in model.objects.filter(deal=instance).select_related("programme"):
            item.deal = None
            model.objects.filter(pk=item.pk).update(search_context=item.build_search_context())


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

    for model in (Card, Lesson, Programme, Deal, Tag, TaggedItem):
        post_save.connect(bump_content_version, sender=model, dispatch_uid=f"version-save-{model.__name__}")
        post_delete.connect(
            bump_content_version, sender=model, dispatch_uid=f"version-delete-{model.__name__}"
        )
    m2m_changed.connect(
        bump_content_version, sender=Card.lessons.through, dispatch_uid="version-card-lessons"
    )


# A contributor hears of every status change of their lesson, whichever path made it.
pre_save.connect(notifications.remember_stored_status, sender="lessons.Lesson", dispatch_uid="status-mail")
post_save.connect(notifications.queue_status_mail, sender="lessons.Lesson", dispatch_uid="status-mail")
