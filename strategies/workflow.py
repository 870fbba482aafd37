"""Who may publish a strategy: the items' rule (dealkennis.workflow), for a strategy's two statuses.

Editors write and change drafts; publishing, withdrawing and changing the
visibility of a published strategy are a coordinator's decisions. Checked
against the row as stored, never against what a form claims it was.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from dealkennis.classification import Status
from dealkennis.workflow import can_publish


def check_strategy_change(user, strategy, before):
    """Raise ValidationError unless `user` may save `strategy` as it is now (`before`: `stored_state`)."""
    old_status = Status(before.status) if before else Status.DRAFT
    new_status = Status(strategy.status)
    touches_publication = Status.PUBLISHED in (old_status, new_status)
    if can_publish(user, type(strategy)) or not touches_publication:
        return
    if new_status != old_status:
        raise ValidationError(
            _("Alleen een coördinator mag een leerstrategie publiceren of de publicatie intrekken."),
            code="forbidden",
        )
    if before is not None and before.visibility != strategy.visibility:
        raise ValidationError(
            _("Alleen een coördinator mag de zichtbaarheid van een gepubliceerde leerstrategie wijzigen."),
            code="forbidden",
        )
