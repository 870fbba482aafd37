"""How fast this host is at the moment: the same fixed work, timed before and after each measurement.

Virtual machines drift. On one machine of this project the model's CPU time
for a short query rose from 16.7 to 24.9 ms within an hour, with nothing else
running, and every figure of the site moved with it. A size's figures are
therefore read against the host check taken around them: two runs compare
only where their host checks agree, and a target missed on a slow host says
so in its own output.
"""

import time

from django.template import Context, Engine

from dealkennis.content.bench.timing import percentile
from dealkennis.search import embedding

RUNS = 20
# Distinct texts, so that no vector is reused; as short as most queries.
QUERIES = tuple(f"subsidie regio samenwerking {number}" for number in range(RUNS))
# Pure Python of the kind a page spends its time on: variables, filters, a loop.
_TEMPLATE = Engine().from_string(
    "{% for row in rows %}<li>{{ row.name|upper }} {{ row.count|default:0 }}</li>{% endfor %}"
)
_ROWS = [{"name": f"woord {number}", "count": number} for number in range(300)]


def host_check():
    """CPU milliseconds (p50 of RUNS) of the model embedding a short query and of a fixed template.

    The embedding is None where the model cannot run. CPU time of this
    thread, not wall time: what the work costs, however busy the machine is.
    """
    return {"embedding_cpu_ms": _embedding_ms(), "python_cpu_ms": _median_ms(_render)}


def describe(check):
    embedded = check["embedding_cpu_ms"]
    model = "no model" if embedded is None else f"model {embedded:.1f} ms"
    return f"{model}, template {check['python_cpu_ms']:.1f} ms"


def _embedding_ms():
    if not embedding.model_available():
        return None
    embedding.forget_queries()
    queries = iter(QUERIES)
    return _median_ms(lambda: embedding.embed_query(next(queries)))


def _render():
    _TEMPLATE.render(Context({"rows": _ROWS}))


def _median_ms(work):
    spent = []
    for _run in range(RUNS):
        started = time.thread_time()
        work()
        spent.append((time.thread_time() - started) * 1000)
    return round(percentile(spent, 0.5), 2)
