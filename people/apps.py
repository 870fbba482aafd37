"""Who is who across the programmes: opt-in profiles of the civil servants who make deals."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("Wie is wie")

    def ready(self):
        from people import signals  # noqa: F401 - connects the receivers
