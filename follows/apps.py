"""Following programmes, tags, learning-matrix cells and searches, and the e-mail digest of what is new."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowsConfig(AppConfig):
    name = "follows"
    verbose_name = _("Volgen")

    def ready(self):
        from dealkennis.signals import account_removed
        from follows.models import forget_user

        # A removed account keeps its (emptied) user row; what it followed goes.
        account_removed.connect(forget_user, dispatch_uid="follows-forget-user")
