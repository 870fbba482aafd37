"""The benchmark's own commands, run once on a tiny corpus in the test database."""

import json
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cards.models import Card
from dealkennis.content.bench.pages import PAGES
from dealkennis.content.bench.queries import (
    CLASSES,
    COMMON_SHARE,
    MIN_HITS,
    PER_CLASS,
    choose_queries,
    params_of,
    visible_count,
)
from dealkennis.content.bench.timing import timings
from dealkennis.content.corpus import check_database
from dealkennis.content.sampler import Vocabulary
from dealkennis.search import embedding
from lessons.models import Lesson


def test_cold_runs_embed_the_query_as_if_never_asked_before():
    # Else an uncached page reuses the query's vector and hides the model's cost.
    if not embedding.model_available():
        pytest.skip("the model cannot run here")
    query = "samenwerking met de gemeente"
    remembered = []

    def search():
        remembered.append(query in embedding._current().queries)
        embedding.embed_query(query)

    timings(search, runs=3, cold=True, warmup=1)
    assert remembered == [False, False, False, False]
    timings(search, runs=2, cold=False, warmup=0)
    assert remembered[4:] == [True, True]


def test_refuses_databases_other_than_benchmark_ones():
    with pytest.raises(CommandError, match="dealkennis_bench"):
        check_database({"NAME": "dealkennis"})
    with pytest.raises(CommandError, match="allow-test-database"):
        check_database({"NAME": "test_dealkennis"})
    assert check_database({"NAME": "test_dealkennis"}, allow_test_database=True) == "test_dealkennis"
    assert check_database({"NAME": "dealkennis_bench"}) == "dealkennis_bench"


