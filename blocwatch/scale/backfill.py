"""The backfill front door (:func:`backfill`), the output directory, and the local engine.

A backfill runs in four steps, the same for both engines:

1. the driver splits the inputs into record refs (:func:`blocwatch.scale.inputs.split_inputs`)
   and cuts them into contiguous partitions of balanced work, started largest first
   (:mod:`blocwatch.scale.plan`), at most :data:`RECORDS_PER_PARTITION` records each so one
   partition's rows fit in memory (the loader reads one partition at a time);
2. every partition runs :func:`blocwatch.scale.worker.process_partition` (extraction and
   understanding, the model loaded once per process);
3. the rows are written as Parquet datasets ``DIR/<table>/part=<k>/…`` (:mod:`.schema`);
4. ``DIR/_blocwatch_backfill.json`` (:data:`MANIFEST`) is written last: its presence says the
   backfill finished, and ``blocwatch load`` refuses a directory without it.

Engines: ``spark`` (:mod:`blocwatch.scale.spark`, ``mapPartitions`` on a SparkSession) and
``local``, here: a plain loop in this process (``workers=1``) or a pool of spawned processes,
each writing its own partitions' files.  Spawned, not forked, so a process that runs threads
(a test runner, a server) cannot hand a held lock to a child; each child loads the model once.

``DIR`` must be new or empty: a backfill never overwrites or mixes with earlier output.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from blocwatch.scale.inputs import RecordRef, split_inputs
from blocwatch.scale.plan import RECORDS_PER_PARTITION, largest_first, plan_partitions
from blocwatch.scale.schema import PART, TABLES, arrow_schema
from blocwatch.scale.worker import STATS, process_partition
from blocwatch.settings import Settings

__all__ = ["MANIFEST", "RECORDS_PER_PARTITION", "BackfillError", "BackfillSummary", "backfill",
           "partition_count"]  # fmt: skip

MANIFEST = "_blocwatch_backfill.json"


class BackfillError(ValueError):
    """A backfill that cannot run as asked (bad output directory, engine, master ...)."""


@dataclass
class BackfillSummary:
    """What a backfill wrote; ``rows`` per table, ``loads`` = pipeline loads over ``processes``."""

    engine: str
    out: str
    records: int = 0
    partitions: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    processes: int = 0
    loads: int = 0
    seconds: float = 0.0
    busy_seconds: float = 0.0  # partitions' own time, summed: / seconds = cores kept busy
    # Where the rest of ``seconds`` went (wall clocks of the executors, so exact on one machine):
    # until the first partition started (engine and worker start-up), and how long the first
    # process to run out of partitions waited for the last one (the straggler's tail).
    startup_seconds: float = 0.0
    tail_seconds: float = 0.0
    master: str | None = None
    inputs: list[str] = field(default_factory=list)

    @property
    def articles(self) -> int:
        return self.rows.get("articles", 0)

    def line(self) -> str:
        rate = self.articles / self.seconds if self.seconds else 0.0
        return (
            f"{self.records} record(s) in {self.partitions} partition(s): {self.articles} article(s), "
            f"{self.rows.get('events', 0)} event(s), {self.rows.get('raw_inputs', 0)} failed input(s); "
            f"{self.seconds:.1f} s ({rate:.2f} articles/s), model loaded {self.loads} time(s) "
            f"in {self.processes} process(es) -> {self.out}"
        )


def partition_count(records: int, parallelism: int) -> int:
    """Partitions the planner makes for ``records`` refs of equal size on ``parallelism`` cores."""
    return len(plan_partitions([RecordRef("warc", "")] * records, parallelism))


def prepare_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise BackfillError(f"--out {out} exists and is not a directory")
    if out.is_dir() and any(out.iterdir()):
        raise BackfillError(f"--out {out} is not empty: a backfill writes into a new or empty directory")
    out.mkdir(parents=True, exist_ok=True)


def write_manifest(summary: BackfillSummary) -> None:
    path = Path(summary.out) / MANIFEST
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(asdict(summary), indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)  # atomic: a manifest is whole or absent


def backfill(
    inputs: Sequence[str],
    out: Path,
    settings: Settings,
    *,
    engine: str = "spark",
    master: str = "local[2]",
    workers: int = 1,
    partitions: int | None = None,
    spark: Any = None,
    writer: str = "arrow",
) -> BackfillSummary:
    """Backfill ``inputs`` into Parquet datasets under ``out``; see the module docstring.

    ``spark`` is an existing SparkSession to run on (else one is made for ``master`` and
    stopped afterwards); ``writer`` is how the Spark engine writes (see :mod:`blocwatch.scale.spark`);
    ``workers`` is the local engine's process count."""
    if engine not in ("spark", "local"):
        raise BackfillError(f"unknown engine {engine!r} (want spark or local)")
    out = Path(out)
    prepare_out(out)
    started, wall_start = time.perf_counter(), time.time()
    refs = list(split_inputs(inputs, settings))
    summary = BackfillSummary(engine=engine, out=str(out), records=len(refs), inputs=list(inputs))
    if engine == "spark":
        from blocwatch.scale.spark import run_spark

        summary.master = master if spark is None else spark.sparkContext.master
        stats = run_spark(refs, out, settings, master=master, partitions=partitions, spark=spark,
                          writer=writer)
    else:
        stats = _run_local(plan_partitions(refs, max(1, workers), partitions), out, settings, workers)
    summary.partitions = len(stats)
    for table in TABLES:
        summary.rows[table] = sum(s["rows"].get(table, 0) for s in stats)
    by_process: dict[int, int] = {}
    for s in stats:
        by_process[s["pid"]] = max(by_process.get(s["pid"], 0), s["loads"])
    summary.processes, summary.loads = len(by_process), sum(by_process.values())
    summary.busy_seconds = round(sum(s.get("seconds", 0.0) for s in stats), 3)
    summary.startup_seconds, summary.tail_seconds = _schedule(stats, wall_start)
    summary.seconds = round(time.perf_counter() - started, 3)
    write_manifest(summary)
    return summary


