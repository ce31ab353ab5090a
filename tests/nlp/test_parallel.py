"""Parallel analysis: forked workers give the same analyses, in input order, as one process."""

from __future__ import annotations

import os
import threading

import pytest

from blocwatch.contract import analyze_lines
from blocwatch.nlp.parallel import ordered_parallel_map, usable_workers
from blocwatch.nlp.pipeline import get_pipeline
from blocwatch.records import Article

TEXTS = [
    "Russia and China held talks in Beijing on Tuesday. The two sides signed an energy deal.",
    "North Korea's foreign minister skipped the UN General Assembly for a forum in Moscow.",
    "The European Union imposed new sanctions on Iran, officials said on Monday.",
    "Turkish forces shelled Kurdish positions in northern Syria, a monitor said.",
    "India and Pakistan exchanged fire across the Line of Control.",
    "Brazil called for a ceasefire and offered to mediate between Russia and Ukraine.",
    "Japan protested after a Chinese coast guard ship entered its waters.",
]


def _pid_chunk(chunk: list[int]) -> list[tuple[int, int]]:
    return [(n, os.getpid()) for n in chunk]


def test_ordered_map_keeps_order_and_uses_other_processes() -> None:
    if usable_workers(2) < 2:
        pytest.skip("fewer than two cores, or other threads alive: forking is not used here")
    results = list(ordered_parallel_map(_pid_chunk, range(50), chunk_size=3, workers=2))
    assert [n for n, _ in results] == list(range(50))
    assert {pid for _, pid in results} - {os.getpid()}, "no chunk ran in a worker process"


def _slow_head_chunk(chunk: list[int]) -> list[tuple[int, int, float]]:
    import time

    if chunk[0] == 0:
        time.sleep(1.0)  # the chunk at the head of the order is slow
    return [(n, os.getpid(), time.monotonic()) for n in chunk]


def test_a_slow_head_chunk_does_not_idle_the_other_worker() -> None:
    """Results leave in order, but while the head chunk runs the other worker keeps taking
    chunks (the window holds four a worker), and the parent's collector is not left frozen."""
    import gc

    if usable_workers(2) < 2:
        pytest.skip("fewer than two cores, or other threads alive: forking is not used here")
    frozen = gc.get_freeze_count()
    results = list(ordered_parallel_map(_slow_head_chunk, range(16), chunk_size=2, workers=2))
    assert [n for n, _, _ in results] == list(range(16))
    head_done = max(t for n, _, t in results if n < 2)
    head_pid = results[0][1]
    others = [t for n, pid, t in results if pid != head_pid]
    # More than three chunks (a window of two a worker) finished by the other worker meanwhile.
    assert sum(1 for t in others if t < head_done) >= 8
    assert gc.get_freeze_count() == frozen


def test_ordered_map_one_worker_runs_here() -> None:
    results = list(ordered_parallel_map(_pid_chunk, range(10), chunk_size=3, workers=1))
    assert results == [(n, os.getpid()) for n in range(10)]


def test_ordered_map_empty_input() -> None:
    assert list(ordered_parallel_map(_pid_chunk, [], chunk_size=3, workers=2)) == []


def _fail_on_seven(chunk: list[int]) -> list[int]:
    if 7 in chunk:
        raise ValueError("seven is bad input")
    return chunk


def test_a_worker_error_reaches_the_caller() -> None:
    with pytest.raises(ValueError, match="seven"):
        list(ordered_parallel_map(_fail_on_seven, range(20), chunk_size=2, workers=2))


def test_no_fork_while_other_threads_run() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert usable_workers(2) == 1
    finally:
        stop.set()
        thread.join()


def test_parallel_analyses_equal_sequential() -> None:
    pipeline = get_pipeline()
    articles = [Article(id=str(i), text=t) for i, t in enumerate(TEXTS * 3)]
    one = [a.contract() for a in pipeline.analyze_many(articles, batch_size=2, workers=1)]
    two = [a.contract() for a in pipeline.analyze_many(articles, batch_size=2, workers=2)]
    assert one == two
    assert any(out["events"] for out in one)


def test_contract_in_parallel_keeps_order_and_errors() -> None:
    import json

    pipeline = get_pipeline()
    lines = [json.dumps({"id": f"r{i}", "text": t}) for i, t in enumerate(TEXTS * 2)]
    lines.insert(5, "{not json")
    lines.insert(9, json.dumps({"id": "empty", "text": " "}))
    one = list(analyze_lines(lines, pipeline, batch_size=3, workers=1))
    two = list(analyze_lines(lines, pipeline, batch_size=3, workers=2))
    assert one == two
    assert len(two) == len(lines)
    assert "error" in two[5] and two[5]["id"] is None
    assert two[9] == {"id": "empty", "error": two[9]["error"]} and "text" in two[9]["error"]
    assert [o["id"] for o in two if "error" not in o] == [f"r{i}" for i in range(len(TEXTS) * 2)]
