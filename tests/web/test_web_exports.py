"""``/exports/{table}.csv|.jsonl|.parquet`` over real HTTP (uvicorn on loopback), SQLite and PostgreSQL.

The store is filled in bulk (Core inserts of invented rows) so that tens of thousands of rows
stream; the client reads the response incrementally and keeps nothing but counts, so the
memory measured (tracemalloc, which sees the server's threads too) is the server's.
"""

from __future__ import annotations

import csv
import io
import json
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pyarrow.parquet as pq
import pytest
from browser_support import serve
from sqlalchemy import insert

from blocwatch.settings import load_settings
from blocwatch.store import Store
from blocwatch.store.models import ActorRow, ArticleRow, EventRow, MentionRow
from blocwatch.web import create_app

ARTICLES = 50
DAY0 = date(2025, 1, 1)


def add_rows(store: Store, events: int, first_id: int = 1) -> None:
    """``ARTICLES`` articles (one a day from DAY0, once) and ``events`` events spread over them;
    even-numbered events have Norway as source, the others Chile."""
    now = datetime.now(UTC)
    with store.engine.begin() as conn:
        if first_id == 1:
            conn.execute(insert(ActorRow), [
                {"id": "NOR", "name": "Norway", "kind": "state", "country": "NOR", "cameo": "NOR"},
                {"id": "CHL", "name": "Chile", "kind": "state", "country": "CHL", "cameo": "CHL"},
            ])
            conn.execute(insert(ArticleRow), [
                {"id": f"art-{a:03d}", "title": f"Fisheries report {a}",
                 "text": f"Report {a}: Norway, Chile.",
                 "content_hash": f"{a:064d}", "published": DAY0 + timedelta(days=a), "ingested_at": now,
                 "url": f"https://news.example.org/{a}", "authors": ["A. Writer"]}
                for a in range(ARTICLES)
            ])
            conn.execute(insert(MentionRow), [
                {"article_id": f"art-{a:03d}", "start": 11, "end": 17, "text": "Norway", "label": "GPE",
                 "actor_id": "NOR", "sentence_index": 0} for a in range(ARTICLES)
            ])
        batch = []
        for n in range(first_id, first_id + events):
            sentence = f"Norway, said the minister, and Chile agreed on quota {n}; \"fish\" talks went on."
            batch.append({
                "id": n, "article_id": f"art-{n % ARTICLES:03d}", "position": n,
                "source_actor_id": "NOR" if n % 2 == 0 else "CHL",
                "target_actor_id": "CHL" if n % 2 == 0 else "NOR",
                "plover": "AGREE", "cameo": "057", "quad_class": 1, "intensity": 4.0, "sentence": sentence,
                "sentence_start": 0, "sentence_end": len(sentence), "trigger": "agreed",
            })
            if len(batch) == 5000:
                conn.execute(insert(EventRow), batch)
                batch = []
        if batch:
            conn.execute(insert(EventRow), batch)


@pytest.fixture
def export_store(database_url: str) -> Iterator[Store]:
    opened = Store(database_url)
    yield opened
    opened.close()


@pytest.fixture
def base_url(database_url: str, export_store: Store) -> Iterator[str]:
    app = create_app(load_settings(database_url=database_url), export_store)
    with serve(app) as url:
        yield url


def stream_lines(url: str) -> tuple[int, bytes, str]:
    """(number of lines, the first 2 KB, content type) of a streamed response, read incrementally."""
    lines, head, content_type = 0, b"", ""
    with httpx.stream("GET", url, timeout=120) as response:
        assert response.status_code == 200, response.read()
        content_type = response.headers["content-type"]
        for chunk in response.iter_bytes():
            lines += chunk.count(b"\n")
            if len(head) < 2048:
                head += chunk[: 2048 - len(head)]
    return lines, head, content_type


def test_csv_jsonl_and_parquet_stream_every_row(export_store: Store, base_url: str) -> None:
    add_rows(export_store, 12_000)
    lines, head, content_type = stream_lines(f"{base_url}/exports/events.csv")
    assert content_type.startswith("text/csv") and lines == 12_000 + 1  # header + rows
    rows = list(csv.DictReader(io.StringIO(head.decode().rsplit("\r\n", 1)[0])))
    assert rows[0]["source_actor_id"] == "CHL" and rows[0]["sentence"].endswith('"fish" talks went on.')
    assert rows[0]["day"] == (DAY0 + timedelta(days=1)).isoformat()

    lines, head, content_type = stream_lines(f"{base_url}/exports/events.jsonl")
    assert content_type == "application/x-ndjson" and lines == 12_000
    first = json.loads(head.split(b"\n", 1)[0])
    assert first["id"] == 1 and first["source_name"] == "Chile" and first["negated"] is False

    response = httpx.get(f"{base_url}/exports/events.parquet", timeout=120)
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="blocwatch-events.parquet"'
    table = pq.read_table(io.BytesIO(response.content))
    assert table.num_rows == 12_000 and table.schema.field("day").type == "date32[day]"
    assert pq.ParquetFile(io.BytesIO(response.content)).num_row_groups == 2  # 10,000-row groups

    for name, expected in (("articles", ARTICLES), ("mentions", ARTICLES), ("quotes", 0)):
        lines, _, _ = stream_lines(f"{base_url}/exports/{name}.jsonl")
        assert lines == expected, name
    parquet = pq.read_table(io.BytesIO(httpx.get(f"{base_url}/exports/quotes.parquet").content))
    assert parquet.num_rows == 0 and "speaker" in parquet.schema.names  # empty, with its schema


