"""Backfill: records split across partitions, Parquet tables with their schemas, bad input kept;
the Spark engine on local[2] against the local engine on the same archives."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from scale_samples import STORIES, archives, write_warc
from typer.testing import CliRunner

from blocwatch.cli import app
from blocwatch.scale import MANIFEST, BackfillError, backfill, load, partition_count
from blocwatch.scale.inputs import split_inputs
from blocwatch.scale.plan import plan_partitions
from blocwatch.scale.schema import TABLES, arrow_schema
from blocwatch.settings import load_settings
from blocwatch.store import Store

SETTINGS = load_settings(batch_size=4, workers=1)


def table_rows(out: Path, table: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    columns = [f.name for f in TABLES[table]]  # without the ``part`` key pyarrow adds from the path
    for path in sorted((out / table).glob("part=*/*.parquet")):
        rows += pq.read_table(path, columns=columns).to_pylist()
    return rows


def canonical(out: Path) -> dict[str, list[str]]:
    """Every table's rows as sorted JSON: what an engine computed, whatever the file layout."""
    def text(row: dict[str, Any]) -> str:
        return json.dumps(row, sort_keys=True, default=lambda v: v.hex() if isinstance(v, bytes) else str(v))

    return {table: sorted(text(r) for r in table_rows(out, table)) for table in TABLES}


def test_a_warc_is_split_into_its_article_records(tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "one.warc.gz", STORIES, "wire.example.net", gz=True)
    refs = list(split_inputs([str(warc)], SETTINGS))
    # Six articles plus the redirect, the image and the 404: every response record, nothing else.
    assert [r.kind for r in refs] == ["warc"] * 9
    assert len({r.offset for r in refs}) == 9
    # Each ref carries its record's size (from the WARC headers): the planner balances by it.
    articles = [r for r in refs if r.size > 500]
    assert len(articles) == 6 and all(r.size < 100 for r in refs if r not in articles)
    assert partition_count(len(refs), 2) >= 4  # one file spreads over both cores


def test_relative_inputs_become_absolute_for_the_executors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_warc(tmp_path / "one.warc.gz", STORIES, "wire.example.net", gz=True)
    monkeypatch.chdir(tmp_path)
    refs = list(split_inputs(["one.warc.gz", "missing.jsonl"], SETTINGS))
    # An executor in another working directory (or on another machine) reads these paths.
    assert {r.path for r in refs if r.kind == "warc"} == {str(tmp_path / "one.warc.gz")}
    assert refs[-1].kind == "error" and refs[-1].path == str(tmp_path / "missing.jsonl")


def test_local_backfill_writes_every_table_with_its_schema(tmp_path: Path) -> None:
    inputs = archives(tmp_path / "in")
    summary = backfill(inputs, tmp_path / "out", SETTINGS, engine="local")
    out = tmp_path / "out"
    assert summary.articles == 12  # 3 + 3 WARC articles, 6 JSON lines
    assert summary.rows["events"] > 0 and summary.rows["mentions"] > 0 and summary.rows["quotes"] > 0
    for table in TABLES:
        for path in (out / table).glob("part=*/*.parquet"):
            assert pq.read_schema(path).remove_metadata().equals(arrow_schema(table)), path
    articles = table_rows(out, "articles")
    assert {a["input_name"] for a in articles} >= {f"{inputs[2]}:1", f"{inputs[2]}:2"}
    assert any(a["input_name"].startswith(f"{inputs[1]}@") for a in articles)
    assert all(a["raw"] for a in articles)
    # Bad input is kept and named, never dropped: the archived 404s and the two bad JSON lines.
    problems = {(r["input_name"], r["problem"]) for r in table_rows(out, "raw_inputs")}
    assert sum("HTTP 404" in p for _, p in problems) == 2
    assert (inputs[2], "record has neither a non-empty 'text' nor 'html' field") in problems
    assert any(n == inputs[2] and p.startswith("invalid JSON") for n, p in problems)
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["rows"]["articles"] == 12 and manifest["engine"] == "local"


def test_missing_input_and_url_are_kept_as_failed_inputs(tmp_path: Path) -> None:
    missing = str(tmp_path / "nowhere.warc")
    summary = backfill([missing, "https://example.org/feed"], tmp_path / "out", SETTINGS, engine="local")
    assert summary.articles == 0
    problems = {r["input_name"]: r["problem"] for r in table_rows(tmp_path / "out", "raw_inputs")}
    assert problems == {missing: "no such file or directory",
                        "https://example.org/feed": "backfill reads files and directories, not URLs"}


