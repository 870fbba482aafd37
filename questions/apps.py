"""The questions app's configuration; it tells an asker when the item that answers them is published."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionsConfig(AppConfig):
    name = "questions"
    verbose_name = _("Vragen en zoekvragen")

    def ready(self):
        from django.db.models.signals import post_save
        from import_export.signals import post_import

        from questions import notifications

        # Named, not imported: this app stays apart from cards and lessons.
        for sender in ("cards.Card", "lessons.Lesson"):
            post_save.connect(
                notifications.answer_saved, sender=sender, dispatch_uid=f"question-answer-{sender}"
            )
        # An admin import writes without signals; import-export says when it is done.
        post_import.connect(notifications.imported, dispatch_uid="question-answer-import")
