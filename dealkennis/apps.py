"""The core app's configuration; it connects the core's signals."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DealkennisConfig(AppConfig):
    name = "dealkennis"
    verbose_name = _("Programma's en deals")

    def ready(self):
        from dealkennis import checks, signals  # noqa: F401 - checks registers itself

        signals.connect_version_bumps()