def test_filters_since_until_and_actor(export_store: Store, base_url: str) -> None:
    add_rows(export_store, 1_000)
    # Events take their article's day: article a is published DAY0 + a days.
    since, until = DAY0 + timedelta(days=10), DAY0 + timedelta(days=19)
    lines, _, _ = stream_lines(f"{base_url}/exports/events.jsonl?since={since}&until={until}")
    assert lines == sum(1 for n in range(1, 1_001) if 10 <= n % ARTICLES <= 19)
    lines, _, _ = stream_lines(f"{base_url}/exports/events.csv?actor=NOR&since={since}")
    # Norway is source or target of every event, so only the day filters.
    assert lines - 1 == sum(1 for n in range(1, 1_001) if n % ARTICLES >= 10)
    lines, _, _ = stream_lines(f"{base_url}/exports/articles.jsonl?until={DAY0 + timedelta(days=4)}")
    assert lines == 5
    lines, _, _ = stream_lines(f"{base_url}/exports/mentions.csv?actor=CHL")
    assert lines == 1  # just the header: no mention resolves to Chile


def test_bad_requests_are_answered_before_streaming(base_url: str) -> None:
    missing = httpx.get(f"{base_url}/exports/passwords.csv", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and "No table 'passwords'" in missing.json()["error"]["message"]
    backwards = httpx.get(f"{base_url}/exports/events.csv?since=2025-02-01&until=2025-01-01",
                          headers={"Accept": "application/json"})
    assert backwards.status_code == 422 and "before since" in backwards.json()["error"]["message"]
    bad_date = httpx.get(f"{base_url}/exports/events.jsonl?since=yesterday",
                         headers={"Accept": "application/json"})
    assert bad_date.status_code == 422 and "since" in bad_date.json()["error"]["message"]


def _peak_while_streaming(url: str) -> tuple[int, int]:
    tracemalloc.start()
    try:
        lines, _, _ = stream_lines(url)
        return lines, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_memory_does_not_grow_with_rows(export_store: Store, base_url: str, fmt: str) -> None:
    add_rows(export_store, 4_000)
    small_lines, small_peak = _peak_while_streaming(f"{base_url}/exports/events.{fmt}")
    add_rows(export_store, 16_000, first_id=4_001)  # five times the rows
    big_lines, big_peak = _peak_while_streaming(f"{base_url}/exports/events.{fmt}")
    assert big_lines - small_lines == 16_000
    # Holding the rows would take ~5x the memory; streaming stays at a batch and a few chunks.
    assert big_peak < small_peak * 1.5 + 1_000_000, (small_peak, big_peak)


def test_exports_index_page_and_json_twin(base_url: str) -> None:
    page = httpx.get(f"{base_url}/exports?actor=PRK&since=2024-01-01")
    assert page.status_code == 200
    assert 'href="/exports/events.parquet?since=2024-01-01&amp;actor=PRK"' in page.text
    data = httpx.get(f"{base_url}/exports.json").json()
    assert [t["table"] for t in data["tables"]] == ["events", "articles", "mentions", "quotes"]
    assert data["tables"][0]["links"] == {"csv": "/exports/events.csv", "jsonl": "/exports/events.jsonl",
                                          "parquet": "/exports/events.parquet"}
    spec = httpx.get(f"{base_url}/openapi.json").json()
    assert spec["paths"]["/exports/{table}.csv"]["get"]["summary"] == "Export a table as CSV (streamed)"
    assert "/exports/{table}.parquet" in spec["paths"] and "/exports/{table}.jsonl" in spec["paths"]


def test_a_client_that_goes_away_stops_the_export(export_store: Store, base_url: str) -> None:
    import threading
    import time

    add_rows(export_store, 20_000)
    with httpx.stream("GET", f"{base_url}/exports/events.jsonl", timeout=60) as response:
        first = next(response.iter_bytes())
        assert first.startswith(b'{"id":1,')
    # The response was closed after one chunk: the export thread must notice and end.
    deadline = time.monotonic() + 20
    while any(t.name.startswith("export-events") for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the export thread kept running after the client left"
        time.sleep(0.1)
