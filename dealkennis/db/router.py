"""Read replicas: which database a query goes to (`ReplicaRouter`) and how healthy each replica is.

The primary ("default") is the rule, a replica the exception: reads go to a
replica only inside a request that `PrimaryReadsMiddleware` found safe for it
(a GET or HEAD on the public site, by someone who has not just written).
Commands, shells and every other path read from the primary, so nothing that
reads after it writes can see the old data.

One request keeps the replica it was given for all its reads, so the content
version and the content a page is built from come from the same server: a
cache entry is never keyed by a newer version than the data in it.
"""

import contextlib
import contextvars
import itertools
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections

PRIMARY = "default"
# Small, read on every signed-in request, and wrong when stale: sign-in state,
# lockouts, the admin's log and versions.
PRIMARY_APPS = frozenset({"sessions", "axes", "auth", "admin", "reversion"})

# Per request: {"replica": allowed?, "alias": the replica chosen, once chosen}.
_request = contextvars.ContextVar("dealkennis_replica_request", default=None)


def replica_aliases():
    return getattr(settings, "DATABASE_REPLICAS", [])


def allow_replica_reads():
    """Let this request's reads go to a replica; returns the token for `end_request`."""
    return _request.set({"replica": True, "alias": None})


def end_request(token):
    _request.reset(token)


def request_replica():
    """The replica this request reads from, or None (the primary)."""
    state = _request.get()
    return state and state["alias"]


def use_primary_for_rest_of_request():
    state = _request.get()
    if state:
        state.update(replica=False, alias=None)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        state = _request.get()
        if not state or not state["replica"] or model._meta.app_label in PRIMARY_APPS:
            return PRIMARY
        instance = hints.get("instance")
        if instance is not None and instance._state.db:
            return instance._state.db  # related rows from where the row came from
        if connections[PRIMARY].in_atomic_block:
            return PRIMARY
        if state["alias"] is None:
            state["alias"] = healthy_replica() or PRIMARY
        return state["alias"]

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


# Health, checked at most every DEALKENNIS_REPLICA_CHECK_SECONDS per process.


@dataclass(frozen=True)
class ReplicaStatus:
    state: str  # "up", "lagging" or "down"
    lag: float | None  # seconds behind the primary, when known
    checked: float  # time.monotonic() of the check

    @property
    def usable(self):
        return self.state == "up"


# Replay lag: when everything received has been replayed (after a restart the
# receive position may even start behind the replay one), the replica is as
# new as the WAL it has (0 s), however long ago the primary last wrote; only
# with WAL waiting to be replayed is the age of the last replayed transaction
# the lag (an overestimate after an idle spell, which errs on the safe side).
# A replica whose WAL receiver is not streaming gets nothing new: "lagging".
LAG_SQL = """
SELECT pg_is_in_recovery(),
       COALESCE((SELECT status = 'streaming' FROM pg_stat_wal_receiver LIMIT 1), false),
       CASE WHEN pg_last_wal_replay_lsn() >= pg_last_wal_receive_lsn() THEN 0
            ELSE EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) END
"""

_status = {}
_lock = threading.Lock()


def check_replica(alias):
    """Ask the replica now: is it up, streaming and within the lag bound?"""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(LAG_SQL)
            in_recovery, streaming, lag = cursor.fetchone()
    except DatabaseError:
        with contextlib.suppress(DatabaseError):
            connections[alias].close()
        return ReplicaStatus("down", None, time.monotonic())
    lag = None if lag is None else max(0.0, float(lag))
    fresh = lag is not None and lag <= settings.DEALKENNIS_REPLICA_MAX_LAG_SECONDS
    # A server that is no longer in recovery was promoted: not ours to read
    # from as a replica (it may now diverge from the primary).
    state = "up" if in_recovery and streaming and fresh else "lagging"
    if not in_recovery:
        state = "down"
    return ReplicaStatus(state, lag, time.monotonic())


def replica_status(alias):
    """The replica's status, asked again when older than the check interval."""
    known = _status.get(alias)
    if known is None or time.monotonic() - known.checked >= settings.DEALKENNIS_REPLICA_CHECK_SECONDS:
        with _lock:
            known = _status.get(alias)
            if known is None or time.monotonic() - known.checked >= settings.DEALKENNIS_REPLICA_CHECK_SECONDS:
                known = _status[alias] = check_replica(alias)
    return known


def mark_down(alias):
    """A query on the replica failed: skip it until the next check finds it back."""
    _status[alias] = ReplicaStatus("down", None, time.monotonic())


def forget_status():
    _status.clear()


def healthy_replica():
    """A usable replica, each in turn to spread the load, or None."""
    usable = [alias for alias in replica_aliases() if replica_status(alias).usable]
    return usable[next(_turn) % len(usable)] if usable else None


_turn = itertools.count()
