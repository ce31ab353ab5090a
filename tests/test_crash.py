"""Crash safety: ``kill -9`` an ingest mid-run, run the same command again, lose and duplicate nothing.

A real ``blocwatch ingest`` subprocess (its own process group, so its forked analysis workers
die with it, as on a power cut of the job) reads a JSON-lines file of short articles written
here; once part of them are stored the whole group gets SIGKILL.  The restarted command must
then: store every article exactly once; leave the articles stored before the kill untouched
(same ``analysed_at``: they were skipped, not analysed again, and the summary says so); and give
every article the children its analysis has (mentions, events: compared for a sample with
``blocwatch analyze`` run on the same lines), with no duplicated child rows.  SQLite and
PostgreSQL.  The 1 000-article run is in the normal suite; the 10 000-article run of the brief
is marked ``slow`` (about ten minutes of analysis on two shared cores).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import Engine

from blocwatch.store import Store
from blocwatch.store.models import ArticleRow, EventRow, MentionRow, RawInputRow

ROOT = Path(__file__).resolve().parents[1]

# Invented news lines: actor pairs, verbs and places vary so the articles differ and have events.
PAIRS = [
    ("Japan", "India"), ("France", "Germany"), ("Brazil", "Argentina"), ("Kenya", "Ethiopia"),
    ("Canada", "Mexico"), ("Egypt", "Jordan"), ("Turkey", "Greece"), ("Vietnam", "Indonesia"),
    ("Poland", "Ukraine"), ("Chile", "Peru"), ("Norway", "Sweden"), ("Nigeria", "Ghana"),
]  # fmt: skip
VERBS = ["signed a trade agreement with", "criticised", "met officials from", "praised",
         "accused", "agreed to cooperate with", "threatened", "hosted talks with"]  # fmt: skip
PLACES = ["Geneva", "Nairobi", "Lima", "Oslo", "Hanoi", "Cairo", "Warsaw", "Ottawa"]


def article_record(number: int) -> dict[str, Any]:
    """One short article, different from every other by its numbers (so nothing is deduplicated)."""
    first, second = PAIRS[number % len(PAIRS)]
    verb = VERBS[(number // len(PAIRS)) % len(VERBS)]
    place = PLACES[number % len(PLACES)]
    day = 1 + number % 28
    body = (
        f"{first} {verb} {second} in {place} on Monday, officials said. "
        f"The talks were the {number + 1}th round this year and covered {number % 97 + 3} proposals. "
        f'"We expect progress by March {day}," the foreign minister of {first} told reporters.'
    )
    return {
        "id": f"crash-{number:05d}",
        "title": f"{first} and {second}, round {number + 1}",
        "date": f"2024-{1 + number % 12:02d}-{day:02d}",
        "url": f"https://news.example.org/{number // 1000}/story-{number}",
        "text": body,
    }


def write_articles(path: Path, count: int) -> list[str]:
    records = [article_record(i) for i in range(count)]
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return [r["id"] for r in records]


def ingest_command(inputs: Path, database_url: str) -> list[str]:
    return [sys.executable, "-m", "blocwatch.cli", "ingest", str(inputs), "--database-url", database_url]


def stored_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(ArticleRow)) or 0)


def kill_when_stored(command: list[str], engine: Engine, at_least: int, log: Path, limit_s: float) -> None:
    """Run ``command`` until ``at_least`` articles are stored, then SIGKILL its process group."""
    with log.open("wb") as out:
        proc = subprocess.Popen(command, cwd=log.parent, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip
    deadline = time.monotonic() + limit_s
    try:
        while stored_count(engine) < at_least:
            if proc.poll() is not None:
                pytest.fail(f"ingest ended (rc {proc.returncode}) before the kill: {log.read_text()[-2000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"fewer than {at_least} articles stored after {limit_s:.0f} s")
            time.sleep(0.1)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)  # the job and its forked workers, no clean-up
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, f"ingest was not killed: rc {proc.returncode}"


def analysed_at(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        rows = conn.execute(select(ArticleRow.id, ArticleRow.analysed_at))
        return {article_id: at for article_id, at in rows}


def child_counts(engine: Engine, table: Any) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(select(table.article_id, func.count()).group_by(table.article_id))
        return {article_id: int(n) for article_id, n in rows}


def duplicated_children(engine: Engine) -> list[Any]:
    queries = [
        "SELECT article_id, position FROM events GROUP BY article_id, position HAVING COUNT(*) > 1",
        'SELECT article_id, start, "end", label FROM mentions GROUP BY article_id, start, "end", label '
        "HAVING COUNT(*) > 1",
        "SELECT article_id, position FROM sections GROUP BY article_id, position HAVING COUNT(*) > 1",
        'SELECT article_id, start, "end" FROM quotes GROUP BY article_id, start, "end" HAVING COUNT(*) > 1',
    ]
    with engine.connect() as conn:
        return [row for query in queries for row in conn.execute(text(query))]


def contract_counts(lines: list[str], cwd: Path) -> dict[str, tuple[int, int]]:
    """(mentions, events) per id from ``blocwatch analyze``: what a whole analysis stores."""
    done = subprocess.run([sys.executable, "-m", "blocwatch.cli", "analyze", "-"], input="\n".join(lines),
                          capture_output=True, text=True, cwd=cwd, timeout=300, check=True)  # fmt: skip
    outputs = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return {o["id"]: (len(o["mentions"]), len(o["events"])) for o in outputs}


def crash_and_resume(database_url: str, tmp_path: Path, count: int, limit_s: float) -> None:
    inputs = tmp_path / "articles.jsonl"
    ids = write_articles(inputs, count)
    Store(database_url).close()  # migrate first, so the poller can count from the start
    engine = create_engine(database_url)
    command = ingest_command(inputs, database_url)
    try:
        kill_when_stored(command, engine, count // 4, tmp_path / "killed.log", limit_s)
        before = analysed_at(engine)
        assert 0 < len(before) < count, f"the kill came too late: {len(before)} of {count} stored"

        started = time.monotonic()
        rerun = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=limit_s)
        assert rerun.returncode == 0, rerun.stderr[-3000:]
        resumed = len(before)
        assert (f"{count} article(s) read: {count - resumed} new, {resumed} updated "
                f"({resumed} unchanged, not re-analysed), 0 failed") in rerun.stdout  # fmt: skip

        after = analysed_at(engine)
        assert sorted(after) == ids, "articles lost or duplicated"
        assert {k: after[k] for k in before} == before, "stored articles were analysed again"
        assert duplicated_children(engine) == []
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(RawInputRow)) == 0

        mentions, events = child_counts(engine, MentionRow), child_counts(engine, EventRow)
        assert set(mentions) == set(ids), "articles stored without their mentions"
        lines = inputs.read_text(encoding="utf-8").splitlines()
        # A sample around the kill point and at both ends: whole analyses, before and after it.
        sample = sorted({0, 1, resumed - 2, resumed - 1, resumed, resumed + 1, count - 1}
                        | set(range(0, count, max(1, count // 20))))  # fmt: skip
        expected = contract_counts([lines[i] for i in sample], tmp_path)
        stored = {ids[i]: (mentions.get(ids[i], 0), events.get(ids[i], 0)) for i in sample}
        assert stored == expected
        assert sum(events.values()) > count // 2, "the articles should yield events"
        print(f"{database_url.split(':')[0]}: killed with {resumed}/{count} stored; "
              f"resumed run {time.monotonic() - started:.1f} s")
    finally:
        engine.dispose()


def test_kill_9_then_resume_1k(database_url: str, tmp_path: Path) -> None:
    crash_and_resume(database_url, tmp_path, 1000, limit_s=600)


@pytest.mark.slow
def test_kill_9_then_resume_10k(database_url: str, tmp_path: Path) -> None:
    crash_and_resume(database_url, tmp_path, 10_000, limit_s=3000)
