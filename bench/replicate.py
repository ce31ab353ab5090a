"""Large stores for the scale benchmarks: real events, replicated with shifted dates.

A store is first filled the ordinary way — ``blocwatch``'s ingest job over a sample of the
Guardian Syria corpus and the founding seed article, read at run time from ../shared (never
copied) — so every event, actor and evidence span is one the pipeline really produced.  The
stored events are then replicated in bulk until the store holds the target number: each copy's
``event_date`` is moved back by a whole number of weeks (keeping its precision: a "2024-08"
month stays a month), so the copies spread over years the way an archive does.

Two shapes:

* :func:`replicate_events` — events only, all pointing at the original articles ("articles can
  be shared"): enough for timeline queries, which never read articles.
* :func:`replicate_with_articles` — copies of the articles as well ("carrier" articles, about
  :data:`EVENTS_PER_CARRIER` events each, with their mentions, sections and actor links), so
  article, actor and home pages see a realistic number of events per article.

Rows are written with one multi-row ``executemany`` per chunk on SQLite and with ``COPY`` on
PostgreSQL, never one ORM object at a time.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from corpus import SHARED, guardian_syria
from sqlalchemy import Connection, Table, func, insert, select

from blocwatch.store import Store
from blocwatch.store.event_days import event_day, rebuild_event_days
from blocwatch.store.models import ArticleActorRow, ArticleRow, EventRow, MentionRow, SectionRow

SEED = SHARED / "seed" / "north-korea-brics.txt"
EVENTS_PER_CARRIER = 40
CHUNK = 20_000


def ingest_corpus(store: Store, limit: int) -> tuple[int, float]:
    """Ingest ``limit`` Guardian Syria articles and the seed; returns (events stored, seconds)."""
    from blocwatch.jobs import ingest
    from blocwatch.nlp.pipeline import get_pipeline
    from blocwatch.settings import load_settings

    started = time.perf_counter()
    rows = guardian_syria(limit)
    with tempfile.TemporaryDirectory() as tmp:
        lines = tmp + "/guardian.jsonl"
        Path(lines).write_text(
            "".join(json.dumps({"id": f"guardian-{i}", "text": t, "date": d[:10]}) + "\n"
                    for i, (d, t) in enumerate(rows)),
            encoding="utf-8",
        )  # fmt: skip
        inputs = [lines] + ([str(SEED)] if SEED.exists() else [])
        settings = load_settings(database_url=store.url)
        ingest(inputs, settings, store, get_pipeline())
    return count_events(store), time.perf_counter() - started


def count_events(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(EventRow)) or 0)


def shift_date(value: str | None, weeks: int) -> str | None:
    """``value`` (ISO "YYYY", "YYYY-MM" or "YYYY-MM-DD") moved back ``weeks`` weeks, same precision."""
    if not value:
        return value
    parts = value.split("-")
    try:
        month, day_of = (int(parts[1]) if len(parts) > 1 else 7), (int(parts[2]) if len(parts) > 2 else 1)
        day = date(int(parts[0]), month, day_of)
    except ValueError:
        return value
    moved = day - timedelta(weeks=weeks)
    return moved.isoformat()[: len(value)]


def _rows(conn: Connection, table: Table, where: Any = None) -> list[dict[str, Any]]:
    query = select(table)
    if where is not None:
        query = query.where(where)
    return [dict(r._mapping) for r in conn.execute(query)]


def bulk_insert(conn: Connection, table: Table, rows: Iterable[dict[str, Any]]) -> int:
    """Insert ``rows`` (dicts with the same keys) in chunks: COPY on PostgreSQL, executemany else."""
    done = 0
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            done += _write(conn, table, chunk)
            chunk = []
    if chunk:
        done += _write(conn, table, chunk)
    return done


def _write(conn: Connection, table: Table, chunk: list[dict[str, Any]]) -> int:
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), chunk)
        return len(chunk)
    columns = list(chunk[0])
    raw = conn.connection.driver_connection  # psycopg 3: COPY ... FROM STDIN in binary-safe rows
    assert raw is not None
    names = ", ".join(f'"{c}"' for c in columns)
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in chunk:
            copy.write_row([json.dumps(row[c]) if c == "authors" else row[c] for c in columns])
    return len(chunk)


def _event_copies(base: list[dict[str, Any]], rounds: Iterable[int], published: Mapping[str, date | None],
                  article_id: str | None = None, position: int = 0) -> Iterator[dict[str, Any]]:  # fmt: skip
    """Copies of ``base`` moved back ``r`` weeks per round; each copy's timeline day (``day``,
    ``day_approximate``) is computed as the writer does, from its date and its article's
    ``published`` (the carrier's, when ``article_id`` is given)."""
    for r in rounds:
        for i, event in enumerate(base):
            copy = {k: v for k, v in event.items() if k != "id"}
            copy["event_date"] = shift_date(event["event_date"], r)
            if article_id is not None:
                copy["article_id"], copy["position"] = article_id, position + i
            day = event_day(copy["event_date"], published.get(copy["article_id"]))
            copy["day"], copy["day_approximate"] = day
            yield copy
        position += len(base)


def replicate_events(store: Store, target: int) -> tuple[int, float]:
    """Copy the stored events (same articles, dates shifted) until ``target`` are stored."""
    started = time.perf_counter()
    table = EventRow.__table__
    with store.engine.begin() as conn:
        base = _rows(conn, table)  # type: ignore[arg-type]
        if not base:
            raise SystemExit("no events were stored by the ingest: nothing to replicate")
        needed = target - len(base)
        rounds = range(1, needed // len(base) + 2)
        published = {a["id"]: a["published"] for a in _rows(conn, ArticleRow.__table__)}  # type: ignore[arg-type]
        copies = (row for _, row in zip(range(needed), _event_copies(base, rounds, published), strict=False))
        bulk_insert(conn, table, copies)  # type: ignore[arg-type]
        rebuild_event_days(conn)  # the copies bypass the writer, which keeps the summary
    return count_events(store), time.perf_counter() - started


def replicate_with_articles(store: Store, target: int) -> tuple[int, float]:
    """Copy articles with their events (dates shifted), mentions, sections and actor links."""
    started = time.perf_counter()
    with store.engine.begin() as conn:
        articles = _rows(conn, ArticleRow.__table__, ArticleRow.id.not_like("%~%"))  # type: ignore[arg-type]
        tables = (EventRow, MentionRow, SectionRow, ArticleActorRow)
        children = {t: _group(_rows(conn, t.__table__)) for t in tables}  # type: ignore[arg-type]
        events = children[EventRow]
        articles = [a for a in articles if events.get(a["id"])]
        total = sum(len(events[a["id"]]) for a in articles)
        if not total:
            raise SystemExit("no events were stored by the ingest: nothing to replicate")
        needed, copy_number = target - count_events(store), 0
        while needed > 0:
            copy_number += 1
            batch: dict[Any, list[dict[str, Any]]] = {t: [] for t in (ArticleRow, *children)}
            for article in articles:
                own = events[article["id"]]
                per_carrier = max(1, EVENTS_PER_CARRIER // len(own))
                rounds = range(copy_number * per_carrier, (copy_number + 1) * per_carrier)
                carrier = _carrier(article, copy_number, rounds.start)
                batch[ArticleRow].append(carrier)
                new_events = list(_event_copies(own, rounds, {carrier["id"]: carrier["published"]},
                                                carrier["id"]))[:needed]
                batch[EventRow] += new_events
                needed -= len(new_events)
                for table in (MentionRow, SectionRow, ArticleActorRow):
                    own_rows = children[table].get(article["id"], [])
                    batch[table] += [_child(row, carrier["id"]) for row in own_rows]
                if needed <= 0:
                    break
            for table, rows in batch.items():
                bulk_insert(conn, table.__table__, rows)  # type: ignore[attr-defined]
        rebuild_event_days(conn)  # the copies bypass the writer, which keeps the summary
    return count_events(store), time.perf_counter() - started


def _group(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["article_id"], []).append(row)
    return grouped


def _carrier(article: dict[str, Any], copy_number: int, weeks: int) -> dict[str, Any]:
    carrier = dict(article)
    carrier["id"] = f"{article['id']}~{copy_number}"
    # Unique keys must stay unique: the copy is another article as far as the schema knows.
    carrier["content_hash"] = f"{article['content_hash'][:48]}{copy_number:016d}"
    carrier["canonical_url"] = None
    carrier["raw"] = carrier["raw_type"] = None  # re-processing a copy is not what is measured
    if article["published"] is not None:
        carrier["published"] = article["published"] - timedelta(weeks=weeks)
    return carrier


def _child(row: dict[str, Any], article_id: str) -> dict[str, Any]:
    copy = {k: v for k, v in row.items() if k != "id"}
    copy["article_id"] = article_id
    return copy
