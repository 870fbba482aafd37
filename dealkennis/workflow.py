"""The review workflow of cards and lessons: draft -> review -> published -> archived.

This module holds the one rule for changing an item's status or visibility.
Every path that writes them (the admin form, bulk actions, import, history
restore, recover, the review queue) asks `check_change` before it saves,
comparing the item as it is about to be saved with the row as the database
holds it now (`stored_state`), never with what a form or file claims it was.
A history restore or recover writes the old version back before its form is
checked, so the admin reads the row just before that. Paths that save inside
a transaction read the row with `lock=True`, so two saves of one item cannot
both pass the check on the same old row.
"""

from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dealkennis.classification import CLASSIFICATION_FIELDS, Status

# Which status may follow which.
TRANSITIONS = {
    Status.DRAFT: {Status.REVIEW, Status.PUBLISHED},
    Status.REVIEW: {Status.DRAFT, Status.PUBLISHED},
    Status.PUBLISHED: {Status.DRAFT, Status.ARCHIVED},
    Status.ARCHIVED: {Status.DRAFT, Status.PUBLISHED},
}
# Reaching or leaving these is publishing, withdrawing or archiving: a
# coordinator's decision. Editors move items between draft and review only.
COORDINATOR_STATUSES = frozenset({Status.PUBLISHED, Status.ARCHIVED})


class Stored(NamedTuple):
    status: str
    visibility: str


def publish_permission(model):
    return f"{model._meta.app_label}.publish_{model._meta.model_name}"


def can_publish(user, model):
    return user is not None and user.has_perm(publish_permission(model))


def stored_state(item, lock=False):
    """The status and visibility the database holds for `item`; None when it has no row.

    A recovered (deleted) item has no row, so it counts as new: its restored
    status is then a change like any other. With `lock`, the row stays locked
    until the transaction ends, so a concurrent save waits.
    """
    if item.pk is None:
        return None
    # The only value, whatever type the pk was given in (a version names it as text).
    found = stored_states(type(item)._default_manager.filter(pk=item.pk), lock)
    return next(iter(found.values()), None)


def stored_states(rows, lock=False):
    """`stored_state` of every item in the queryset `rows`, by pk, read (and locked) in one statement."""
    if lock:
        rows = rows.select_for_update()
    return {
        pk: Stored(status, visibility)
        for pk, status, visibility in rows.values_list("pk", "status", "visibility")
    }


def publication_problems(item):
    """What `item` lacks before it may be published, as {field: message}."""
    return {
        field: _("Vul dit in voordat je publiceert.")
        for field in CLASSIFICATION_FIELDS
        if not getattr(item, field)
    }


def check_change(user, item, before):
    """Raise ValidationError unless `user` may save `item` as it is now.

    `before` is `stored_state(item)`: what the database holds, or None for an
    item without a row (new, imported as new, or recovered). A refusal for
    lack of rights has code "forbidden"; one for an impossible step "transition";
    one for missing classification "incomplete" (with a message per field).
    """
    old_status = Status(before.status) if before else Status.DRAFT
    new_status = Status(item.status)
    coordinator = can_publish(user, type(item))
    if new_status != old_status:
        if new_status not in TRANSITIONS[old_status]:
            raise ValidationError(
                _("Van “%(old)s” kan een item niet direct naar “%(new)s”.")
                % {"old": old_status.label, "new": new_status.label},
                code="transition",
            )
        if {old_status, new_status} & COORDINATOR_STATUSES and not coordinator:
            raise ValidationError(
                _("Alleen een coördinator mag publiceren, een publicatie intrekken of archiveren."),
                code="forbidden",
            )
    if (
        before is not None
        and before.visibility != item.visibility
        and Status.PUBLISHED in (old_status, new_status)
        and not coordinator
    ):
        raise ValidationError(
            _("Alleen een coördinator mag de zichtbaarheid van een gepubliceerd item wijzigen."),
            code="forbidden",
        )
    if new_status == Status.PUBLISHED:
        problems = publication_problems(item)
        if problems:
            raise ValidationError(
                {field: ValidationError(message, code="incomplete") for field, message in problems.items()}
            )
