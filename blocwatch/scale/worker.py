"""What runs inside one partition: record refs in, table rows out (both engines share it).

:func:`process_partition` reads each :class:`~blocwatch.scale.inputs.RecordRef` (extraction),
analyses the articles in batches of ``settings.batch_size`` with the spaCy pipeline
(understanding), and yields ``(table, row)`` pairs for :data:`blocwatch.scale.schema.TABLES`.

The pipeline is loaded once per *process*, not per record or per partition: :func:`pipeline_for`
keeps it in a module-level cache, and Spark reuses its Python worker processes across tasks
(``spark.python.worker.reuse``, on by default), as does the local engine's process pool.  Each
partition also yields one ``("_stats", …)`` pair saying which process ran it, for how long (wall
and CPU seconds, the pipeline's load among them), when (wall-clock start and end, from which a
backfill reports its start-up and idle tail), and how many times that process has loaded the
pipeline, so a backfill can report (and a test check) that the model was loaded once per executor
process.

A batch the pipeline fails on is retried article by article, so one article that breaks the
model becomes a ``raw_inputs`` row with its bytes instead of costing its whole batch.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterable, Iterator
from typing import Any

from blocwatch.ingest.errors import IngestError
from blocwatch.records import Analysis, Article
from blocwatch.scale.inputs import RecordRef, read_ref
from blocwatch.scale.rows import analysis_rows, error_row
from blocwatch.settings import Settings

__all__ = ["STATS", "pipeline_for", "process_partition"]

STATS = "_stats"
_PIPELINES: dict[tuple[Any, ...], Any] = {}
_LOADS = 0  # pipelines this process has built: 1 in a healthy executor


def pipeline_for(settings: Settings) -> Any:
    """This process's pipeline for ``settings``' model and dictionaries, built on first use."""
    global _LOADS
    key = (settings.spacy_model, tuple(settings.actors_files), tuple(settings.verbs_files),
           tuple(settings.discards_files), settings.ner_model)  # fmt: skip
    if key not in _PIPELINES:
        from blocwatch.nlp.pipeline import pipeline_for_settings

        _PIPELINES[key] = pipeline_for_settings(settings)
        _LOADS += 1
        # The model's ~180,000 objects live as long as the process: frozen out of the cyclic
        # garbage collector, they are not traversed again by every full collection, such as the
        # one PySpark's daemon runs after each task of a reused worker (0.1 s a task, measured;
        # 0.002 s frozen).
        gc.collect()
        gc.freeze()
    return _PIPELINES[key]


def process_partition(
    index: int, refs: Iterable[RecordRef], settings: Settings
) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every row of partition ``index``, articles in input order."""
    started, began, cpu = time.perf_counter(), time.time(), time.process_time()
    pipeline = pipeline_for(settings)
    loaded = time.perf_counter() - started  # ~0 but on a process's first partition
    pending: list[Article] = []
    counts = {"records": 0, "articles": 0, "errors": 0}
    for ref in refs:
        counts["records"] += 1
        for item in read_ref(ref, settings):
            if isinstance(item, IngestError):
                counts["errors"] += 1
                yield "raw_inputs", error_row(item)
                continue
            pending.append(item)
            if len(pending) >= settings.batch_size:
                yield from _analysed(pipeline, pending, counts)
                pending = []
    if pending:
        yield from _analysed(pipeline, pending, counts)
    seconds = round(time.perf_counter() - started, 3)
    # Wall-clock start/end (epoch seconds) let the driver see the schedule: idle cores at the
    # start (worker start-up), in the middle, or at the end (a straggler partition).
    yield STATS, {"part": index, "pid": os.getpid(), "loads": _LOADS, "seconds": seconds,
                  "cpu_seconds": round(time.process_time() - cpu, 3), "load_seconds": round(loaded, 3),
                  "started": began, "ended": time.time(), **counts}


def _analysed(pipeline: Any, articles: list[Article], counts: dict[str, int]) -> Iterator[tuple[str, Any]]:
    for item in _analyse(pipeline, articles):
        if isinstance(item, IngestError):
            counts["errors"] += 1
            yield "raw_inputs", error_row(item)
            continue
        counts["articles"] += 1
        for table, rows in analysis_rows(item).items():
            for row in rows:
                yield table, row


def _analyse(pipeline: Any, articles: list[Article]) -> list[Analysis | IngestError]:
    try:
        return list(pipeline.analyze_many(articles, batch_size=len(articles), workers=1))
    except Exception:  # noqa: BLE001 - find the article at fault below, one by one
        pass
    out: list[Analysis | IngestError] = []
    for article in articles:
        try:
            out.append(pipeline.analyze(article))
        except Exception as exc:  # one article's failure must not lose the others
            name = article.input_name or article.url or article.id
            out.append(IngestError(name, f"not analysed: {type(exc).__name__}: {exc}", raw=article.raw))
    return out