def _schedule(stats: list[dict[str, Any]], wall_start: float) -> tuple[float, float]:
    """(start-up, tail) seconds of a run from its partitions' start and end times."""
    spans: list[tuple[float, float, int]] = [
        (float(s.get("task_started", s["started"])), float(s.get("task_ended", s["ended"])), s["pid"])
        for s in stats if "started" in s
    ]  # fmt: skip
    if not spans:
        return 0.0, 0.0
    last_end: dict[int, float] = {}
    for _, end, pid in spans:
        last_end[pid] = max(last_end.get(pid, end), end)
    startup = min(start for start, _, _ in spans) - wall_start
    return round(max(0.0, startup), 3), round(max(last_end.values()) - min(last_end.values()), 3)


def _run_local(parts: list[list[RecordRef]], out: Path, settings: Settings, workers: int) -> list[dict]:
    if workers <= 1 or len(parts) <= 1:
        return [write_partition(i, refs, out, settings) for i, refs in enumerate(parts)]
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(workers, len(parts)), mp_context=context) as pool:
        # Submitted largest first: the pool starts them in this order (see blocwatch.scale.plan).
        futures = [pool.submit(write_partition, i, parts[i], out, settings) for i in largest_first(parts)]
        return sorted((f.result() for f in futures), key=lambda s: s["part"])


def write_partition(index: int, refs: list[RecordRef], out: Path, settings: Settings) -> dict[str, Any]:
    """Run one partition and write its rows with pyarrow; returns its stats (with row counts)."""
    began = time.time()
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows: dict[str, list[dict[str, Any]]] = {table: [] for table in TABLES}
    stats: dict[str, Any] = {}
    for table, row in process_partition(index, refs, settings):
        if table == STATS:
            stats = row
        else:
            rows[table].append(row)
    for table, values in rows.items():
        if values:
            folder = out / table / f"{PART}={index}"
            folder.mkdir(parents=True, exist_ok=True)
            data = pa.Table.from_pylist(values, schema=arrow_schema(table))
            final = folder / f"part-{index:05d}.parquet"
            # Written aside, then renamed: a retried (or speculative) Spark task replaces the file
            # whole, and a reader never sees half of one.  The "." prefix hides it from readers.
            partial = folder / f".{final.name}.{os.getpid()}.tmp"
            pq.write_table(data, partial, compression="zstd")
            partial.replace(final)
    stats["rows"] = {table: len(values) for table, values in rows.items()}
    stats["task_started"], stats["task_ended"] = began, time.time()  # the writing included
    return stats
