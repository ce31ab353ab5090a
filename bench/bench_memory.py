"""Memory of the real ingest job over a long stream of articles (goal: flat, under 1.5 GB).

The stream: ``--articles`` JSON-lines records (default 100 000) derived from real articles read
at run time from ../shared/corpus (never copied into the repository): the Guardian Syria sample,
every BBC News article and the Reuters-21578 bodies, taken in turn.  Each record is one
original from its n-th sentence on (n = the pass over the originals, wrapping round), cut to
``--words-per-article`` words (0 keeps it whole), with its sentences after the first shuffled by a
per-record seed, a date moved back one week per pass over the
originals, and its own id.  Why shuffled sentences: the store keeps one article per content
(same text = the same article, updated in place), and syndication (blocwatch/store/syndication.py)
groups near-duplicates by MinHash Jaccard >= 0.8 on word 5-grams without dropping them.  Reordered
sentences change about a fifth of the 5-grams, so most records are new, distinct articles and
the few that stay close are clustered, as a real stream's syndicated copies are.  Records whose
text is identical to an earlier one are skipped at generation, so every record is a new article.

The job: ``blocwatch ingest STREAM_DIR`` run as its own process (the CLI path, i.e.
blocwatch/jobs.py with the configured analysis workers) on a fresh SQLite store in
``--store-dir``.  The stream is written as one JSON-lines file in a folder, the job's input
(``ingest`` streams a JSON-lines file line by line, so its size does not matter: the
``fetch_max_bytes`` cap applies per line); ``--shard N`` writes files of N records instead, to
compare with a folder of many small files.
Every second the bench samples the job's process tree: the sum of RSS
(``VmRSS``; counts pages shared by the forked analysis workers once per process, so it
overstates) and the sum of PSS (``smaps_rollup``; shared pages split between the sharers, the
honest total), and how many articles the store holds by then.

Printed: peak RSS and PSS; RSS/PSS when 10 %, 50 % and 100 % of the articles were stored (of
those stored: an input the job fails on is reported by it and not an article); the
slope (least squares of PSS on articles stored, past the first 10 %, in MB per 10 k articles:
about 0 when flat); and the flatness ratio, peak PSS / PSS once the first 1 000 articles were
stored (1.0 = no growth after the start; the model and the workers are loaded by then).

    .venv/bin/python bench/bench_memory.py --articles 10000 --words-per-article 300
    .venv/bin/python bench/bench_memory.py                       # 100 000 whole articles (hours)
    .venv/bin/python bench/bench_memory.py --articles 100000 --words-per-article 60 --keep
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from corpus import SHARED, guardian_syria

ROOT = Path(__file__).resolve().parents[1]
BBC = SHARED / "corpus" / "bbc-news" / "bbc"
REUTERS = SHARED / "corpus" / "reuters21578"
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“'‘])")
_REUTERS_RECORD = re.compile(r"<REUTERS.*?</REUTERS>", re.S)
_REUTERS_DATE = re.compile(r"<DATE>\s*(\d+)-([A-Z]{3})-(\d{4})")
_REUTERS_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.S)
_MONTHS = {m: i for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split(), 1)}


# --- the stream ---------------------------------------------------------------------------------


def originals() -> list[tuple[date, str]]:
    """Every original article: (date, text); BBC News files carry no date (2004-2005 is given)."""
    found = [(date.fromisoformat(d[:10]), t) for d, t in guardian_syria()]
    if not BBC.exists() or not REUTERS.exists():
        raise SystemExit(f"corpus not found at {BBC} or {REUTERS}")
    for n, path in enumerate(sorted(BBC.glob("*/*.txt"))):
        text = path.read_text(encoding="utf-8", errors="replace").strip()
        found.append((date(2005, 6, 30) - timedelta(days=n % 540), text))
    for path in sorted(REUTERS.glob("reut2-*.sgm")):
        for record in _REUTERS_RECORD.findall(path.read_text(encoding="latin-1")):
            body, day = _REUTERS_BODY.search(record), _REUTERS_DATE.search(record)
            if body is None or day is None:
                continue
            text = html.unescape(body.group(1)).replace("\x03", "").strip()
            text = re.sub(r"\s*Reuter\s*$", "", text)
            if len(text.split()) >= 40:  # one-line notices are not articles
                found.append((date(int(day[3]), _MONTHS[day[2]], int(day[1])), text))
    return found


def _derived(text: str, words: int, rng: random.Random, turn: int) -> str:
    """The text from its ``turn``-th sentence on (wrapping round), cut to ``words`` words, the
    sentences after the first shuffled: later passes over a short original still differ."""
    sentences = SENTENCE_END.split(" ".join(text.split()))
    start = turn % len(sentences)
    text = " ".join(sentences[start:] + sentences[:start])
    if words:
        text = " ".join(text.split()[:words])
    sentences = SENTENCE_END.split(text)
    rest = sentences[1:]
    rng.shuffle(rest)
    return " ".join([*sentences[:1], *rest])


def stream(count: int, words: int) -> Iterator[dict[str, str]]:
    """``count`` records derived from :func:`originals` (see the module docstring)."""
    pool = originals()
    seen: set[int] = set()
    made, attempt = 0, 0
    while made < count:
        fresh = 0
        week = attempt // len(pool) if attempt else 0
        for day, text in pool:
            attempt += 1
            derived = _derived(text, words, random.Random(attempt), week)
            key = hash(derived)
            if key in seen:
                continue
            seen.add(key)
            fresh += 1
            made += 1
            yield {"id": f"stream-{made:06d}", "text": derived,
                   "date": (day - timedelta(weeks=week)).isoformat()}  # fmt: skip
            if made >= count:
                return
        if not fresh:
            raise SystemExit(f"only {made} distinct records can be derived with these settings")


# --- sampling -----------------------------------------------------------------------------------


@dataclass(slots=True)
class Sample:
    seconds: float
    articles: int
    rss_mb: float
    pss_mb: float
    processes: int


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return out


def _kb(path: Path, field: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return -1  # not migrated yet, or busy: this sample has no count


def sample_until_exit(proc: subprocess.Popen[bytes], db: Path, every: float = 1.0) -> list[Sample]:
    samples: list[Sample] = []
    started = time.monotonic()
    while proc.poll() is None:
        pids = _tree(proc.pid)
        rss = sum(_kb(Path(f"/proc/{p}/status"), "VmRSS:") for p in pids)
        pss = sum(_kb(Path(f"/proc/{p}/smaps_rollup"), "Pss:") for p in pids)
        stored = _stored(db)
        if stored < 0 and samples:
            stored = samples[-1].articles
        samples.append(Sample(time.monotonic() - started, max(stored, 0), rss / 1024, pss / 1024, len(pids)))
        time.sleep(every)
    return samples


# --- report -------------------------------------------------------------------------------------


def _at(samples: list[Sample], articles: float) -> Sample:
    return next((s for s in samples if s.articles >= articles), samples[-1])


def slope_per_10k(samples: list[Sample], total: int) -> float:
    """Least-squares MB (PSS) per 10 000 stored articles, past the first 10 % of them and up to
    the last one (the job's exit, when its workers are gone, is not part of the run)."""
    points = [(s.articles, s.pss_mb) for s in samples if total * 0.1 <= s.articles]
    points = points[: next((i + 1 for i, (x, _) in enumerate(points) if x >= total), len(points))]
    if len(points) < 2:
        return float("nan")
    mean_x = sum(x for x, _ in points) / len(points)
    mean_y = sum(y for _, y in points) / len(points)
    var = sum((x - mean_x) ** 2 for x, _ in points)
    if not var:
        return float("nan")
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / var * 10_000


def report(samples: list[Sample], total: int, stored: int, wall: float) -> None:
    peak_rss = max(s.rss_mb for s in samples)
    peak_pss = max(s.pss_mb for s in samples)
    print(f"stored: {stored} articles of {total} in {wall:.0f} s ({stored / wall:.1f} articles/s), "
          f"{len(samples)} samples, up to {max(s.processes for s in samples)} processes")  # fmt: skip
    print(f"peak: RSS {peak_rss:.0f} MB, PSS {peak_pss:.0f} MB (goal < 1536 MB)")
    for share in (0.1, 0.5, 1.0):  # of what was stored: inputs that fail are not articles
        s = _at(samples, stored * share)
        print(f"at {share:>4.0%} ({s.articles:>6} stored, {s.seconds:>6.0f} s): RSS {s.rss_mb:.0f} MB, "
              f"PSS {s.pss_mb:.0f} MB")  # fmt: skip
    first = _at(samples, min(1000, stored))
    print(f"slope: {slope_per_10k(samples, stored):+.1f} MB PSS per 10k articles (past the first 10 %)")
    print(f"flatness: peak PSS / PSS after the first {first.articles} articles = "
          f"{peak_pss / first.pss_mb:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--words-per-article", type=int, default=0, help="truncate to N words (0: whole)")
    parser.add_argument("--store-dir", type=Path, default=None, help="default: a temporary directory")
    parser.add_argument("--keep", action="store_true", help="keep the stream and the store")
    parser.add_argument("--every", type=float, default=1.0, help="seconds between samples")
    parser.add_argument("--shard", type=int, default=0, help="records per JSON-lines file (0: one file)")
    args = parser.parse_args()
    work = args.store_dir or Path(tempfile.mkdtemp(prefix="blocwatch-memory-"))
    work.mkdir(parents=True, exist_ok=True)
    lines, db = work / "stream", work / "memory.db"
    for stale in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), *lines.glob("*.jsonl")):
        stale.unlink(missing_ok=True)
    lines.mkdir(exist_ok=True)
    started = time.perf_counter()
    words, size = write_shards(lines, stream(args.articles, args.words_per_article), args.shard)
    layout = f"files of {args.shard}" if args.shard else "one file"
    print(f"stream: {args.articles} records, {words} words ({words / args.articles:.0f} per record), "
          f"{size / 1e6:.0f} MB in {layout}, written in {time.perf_counter() - started:.0f} s")
    env = dict(os.environ, BLOCWATCH_DATABASE_URL=f"sqlite:///{db}")
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "blocwatch.cli", "ingest", str(lines)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
    out: list[bytes] = []
    errors: list[bytes] = []
    readers = [threading.Thread(target=lambda: out.extend(proc.stdout or []), daemon=True),
               threading.Thread(target=lambda: errors.extend(proc.stderr or []), daemon=True)]  # fmt: skip
    for reader in readers:
        reader.start()
    samples = sample_until_exit(proc, db, args.every)
    wall = time.perf_counter() - started
    for reader in readers:
        reader.join(timeout=10)
    print("ingest:", (out[-1].decode(errors="replace").strip() if out else "(no summary)"),
          f"exit {proc.returncode}")  # fmt: skip
    problems = [e.decode(errors="replace").strip() for e in errors if e.startswith(b"error")]
    for line in problems[:5]:
        print("  " + line)
    if proc.returncode:  # the job died: show how
        for raw_line in errors[-15:]:
            print("  stderr: " + raw_line.decode(errors="replace").rstrip())
    stored = _stored(db)
    if samples:
        report(samples, args.articles, stored, wall)
    if args.keep:
        print(f"kept: {lines} and {db}")
    else:
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), *lines.glob("*.jsonl")):
            path.unlink(missing_ok=True)
        lines.rmdir()


def write_shards(folder: Path, records: Iterator[dict[str, str]], per_file: int) -> tuple[int, int]:
    """Write ``records`` as JSON-lines files of ``per_file`` records (0: one file, ``stream.jsonl``);
    returns (words, bytes)."""
    words = size = 0
    handle = None
    for n, record in enumerate(records):
        if handle is None and not per_file:
            handle = (folder / "stream.jsonl").open("w", encoding="utf-8")
        elif per_file and n % per_file == 0:
            if handle is not None:
                handle.close()
            handle = (folder / f"part-{n // per_file:05d}.jsonl").open("w", encoding="utf-8")
        words += len(record["text"].split())
        line = json.dumps(record, ensure_ascii=False) + "\n"
        size += len(line.encode())
        handle.write(line)  # type: ignore[union-attr]
    if handle is not None:
        handle.close()
    return words, size


if __name__ == "__main__":
    main()
