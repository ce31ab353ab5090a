"""Exports stream without caps: every row comes out whatever the batch size, and memory does not
grow with the number of rows (measured with tracemalloc), on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import tracemalloc
from datetime import date

from blocwatch.export import export, stream_rows
from blocwatch.records import Actor, Analysis, Article, Event, Evidence
from blocwatch.store import Store

SENTENCE = "Syldavia praised Ruritania again, and again, and again in a long statement."
ACTORS = [Actor("SYL", "Syldavia", "state", country="SYL"), Actor("RUR", "Ruritania", "state", country="RUR")]


def busy_article(number: int, events: int) -> Analysis:
    head = f"Report {number:04d}."  # distinct bodies: the store keeps one article per content hash
    text = " ".join([head] + [SENTENCE] * events)
    step, base = len(SENTENCE) + 1, len(head) + 1
    return Analysis(
        article=Article(
            id=f"a-busy-{number:04d}",
            text=text,
            title=f"Busy {number}",
            published=date(2024, 1, 1 + number % 28),
        ),
        actors=ACTORS,
        events=[
            Event(
                "SYL",
                "RUR",
                "SUPPORT",
                "051",
                1,
                3.4,
                Evidence(SENTENCE, base + i * step, base + i * step + len(SENTENCE), None, i + 1),
                source_cameo="SYL",
                target_cameo="RUR",
            )
            for i in range(events)
        ],
    )


class CountingSink(io.RawIOBase):
    """A write-only stream that keeps only the byte count, so the export's own memory is measured."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.size += len(data)
        return len(data)


def peak_bytes(store: Store, fmt: str) -> tuple[int, int]:
    sink = CountingSink()
    tracemalloc.start()
    try:
        count = export(store, fmt, sink, batch_size=100)  # type: ignore[arg-type]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return count, peak


def test_every_row_comes_out_whatever_the_batch(store: Store) -> None:
    for n in range(6):
        store.save_analysis(busy_article(n, 40))
    for batch in (1, 7, 1000):
        ids = [row["id"] for row in stream_rows(store.engine, "events", batch_size=batch)]
        assert len(ids) == 240 and ids == sorted(ids) and len(set(ids)) == 240
    assert export(store, "gdelt", io.BytesIO(), batch_size=7) == 240


def test_memory_does_not_grow_with_rows(store: Store) -> None:
    store.save_analysis(busy_article(0, 60))
    for fmt in ("gdelt", "jsonl", "plover"):
        export(store, fmt, io.BytesIO())  # warm caches (the CAMEO table, SQL compilation) first
    small = {fmt: peak_bytes(store, fmt) for fmt in ("gdelt", "jsonl", "plover")}
    for n in range(1, 30):
        store.save_analysis(busy_article(n, 60))
    large = {fmt: peak_bytes(store, fmt) for fmt in ("gdelt", "jsonl", "plover")}
    for fmt in small:
        (n_small, peak_small), (n_large, peak_large) = small[fmt], large[fmt]
        assert (n_small, n_large) == (60, 1800)
        # 30x the rows; a materialised result (1800 rows of ~35 fields, several MB) would need
        # ~30x the memory, streaming needs one batch whatever the total.
        assert peak_large < 2 * peak_small + 500_000, (fmt, peak_small, peak_large)


def test_a_stopped_export_releases_the_database(store: Store) -> None:
    for n in range(3):
        store.save_analysis(busy_article(n, 20))
    rows = stream_rows(store.engine, "events", batch_size=5)
    assert next(rows)["id"] > 0
    rows.close()  # as export() does when a writer fails midway
    store.save_analysis(busy_article(9, 5))  # a writer is not blocked by the abandoned read
    assert sum(1 for _ in stream_rows(store.engine, "events")) == 65
