"""Work beside a request: one thread per process, with a database connection of its own.

A request spends much of its time waiting for PostgreSQL while a core stands
idle. Where one of its statements does not depend on the others, `beside`
runs it in this module's thread meanwhile, on the thread's connection, and
the request takes its result when it needs it:

- a search: the items nearest in meaning, as soon as the query's vector is
  there, while the words' facets are counted (`dealkennis.search.engine`);
- a card or lesson page: its related items, while the page is rendered
  (`dealkennis.pages.detail_context`).

One thread per process: a gunicorn sync worker serves one request at a time.
With several request threads per process, work that has not started when its
request asks for it is done in the request's thread instead.

The thread's connection cannot see what a transaction in progress wrote, so
inside one (a caller's atomic block, a test) the work runs in the caller's
thread when its result is asked for. A database error in the thread closes its
connection (the next work opens a new one) and the work runs again in the
caller's thread, on the caller's connection.
"""

import contextvars
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.db import DEFAULT_DB_ALIAS, Error, connections

logger = logging.getLogger(__name__)

_lock = threading.Lock()
# (process id, executor): a forked child (a gunicorn worker) starts its own
# thread, as the parent's does not exist in it.
_pool = (None, None)
# The settings the thread's connection has for its session, and that
# connection: only the thread itself reads or writes this.
_session = {"connection": None, "settings": None}
_thread = threading.local()
# Wall seconds callers spent waiting for work beside them (`wait_seconds`).
_waited = [0.0]
# Whether the thread is at work now (one work at a time).
_busy = [False]
# A function given the CPU seconds each work took in the thread (Server-Timing
# sets one for its request): the work runs in a copy of the caller's context.
cpu_spent = contextvars.ContextVar("aside_cpu_spent", default=None)


class InCaller:
    """Work done in the caller's thread, when its result is asked for."""

    def __init__(self, work):
        self.work = work

    def result(self):
        return self.work()


class _Beside:
    """Work started in the thread beside the caller's."""

    def __init__(self, future, work):
        self.future, self.work = future, work

    def result(self):
        started = time.perf_counter()
        try:
            if _busy[0] and self.future.cancel():
                # Not started, and the thread is on another request's work
                # (several request threads per process): done here instead.
                return self.work()
            return self.future.result()
        except Error as error:
            logger.warning("Work beside the request failed; doing it in the request's thread: %s", error)
            return self.work()
        finally:
            _waited[0] += time.perf_counter() - started


def _executor():
    global _pool
    pid, executor = _pool
    if executor is None or pid != os.getpid():
        with _lock:
            pid, executor = _pool
            if executor is None or pid != os.getpid():
                executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-beside")
                _pool = (os.getpid(), executor)
    return executor


def beside(work, settings, using=DEFAULT_DB_ALIAS):
    """Start `work()` (which reads `using`) in the thread beside this one; `.result()` waits for it.

    `settings` ({name: value}): the PostgreSQL settings `work` needs, which the
    caller's connection has for its own statements. The thread's connection,
    its own alone, keeps them for its session. Where the thread's connection
    would not see what the caller's does (in a transaction), `work` runs in
    the caller's thread instead, when its result is asked for (an `InCaller`).
    The work runs in a copy of the caller's context, as
    `embedding.embed_query_ahead`, but shares none of the request's
    thread-local state (its caches, URL prefix or language): it should only
    run statements on `using`, and leave the rest to the caller.
    """
    if connections[using].in_atomic_block or in_thread():
        return InCaller(work)
    context = contextvars.copy_context()
    return _Beside(_executor().submit(context.run, _run, work, dict(settings), using), work)


def wait_seconds():
    """Wall seconds callers in this process have waited for work beside them: for the benchmark."""
    return _waited[0]


def in_thread():
    """Whether this is the thread beside (whose CPU `cpu_spent` is told of as a whole)."""
    return getattr(_thread, "beside", False)


def _run(work, settings, using):
    _thread.beside = True
    _busy[0] = True
    started = time.thread_time()
    try:
        return _work(work, settings, using)
    finally:
        _busy[0] = False
        if (spent := cpu_spent.get()) is not None:
            spent(time.thread_time() - started)


def _work(work, settings, using):
    connection = connections[using]
    # As Django does for a request's connection: none older than CONN_MAX_AGE.
    # No health check: a broken connection fails the work, which then runs
    # in the caller's thread.
    if connection.close_at is not None and time.monotonic() >= connection.close_at:
        connection.close()
    try:
        connection.ensure_connection()
        _set_session(connection, settings)
        return work()
    except Error:
        for each in connections.all(initialized_only=True):
            each.close()
        raise
    finally:
        if not connection.settings_dict["CONN_MAX_AGE"]:
            connection.close()


def _set_session(connection, settings):
    """Give the session of the thread's connection these settings, and the others back their defaults."""
    before = _session["settings"] if _session["connection"] is connection.connection else {}
    if before == settings:
        return
    # NULL: back to the default, for what earlier work set and this does not.
    changes = {**dict.fromkeys(before), **settings}
    names = list(changes)
    if names:
        values = [None if changes[name] is None else str(changes[name]) for name in names]
        sets = ", ".join("set_config(%s, %s, false)" for _name in names)
        params = [part for pair in zip(names, values, strict=True) for part in pair]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {sets}", params)  # noqa: S608 - placeholders only
    _session.update(connection=connection.connection, settings=settings)


def close():
    """Close the thread's connections (before a test database is dropped); waits for the work before."""
    pid, executor = _pool
    if executor is not None and pid == os.getpid():
        executor.submit(connections.close_all).result()
