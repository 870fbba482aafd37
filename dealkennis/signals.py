"""Keep what is derived from the content in step with it: the copied names that feed the
search vector, the vectors of search by meaning, the typo vocabulary, and the content
version that keys the caches."""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete
from django.dispatch import Signal, receiver
from taggit.models import Tag, TaggedItem

from dealkennis.caching import ContentVersion
from dealkennis.models import Deal, KnowledgeItem, Programme, knowledge_models
from dealkennis.search.meaning import forget_extension_state
from dealkennis.search.suggestions import SearchWord, stored_vocabulary
from dealkennis.search.vectors import embed_after_commit
from dealkennis.tagging import changing_tags, link_changed_in_manager, tags_changed

# Sent when an account is removed on its owner's request (AVG), with `user`: every
# app that keeps something about a person removes it, without accounts knowing them.
account_removed = Signal()


# Tag links change through the item's tag manager, but also on their own (the
# tag admin's inline, its "merge tags" action, a deleted tag), so each link's
# own signals refresh its item, unless it is part of a change through the
# manager: that refreshes the item once, when it is done (`tags_changed`).
@receiver(post_save, sender=TaggedItem)
@receiver(post_delete, sender=TaggedItem)
def refresh_tags_in_search(sender, instance, raw=False, **kwargs):
    if link_changed_in_manager(instance):
        return
    model = ContentType.objects.get_for_id(instance.content_type_id).model_class()
    if not raw and model is not None and issubclass(model, KnowledgeItem):
        model.refresh_search_tags([instance.object_id])
        embed_after_commit(model, [instance.object_id])
    ContentVersion.bump()


@receiver(tags_changed)
def refresh_changed_tags_in_search(sender, instance, **kwargs):
    _refresh_tag_copies(sender, instance)
    embed_after_commit(sender, [instance.pk])


# A history restore or recover (django-reversion) writes the old row back raw,
# with the tag copies it had then; the tag links are not part of the history
# and stay as they are, so the copies are taken from them again.
@receiver(post_save)
def refresh_restored_item_tags(sender, instance, raw=False, **kwargs):
    if raw and isinstance(instance, KnowledgeItem):
        _refresh_tag_copies(sender, instance)


def _refresh_tag_copies(model, instance):
    # The item a form, an import or a revision holds gets the new copies too,
    # so a later save or snapshot of it does not carry the old ones.
    for item in model.refresh_search_tags([instance.pk]):
        for name in ("search_tags", "tag_ids", "fuzzy_text"):
            setattr(instance, name, getattr(item, name))


@receiver(post_save, sender=Tag)
def refresh_renamed_tag_in_search(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    for model in knowledge_models():
        tagged = TaggedItem.objects.filter(
            tag=instance, content_type=ContentType.objects.get_for_model(model)
        )
        refreshed = model.refresh_search_tags(tagged.values("object_id"))
        embed_after_commit(model, [item.pk for item in refreshed])


# Raw saves too: django-reversion writes a restored version back raw.
@receiver(post_save)
def embed_saved_item(sender, instance, **kwargs):
    if isinstance(instance, KnowledgeItem):
        embed_after_commit(sender, [instance.pk])


# A migration may have installed pgvector since this process looked.
@receiver(post_migrate, dispatch_uid="vector-extension-after-migrate")
def look_for_vector_extension_again(sender, **kwargs):
    forget_extension_state()


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
    for model in knowledge_models():
        for item in model.objects.filter(deal=instance).select_related("programme"):
            item.deal = None
            model.objects.filter(pk=item.pk).update(search_context=item.build_search_context())
            embed_after_commit(model, [item.pk])


@receiver(post_save, sender=Programme)
@receiver(post_save, sender=Deal)
def refresh_names_in_search(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    for model in knowledge_models():
        related = model.objects.select_related("programme", "deal")
        related = related.filter(programme=instance) if sender is Programme else related.filter(deal=instance)
        for item in related:
            model.objects.filter(pk=item.pk).update(search_context=item.build_search_context())
            embed_after_commit(model, [item.pk])


def bump_content_version(sender, **kwargs):
    ContentVersion.bump()


def bump_for_saved_tag(sender, instance, created, **kwargs):
    # A tag the item's tag manager creates for a change comes with that change's one bump.
    if not (created and changing_tags()):
        ContentVersion.bump()


def connect_version_bumps():
    # Tag links bump it themselves (`refresh_tags_in_search`), or once per
    # change through the item's tag manager.
    tags_changed.connect(bump_content_version, dispatch_uid="version-tags")
    post_save.connect(bump_for_saved_tag, sender=Tag, dispatch_uid="version-save-Tag")
    post_delete.connect(bump_content_version, sender=Tag, dispatch_uid="version-delete-Tag")
    for model in (*knowledge_models(), Programme, Deal):
        post_save.connect(bump_content_version, sender=model, dispatch_uid=f"version-save-{model.__name__}")
        post_delete.connect(
            bump_content_version, sender=model, dispatch_uid=f"version-delete-{model.__name__}"
        )
    # Links between items (a card's lessons) change no item row.
    for model in knowledge_models():
        for field in model._meta.local_many_to_many:
            if issubclass(field.related_model, KnowledgeItem):
                m2m_changed.connect(
                    bump_content_version,
                    sender=field.remote_field.through,
                    dispatch_uid=f"version-{model._meta.model_name}-{field.name}",
                )
