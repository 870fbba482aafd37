"""An item's tag manager: a change of its tags is one change of the item, however many links it writes.

Taggit writes and deletes one link (`TaggedItem`) at a time, and each link's
own signals refresh the item's search text and bump the content version
(`dealkennis.signals`), because links also change on their own (the tag
admin's inline, its "merge tags" action, a deleted tag). Through the item's
manager those per-link steps are skipped and `tags_changed` is sent once at
the end instead, for `set()` (a removal and an addition) too.
"""

import threading
from contextlib import contextmanager

from django.contrib.contenttypes.models import ContentType
from django.db import router, transaction
from django.dispatch import Signal
from taggit.managers import _TaggableManager

# Sent once after the tags of `instance` changed through its manager.
tags_changed = Signal()

# The items whose tags are changing through their manager in this thread,
# keyed as their links name them, each with whether a link changed yet.
_changing = threading.local()


def _in_progress():
    if not hasattr(_changing, "items"):
        _changing.items = {}
    return _changing.items


def link_changed_in_manager(link):
    """Whether this saved or deleted link is part of a change through its item's manager (noted if so)."""
    key = (link.content_type_id, link.object_id)
    changes = _in_progress()
    if key not in changes:
        return False
    changes[key] = True
    return True


def changing_tags():
    """Whether a change through an item's tag manager is under way in this thread."""
    return bool(_in_progress())


class ItemTagManager(_TaggableManager):
    def add(self, *tags, **kwargs):
        with self._one_change():
            super().add(*tags, **kwargs)

    def remove(self, *tags):
        with self._one_change():
            super().remove(*tags)

    def clear(self):
        with self._one_change():
            super().clear()

    def set(self, tags, **kwargs):
        with self._one_change():
            super().set(tags, **kwargs)

    @contextmanager
    def _one_change(self):
        item = self.instance
        key = None if item is None else (ContentType.objects.get_for_model(item).pk, item.pk)
        changes = _in_progress()
        if key is None or key in changes:  # no item (taggit refuses), or inside set()
            yield
            return
        # Atomic, as the one refresh at the end covers every link written.
        with transaction.atomic(using=router.db_for_write(self.through, instance=item)):
            changes[key] = False
            try:
                yield
                changed = changes[key]
            finally:
                del changes[key]
            if changed:
                tags_changed.send(sender=type(item), instance=item)