# Committed data, so that gunicorn's workers (other processes) see the corpus.
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_generate_corpus_and_bench(tmp_path):
    with pytest.raises(CommandError):
        call_command("generate_corpus", "--items", "10")

    call_command("generate_corpus", "--items", "200", "--seed", "3", "--allow-test-database")
    assert Card.objects.count() + Lesson.objects.count() == 200
    assert Lesson.objects.filter(status="published", visibility="public").exists()
    card = Card.objects.exclude(search_vector=None).first()
    assert card.body_text and card.fuzzy_text and card.search_tags and card.tags.exists()

    # Without wrk the command skips the load test, and so does this test.
    has_wrk = shutil.which("wrk") is not None
    path = tmp_path / "bench.json"
    out = StringIO()
    call_command(
        "bench",
        *("--items", "200", "--seed", "3", "--runs", "3", "--json", str(path)),
        *("--http-seconds", "2" if has_wrk else "0", "--allow-test-database"),
        stdout=out,
    )
    output = out.getvalue()
    results = json.loads(path.read_text())
    size = results["sizes"]["200"]
    assert "generate_s" not in size  # the corpus above was reused
    assert set(size["search"]) == set(CLASSES)
    assert results["machine"]["postgresql"]
    visible = size["visible_items"]
    for name, chosen in results["queries"]["200"].items():
        records = chosen["queries"]
        # Distinct queries, each asked once, as many as the class found.
        assert len({tuple(sorted(params_of(record).items())) for record in records}) == len(records)
        assert size["search"][name]["n"] == chosen["found"] == len(records)
        if chosen["found"] < PER_CLASS:
            assert f"{name}: only {chosen['found']} of {PER_CLASS} queries" in output
        for record in records:
            assert record["cached_ms"] > 0 and record["sql_ms"] > 0
            # The page's own time: its SQL, its wait for the query's vector and its Python.
            assert 0 <= record["waited_ms"] < record["cold_ms"]
            assert record["python_ms"] == round(record["cold_ms"] - record["waited_ms"] - record["sql_ms"], 2)
            assert record["python_ms"] > 0
            assert {"plain_ms", "icontains_ms", "tantivy_ms"} <= set(record)
        figures = size["search"][name]
        for figure in ("cold_ms", "cached_ms", "plain_ms", "icontains_ms", "tantivy_ms"):
            assert figures[figure]["p95"] >= figures[figure]["p50"] > 0
    # Even the tiny corpus has enough words for every class.
    found = {name: chosen["found"] for name, chosen in results["queries"]["200"].items()}
    assert all(count == PER_CLASS for count in found.values()), found
    queries = results["queries"]["200"]
    assert all(record["hits"] == 0 for record in queries["typo"]["queries"])
    assert all(record["hits"] >= COMMON_SHARE * visible for record in queries["common"]["queries"])
    assert queries["common"]["queries"][0]["q"] == "deal"
    for name in ("rare", "medium", "two_terms", "phrase", "facets"):
        assert all(record["hits"] >= MIN_HITS for record in queries[name]["queries"])
    assert max(r["hits"] for r in queries["rare"]["queries"]) < min(
        r["hits"] for r in queries["common"]["queries"]
    )
    assert all(len(params_of(record)) == 3 for record in queries["facets"]["queries"])
    assert len({tuple(params_of(record).items())[1:] for record in queries["facets"]["queries"]}) > 5
    for name in PAGES:
        assert size["pages_uncached_p95_ms"][name] >= size["pages_uncached_p50_ms"][name] > 0
        assert size["pages_uncached_n"][name] == size["pages_n"][name] == 3  # fast pages: every run
    assert "search cold p95 rare" in output and "page uncached p95 card" in output
    # The host's speed around the figures, in CPU time: the model where it runs, and plain Python.
    for check in (size["host_before"], size["host_after"]):
        assert check["python_cpu_ms"] > 0
        assert (check["embedding_cpu_ms"] is None) != embedding.model_available()
        assert check["embedding_cpu_ms"] is None or check["embedding_cpu_ms"] > 0
    assert "host check, CPU ms p50: before " in output

    # Measuring someone else's corpus: a corpus of another size is refused, never replaced.
    with pytest.raises(CommandError, match="not a corpus of 300"):
        call_command(
            "bench",
            *("--items", "300", "--seed", "3", "--json", str(tmp_path / "no.json"), "--no-generate"),
            "--allow-test-database",
        )
    assert Card.objects.count() + Lesson.objects.count() == 200

    cold = tmp_path / "cold.json"
    call_command(
        "bench_cold_search",
        *("--per-class", "2", "--seed", "3", "--json", str(cold), "--allow-test-database"),
        stdout=StringIO(),
    )
    cold_result = json.loads(cold.read_text())
    assert cold_result["host_before"]["python_cpu_ms"] > 0 and cold_result["host_after"]["python_cpu_ms"] > 0
    figures = cold_result["classes"]
    assert set(figures) == set(CLASSES)
    assert all(class_figures["n"] == 2 for class_figures in figures.values())
    assert all(
        class_figures["cold_ms"]["p95"] >= class_figures["cold_ms"]["p50"] > 0
        for class_figures in figures.values()
    )
    if has_wrk:
        assert size["http_rps"] > 0 and size["http_p95_ms"] > 0
        assert size["http_errors"] == 0
        assert len(size["worker_rss_mb"]) == 2 and all(mb > 0 for mb in size["worker_rss_mb"])


def test_query_classes_say_when_the_corpus_has_too_few_queries_for_them(db):
    # No items at all: no word qualifies for any class, and no class pretends otherwise.
    classes = choose_queries(Vocabulary(1), visible_count(), per_class=3)
    assert set(classes) == set(CLASSES)
    for name, found in classes.items():
        assert found.short and found.summary()["found"] == 0 and found.summary()["wanted"] == 3
        # Candidates were counted, and refused (a typo is only tried on a medium word).
        assert found.tried > 0 or name == "typo"


def test_bench_import_times_new_rows_and_updates_and_leaves_nothing(db, capsys):
    call_command("bench_import", "--rows", "20", "--allow-test-database")
    out = capsys.readouterr().out
    assert "20 rows, new: preview" in out and "20 rows, updates: preview" in out
    assert not Lesson.objects.exists()
