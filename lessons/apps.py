"""The lessons app's configuration; it connects the contributor mail to the lesson's signals."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LessonsConfig(AppConfig):
    name = "lessons"
    verbose_name = _("Lessen")

    def ready(self):
        from django.db.models.signals import post_delete, post_save, pre_save

        from dealkennis.caching import ContentVersion
        from lessons import notifications
        from lessons.models import FollowUp, Lesson

        # A contributor hears of every status change of their lesson, whichever path made it.
        pre_save.connect(notifications.remember_stored_status, sender=Lesson, dispatch_uid="status-mail")
        post_save.connect(notifications.queue_status_mail, sender=Lesson, dispatch_uid="status-mail")

        # A lesson's cached page shows its follow-ups.
        def bump(sender, **kwargs):
            ContentVersion.bump()

        post_save.connect(bump, sender=FollowUp, weak=False, dispatch_uid="version-save-FollowUp")
        post_delete.connect(bump, sender=FollowUp, weak=False, dispatch_uid="version-delete-FollowUp")
