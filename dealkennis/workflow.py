"""The review workflow of cards and lessons: draft -> review -> published -> archived."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from dealkennis.classification import Status

# Which status may follow which. Going back to draft is always possible.
TRANSITIONS = {
    Status.DRAFT: {Status.REVIEW, Status.PUBLISHED},
    Status.REVIEW: {Status.DRAFT, Status.PUBLISHED},
    Status.PUBLISHED: {Status.DRAFT, Status.ARCHIVED},
    Status.ARCHIVED: {Status.DRAFT, Status.PUBLISHED},
}


def publish_permission(model):
    return f"{model._meta.app_label}.publish_{model._meta.model_name}"


def can_publish(user, model):
    return user.has_perm(publish_permission(model))


def check_transition(user, item, old_status, new_status):
    """Raise if `user` may not move `item` from `old_status` to `new_status`."""
    if old_status == new_status:
        return
    if new_status not in TRANSITIONS[Status(old_status)]:
        raise ValidationError(
            _("Van “%(old)s” kan een item niet direct naar “%(new)s”.")
            % {"old": Status(old_status).label, "new": Status(new_status).label}
        )
    if Status.PUBLISHED in (old_status, new_status) and not can_publish(user, type(item)):
        raise PermissionDenied(_("Alleen een coördinator mag publiceren of een publicatie intrekken."))
