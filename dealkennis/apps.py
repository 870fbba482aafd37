"""The core app's configuration; it connects the core's signals."""

import gc

from django.apps import AppConfig
from django.core.signals import request_finished
from django.utils.translation import gettext_lazy as _

FREEZE_UID = "freeze-after-first-request"


class DealkennisConfig(AppConfig):
    name = "dealkennis"
    verbose_name = _("Programma's en deals")

    def ready(self):
        from dealkennis import checks, signals  # noqa: F401 - checks registers itself

        signals.connect_version_bumps()
        request_finished.connect(freeze_what_the_first_request_loaded, dispatch_uid=FREEZE_UID)


def freeze_what_the_first_request_loaded(sender, **kwargs):
    """Keep the objects a process loaded for its first request out of every later garbage collection.

    The URLconf, templates, translations and models stay for the life of
    the process, yet each full collection walked them all: 130,000 objects,
    about 100 ms that one request in a hundred or two paid on top of its own
    time. Frozen, a full collection takes a millisecond or two (CPython's
    `gc.freeze`). It runs after the first response is sent, in each worker
    (never in gunicorn's master, which serves nothing).
    """
    request_finished.disconnect(dispatch_uid=FREEZE_UID)
    gc.collect()
    gc.freeze()