def test_out_must_be_new_or_empty(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("earlier results")
    with pytest.raises(BackfillError, match="not empty"):
        backfill(archives(tmp_path / "in"), tmp_path / "out", SETTINGS, engine="local")
    assert (tmp_path / "out" / "keep.txt").read_text() == "earlier results"
    with pytest.raises(BackfillError, match="unknown engine"):
        backfill([], tmp_path / "other", SETTINGS, engine="dask")


def test_local_process_pool_gives_the_same_rows(tmp_path: Path) -> None:
    inputs = archives(tmp_path / "in")
    backfill(inputs, tmp_path / "loop", SETTINGS, engine="local", workers=1)
    pooled = backfill(inputs, tmp_path / "pool", SETTINGS, engine="local", workers=2, partitions=4)
    assert pooled.processes == 2 and pooled.loads == 2  # the model once per process, not per partition
    assert canonical(tmp_path / "pool") == canonical(tmp_path / "loop")


def test_the_loaded_model_is_frozen_out_of_the_garbage_collector() -> None:
    import gc

    from blocwatch.scale.worker import pipeline_for

    pipeline_for(SETTINGS)
    # Else every full collection (PySpark's daemon runs one after each task) walks the model.
    assert gc.get_freeze_count() > 50_000


def test_cli_backfill_local_and_bad_flags(tmp_path: Path) -> None:
    inputs = archives(tmp_path / "in")
    runner = CliRunner()
    done = runner.invoke(app, ["backfill", "--engine", "local", "--workers", "1", *inputs,
                               "--out", str(tmp_path / "out")])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "12 article(s)" in done.output
    bad = runner.invoke(app, ["backfill", "--engine", "spark", "--master", "mesos://x", *inputs,
                              "--out", str(tmp_path / "other")])  # fmt: skip
    assert bad.exit_code == 2 and "not local, local[N]" in bad.output


def _spark_problem() -> str | None:
    from blocwatch.scale.spark import java_problem

    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "PySpark is not installed (pip install -e '.[spark]')"
    return java_problem()


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """One local[2] SparkSession for the module (starting one costs seconds)."""
    problem = _spark_problem()
    if problem:
        pytest.skip(f"Spark tests need Java and PySpark: {problem}")
    from blocwatch.scale.spark import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


@pytest.mark.spark
@pytest.mark.parametrize("writer", ["arrow", "spark"])
def test_spark_backfill_equals_the_local_engine(tmp_path: Path, spark: Any, writer: str,
                                               backend_url: str) -> None:  # fmt: skip
    inputs = archives(tmp_path / "in")
    summary = backfill(inputs, tmp_path / "spark", SETTINGS, engine="spark", spark=spark, writer=writer)
    refs = [r for path in inputs for r in split_inputs([path], SETTINGS)]
    assert summary.master == "local[2]" and summary.partitions == len(plan_partitions(refs, 2))
    # The model was loaded once in each Python worker process, not once per partition or record.
    assert 1 <= summary.processes <= 2 and summary.loads == summary.processes
    for table in TABLES:
        for path in (tmp_path / "spark" / table).glob("part=*/*.parquet"):
            assert pq.read_schema(path).remove_metadata().equals(arrow_schema(table)), path
    backfill(inputs, tmp_path / "local", SETTINGS, engine="local")
    assert canonical(tmp_path / "spark") == canonical(tmp_path / "local")
    manifest = json.loads((tmp_path / "spark" / MANIFEST).read_text())
    assert manifest["engine"] == "spark" and manifest["rows"]["articles"] == 12
    with Store(backend_url) as store:  # Spark's files load as well
        loaded = load(tmp_path / "spark", store)
    assert (loaded.created, loaded.bad_inputs) == (12, 4)


@pytest.mark.spark
def test_cli_backfill_on_spark_leaves_a_running_session_alone(tmp_path: Path, spark: Any) -> None:
    inputs = archives(tmp_path / "in")
    done = CliRunner().invoke(app, ["backfill", "--engine", "spark", "--master", "local[2]", *inputs,
                                    "--out", str(tmp_path / "out")])  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "12 article(s)" in done.output and (tmp_path / "out" / MANIFEST).is_file()
    assert spark.range(3).count() == 3  # the module's session was not stopped by the command


@pytest.mark.spark
def test_spark_output_is_the_same_whatever_the_partitions(tmp_path: Path, spark: Any) -> None:
    inputs = archives(tmp_path / "in")
    planned = backfill(inputs, tmp_path / "planned", SETTINGS, engine="spark", spark=spark)
    three = backfill(inputs, tmp_path / "three", SETTINGS, engine="spark", spark=spark, partitions=3)
    assert three.partitions == 3 and planned.partitions > 3
    # Where the wall time went: start-up until the first partition ran, the first idle core's wait.
    assert 0 < planned.startup_seconds < planned.seconds and 0 <= planned.tail_seconds < planned.seconds
    assert canonical(tmp_path / "three") == canonical(tmp_path / "planned")
    # Started largest first, yet numbered in input order: part=<k> holds the k-th stretch of the
    # inputs, so the loader (which reads partitions in order) sees the records in input order.
    order = [a["input_name"] for a in _articles_by_part(tmp_path / "planned")]
    expected = [a.input_name for p in inputs for a in _read_all(p)]
    assert order == expected


def _articles_by_part(out: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    parts = sorted((out / "articles").glob("part=*"), key=lambda d: int(d.name.split("=")[1]))
    for folder in parts:
        for path in sorted(folder.glob("*.parquet")):
            rows += pq.read_table(path, columns=["input_name"]).to_pylist()
    return rows


def _read_all(path: str) -> list[Any]:
    from blocwatch.ingest.errors import IngestError
    from blocwatch.scale.inputs import read_ref

    return [a for ref in split_inputs([path], SETTINGS) for a in read_ref(ref, SETTINGS)
            if not isinstance(a, IngestError)]  # fmt: skip
