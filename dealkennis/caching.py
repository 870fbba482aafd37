"""The cache service: the content version that keys every cached page part, `cached()`, audiences, clearing.

`ContentVersion` is a model of the dealkennis app defined here, next to the
caching it serves; `dealkennis.models` imports this module so that Django
registers it with the app.
"""

import hashlib
import json
import threading

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.signals import request_finished, request_started
from django.db import connections, models, router
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _


def audience(user):
    """Which of the two views `visible_to` gives: signed-in readers see internal items too."""
    return "internal" if user is not None and user.is_authenticated else "public"


def clear_caches():
    """Empty every cache of this process (after a bulk load, and between tests).

    A shared Redis may hold other sites' keys, and `clear()` would flush the
    whole database: there only our own keys (prefix and version) are deleted.
    """
    for each in caches.all():
        if isinstance(each, RedisCache):
            client = each._cache.get_client(write=True)
            pattern = each.make_key("*").replace("[", "\\[").replace("?", "\\?")
            batch = []
            for key in client.scan_iter(match=pattern, count=1000):
                batch.append(key)
                if len(batch) == 1000:
                    client.delete(*batch)
                    batch = []
            if batch:
                client.delete(*batch)
        else:
            each.clear()


class ContentVersion(models.Model):
    """One counter that changes whenever published knowledge may have changed.

    Cached search results, facet counts and related items are keyed by it, so
    every worker process sees a change at once, with a shared cache server
    (Redis) or without one.
    """

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("inhoudsversie")

    def __str__(self):
        return str(self.value)

    @classmethod
    def current(cls):
        """The version, read once per request: every part of one page is keyed by the same version."""
        known = getattr(_request, "version", None)
        if known is None:
            # Every page reads it: by hand, without building and compiling a
            # queryset; from the database the router reads this model from.
            alias = router.db_for_read(cls)
            table = connections[alias].ops.quote_name(cls._meta.db_table)
            with connections[alias].cursor() as cursor:
                cursor.execute(f"SELECT value FROM {table} WHERE id = 1")  # noqa: S608 - our table's name
                row = cursor.fetchone()
            known = row[0] if row else 0
            if getattr(_request, "active", False):
                _request.version = known
        return known

    @classmethod
    def cached(cls, name, user, parts, compute, timeout=15 * 60, alias="default", version=None):
        """`compute()`, cached per content version and audience under `name` and `parts`.

        A change to the content bumps the version, so a stale entry is never
        found again; it simply ages out of the per-process cache. A view that
        needs the version for more than one key reads it once and passes it,
        and reads it before any content: an edit committed in between then
        leaves newer content under the older version, which is harmless,
        never older content under the newer one.
        """
        return cls.cached_later(name, user, parts, lambda: compute, timeout, alias, version)()

    @classmethod
    def cached_later(cls, name, user, parts, start, timeout=15 * 60, alias="default", version=None):
        """`cached`, as a function to call later: `start()` runs now, only when the value is not cached.

        `start` begins the work (beside the request, say: `dealkennis.db.aside`)
        and returns the function that finishes it. The value is stored when it
        is asked for, in the caller's thread.
        """
        version = cls.current() if version is None else version
        key = f"{name}:{version}:{cls.key_parts(user, parts)}"
        found = caches[alias].get(key)
        if found is not None:
            return lambda: found
        finish = start()

        def value():
            computed = finish()
            caches[alias].set(key, computed, timeout)
            return computed

        return value

    @staticmethod
    def key_parts(user, parts):
        digest = hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()[:32]
        return f"{audience(user)}:{digest}"

    @classmethod
    def bump(cls):
        # A request that changes content reads the new version, and what depends on it.
        _request.version, _request.memo = None, {}
        if not cls.objects.filter(pk=1).update(value=models.F("value") + 1):
            cls.objects.get_or_create(pk=1, defaults={"value": 1})


def per_request(name, compute):
    """`compute()` once per request (in a request; every time outside one).

    For what a request reads from the cache several times, such as the
    synonym table: each cache read unpickles its own copy.
    """
    if not getattr(_request, "active", False):
        return compute()
    found = _request.memo.get(name)
    if found is None:
        found = _request.memo[name] = compute()
    return found


# The version a request has read, and what it computed once (`per_request`);
# outside a request (commands, tests) they are read every time, since nothing
# marks where a unit of work ends.
_request = threading.local()


@receiver(request_started, dispatch_uid="content-version-per-request")
def _request_started(**kwargs):
    _request.active, _request.version, _request.memo = True, None, {}


@receiver(request_finished, dispatch_uid="content-version-per-request")
def _request_finished(**kwargs):
    _request.active, _request.version, _request.memo = False, None, {}
