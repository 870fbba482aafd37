"""The benchmark's own commands, run once on a tiny corpus in the test database."""

import json
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cards.models import Card
from dealkennis.content.bench.pages import PAGES
from dealkennis.content.bench.queries import CLASSES
from dealkennis.content.bench.timing import timings
from dealkennis.content.corpus import check_database
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
    call_command(
        "bench",
        *("--items", "200", "--seed", "3", "--runs", "3", "--json", str(path)),
        *("--http-seconds", "2" if has_wrk else "0", "--allow-test-database"),
    )
    results = json.loads(path.read_text())
    size = results["sizes"]["200"]
    assert "generate_s" not in size  # the corpus above was reused
    for key in ("page_p50_ms", "page_p95_ms", "page_uncached_p50_ms", "page_uncached_p95_ms"):
        assert set(size[key]) == set(CLASSES)
        assert all(ms > 0 for ms in size[key].values())
    for key in ("pages_p95_ms", "pages_uncached_p95_ms"):
        assert set(size[key]) == set(PAGES)
        assert all(ms > 0 for ms in size[key].values())
    for key in ("raw_rank_ms", "icontains_ms", "tantivy_ms"):
        assert set(size[key]) == set(CLASSES)
        assert all(timing["p95"] >= timing["p50"] > 0 for timing in size[key].values())
    assert set(results["queries"]["200"]) == set(CLASSES)
    assert results["queries"]["200"]["common"]["hits"] > 0
    assert results["machine"]["postgresql"]

    cold = tmp_path / "cold.json"
    call_command(
        "bench_cold_search", "--runs", "1", "--distinct", "3", "--json", str(cold), "--allow-test-database"
    )
    figures = json.loads(cold.read_text())["classes"]
    assert set(figures) == {*CLASSES, "distinct"}
    assert figures["distinct"]["n"] == 3
    assert all(
        class_figures["page_p95"] >= class_figures["page_p50"] > 0 for class_figures in figures.values()
    )
    if has_wrk:
        assert size["http_rps"] > 0 and size["http_p95_ms"] > 0
        assert size["http_errors"] == 0
        assert len(size["worker_rss_mb"]) == 2 and all(mb > 0 for mb in size["worker_rss_mb"])


def test_bench_import_times_new_rows_and_updates_and_leaves_nothing(db, capsys):
    call_command("bench_import", "--rows", "20", "--allow-test-database")
    out = capsys.readouterr().out
    assert "20 rows, new: preview" in out and "20 rows, updates: preview" in out
    assert not Lesson.objects.exists()
