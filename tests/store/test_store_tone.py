"""Tone in the store (migration 0008, the writer), in relations over time and in the exports,
on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import create_engine, inspect, select, text
from store_samples import river_talks

from blocwatch.analytics import relations
from blocwatch.export import GDELT_COLUMNS, export
from blocwatch.records import Analysis
from blocwatch.store import Store
from blocwatch.store.migrate import current_revision, migrate
from blocwatch.store.models import ArticleRow, EventRow
from blocwatch.store.writer import InvalidRecordError


def toned(tones: tuple[float | None, float | None], article: float | None = 1.5) -> Analysis:
    analysis = river_talks()
    for event, tone in zip(analysis.events, tones, strict=True):
        event.tone = tone
    analysis.tone = article
    return analysis


def test_migration_adds_nullable_tone_and_keeps_rows(database_url: str) -> None:
    store = Store(database_url)
    saved = store.save_analysis(toned((4.5, -3.25)))
    store.engine.dispose()
    engine = create_engine(database_url)
    try:
        # Down to the revision before 0008 and up again: the columns go and come back empty,
        # and no article or event is lost on the way.
        from alembic import command

        from blocwatch.store.migrate import alembic_config

        with engine.begin() as conn:
            config = alembic_config()
            config.attributes["connection"] = conn
            command.downgrade(config, "0008-1")
        assert "tone" not in {c["name"] for c in inspect(engine).get_columns("events")}
        migrate(engine=engine)
        assert current_revision(engine) == "0011"  # migrated back up to the head
        for table in ("articles", "events"):
            assert "tone" in {c["name"] for c in inspect(engine).get_columns(table)}
        with engine.connect() as conn:
            assert conn.execute(text("SELECT tone FROM articles")).scalars().all() == [None]
            assert conn.execute(text("SELECT tone FROM events")).scalars().all() == [None, None]
            assert conn.execute(text("SELECT id FROM articles")).scalars().all() == [saved.article_id]
    finally:
        engine.dispose()


def test_writer_stores_tone_and_refuses_out_of_range(store: Store) -> None:
    saved = store.save_analysis(toned((4.5, None)))
    with store.session() as session:
        assert session.get(ArticleRow, saved.article_id).tone == 1.5  # type: ignore[union-attr]
        tones = session.execute(select(EventRow.tone).order_by(EventRow.position)).scalars().all()
    assert tones == [4.5, None]
    with pytest.raises(InvalidRecordError, match=r"event 1 tone: 12\.0 is not a number in \[-10, 10\]"):
        store.save_analysis(toned((1.0, 12.0)))
    with pytest.raises(InvalidRecordError, match="article 'a-river' tone: 'warm'"):
        store.save_analysis(toned((1.0, 1.0), article="warm"))  # type: ignore[arg-type]
    with store.session() as session:  # the refused saves rolled back: the stored tone stands
        assert session.get(ArticleRow, saved.article_id).tone == 1.5  # type: ignore[union-attr]


def test_relations_mean_tone_over_events_with_tone(store: Store) -> None:
    store.save_analysis(toned((4.0, None)))
    with store.session() as session:
        rel = relations(session, "FRE", None)
    out = rel.to_json()
    may = next(p for p in out["points"] if p["period"] == "2024-05")
    assert may["events"] == 2 and may["toned"] == 1 and may["tone_mean"] == 4.0
    assert out["totals"]["tone_mean"] == 4.0 and out["totals"]["toned"] == 1
    store.save_analysis(toned((4.0, -2.0)))
    with store.session() as session:
        out = relations(session, "FRE", None).to_json()
    assert out["totals"]["tone_mean"] == 1.0 and out["totals"]["toned"] == 2


def test_exports_carry_tone(store: Store) -> None:
    store.save_analysis(toned((4.5, None), article=-0.75))
    out = io.BytesIO()
    export(store, "gdelt", out)
    lines = out.getvalue().decode().splitlines()
    rows = [dict(zip(GDELT_COLUMNS, line.split("\t"), strict=True)) for line in lines]
    # The event's own tone, else its article's.
    assert [r["AvgTone"] for r in rows] == ["4.50", "-0.75"]
    out = io.BytesIO()
    export(store, "plover", out)
    assert [json.loads(line)["tone"] for line in out.getvalue().splitlines()] == [4.5, None]
    out = io.BytesIO()
    export(store, "csv", out, table="events")
    assert [r["tone"] for r in csv.DictReader(io.StringIO(out.getvalue().decode()))] == ["4.5", ""]
    out = io.BytesIO()
    export(store, "jsonl", out, table="articles")
    assert [json.loads(line)["tone"] for line in out.getvalue().splitlines()] == [-0.75]
