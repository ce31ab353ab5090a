"""Spark backfill scaling: ``local[1]`` vs ``local[2]`` on the same archive, in one run.

The Guardian Syria sample (../shared/corpus/guardian-syria, read at run time, never copied) is
written to a temporary WARC.gz, one HTTP response record per article, as a news crawl would
hold it; ``blocwatch backfill --engine spark`` then runs over it on ``local[1]`` and on
``local[2]``, each with a fresh SparkSession (its start-up is not timed; the model loading in
the Python workers is).  Prints articles/s for each, the ratio (goal >= 1.8x on two free cores),
where the wall time went (start-up until the first partition ran, the idle tail of the core that
finished first) and how much CPU *other* processes took during each run (from /proc: all busy
CPU time minus this process tree's), since other work on the machine eats into the second core
and makes a ratio measured then meaningless; the load average too.

    .venv/bin/python bench/bench_spark.py              # the whole sample (249 articles)
    .venv/bin/python bench/bench_spark.py --limit 120
"""

from __future__ import annotations

import argparse
import gzip
import html
import os
import tempfile
import uuid
from pathlib import Path

from corpus import guardian_syria

from blocwatch.scale import backfill
from blocwatch.scale.spark import java_problem, spark_session
from blocwatch.settings import load_settings


def _response(uri: str, page: bytes) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + page
    headers = [
        "WARC/1.0", "WARC-Type: response", f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>",
        "WARC-Date: 2019-10-20T00:00:00Z", f"WARC-Target-URI: {uri}",
        "Content-Type: application/http; msgtype=response", f"Content-Length: {len(http)}",
    ]  # fmt: skip
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + http + b"\r\n\r\n"


def write_archive(path: Path, rows: list[tuple[str, str]]) -> int:
    """One gzip member per record, like Common Crawl; returns the bytes written."""
    with path.open("wb") as out:
        for i, (day, text) in enumerate(rows):
            paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n") if p.strip())
            page = (f'<html><head><title>Story {i}</title><meta property="article:published_time" '
                    f'content="{day[:10]}"></head><body><article><h1>Story {i}</h1>{paragraphs}'
                    "</article></body></html>").encode()  # fmt: skip
            out.write(gzip.compress(_response(f"https://archive.example.org/{i}", page)))
    return path.stat().st_size


def _busy_ticks() -> int | None:
    """CPU time spent busy by the whole machine since boot, in clock ticks (None without /proc)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    return sum(fields) - fields[3] - fields[4]  # all but idle and iowait


def _tree_ticks(root: int) -> int:
    """CPU time of ``root`` and its live descendants (driver, JVM, Python daemon and workers)."""
    parents: dict[int, int] = {}
    ticks: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # gone meanwhile
        fields = text[text.rindex(")") + 2 :].split()
        pid = int(stat.parent.name)
        parents[pid], ticks[pid] = int(fields[1]), int(fields[11]) + int(fields[12])
    mine, grew = {root}, True
    while grew:
        found = {pid for pid, parent in parents.items() if parent in mine} - mine
        mine |= found
        grew = bool(found)
    return sum(ticks.get(pid, 0) for pid in mine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="articles of the sample to use")
    parser.add_argument("--partitions", type=int, default=None, help="partitions (default: 4 a core)")
    args = parser.parse_args()
    problem = java_problem()
    if problem:
        raise SystemExit(f"bench_spark needs Java: {problem}")
    rows = guardian_syria(args.limit)
    settings = load_settings()
    rates: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-spark-") as tmp:
        archive = Path(tmp, "guardian.warc.gz")
        size = write_archive(archive, rows)
        print(f"{len(rows)} articles in one WARC.gz of {size / 1e6:.1f} MB; load average before: "
              f"{os.getloadavg()[0]:.2f}")  # fmt: skip
        for master in ("local[1]", "local[2]"):
            session = spark_session(master)
            try:
                busy, ours = _busy_ticks(), _tree_ticks(os.getpid())
                summary = backfill([str(archive)], Path(tmp, master), settings, engine="spark",
                                   spark=session, partitions=args.partitions)
                # Read before stop(): the Python workers exit with the session.
                after = _busy_ticks()
                others = (after - busy - (_tree_ticks(os.getpid()) - ours)) / os.sysconf("SC_CLK_TCK") \
                    if busy is not None and after is not None else float("nan")  # fmt: skip
            finally:
                session.stop()
            rates[master] = summary.articles / summary.seconds
            print(f"{master}: {summary.articles} articles in {summary.seconds:.1f} s = "
                  f"{rates[master]:.2f} articles/s ({summary.partitions} partitions, model loaded "
                  f"{summary.loads}x in {summary.processes} processes; partitions busy "
                  f"{summary.busy_seconds:.1f} s = {summary.busy_seconds / summary.seconds:.2f} cores; "
                  f"start-up {summary.startup_seconds:.1f} s, idle tail {summary.tail_seconds:.1f} s; "
                  f"other processes used {max(0.0, others) / summary.seconds:.2f} cores; "
                  f"load average {os.getloadavg()[0]:.2f})")  # fmt: skip
    print(f"local[2] / local[1] = {rates['local[2]'] / rates['local[1]']:.2f}x (goal >= 1.8x)")


if __name__ == "__main__":
    main()
