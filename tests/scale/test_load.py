"""``blocwatch load``: a backfill into SQLite and PostgreSQL, twice without duplicates, equal to
what ``blocwatch ingest`` stores for the same archives, and overlapping articles updated."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from scale_samples import STORIES, archives
from sqlalchemy import select
from typer.testing import CliRunner

from blocwatch.cli import app
from blocwatch.jobs import ingest
from blocwatch.nlp.pipeline import get_pipeline
from blocwatch.scale import MANIFEST, DatasetError, backfill, load
from blocwatch.settings import load_settings
from blocwatch.store import Store
from blocwatch.store.models import (
    ActorRow,
    ArticleActorRow,
    ArticleRow,
    EventRow,
    MentionRow,
    QuoteRow,
    RawInputRow,
    SectionRow,
    decompress,
)

SETTINGS = load_settings(batch_size=4, workers=1)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return archives(tmp_path_factory.mktemp("archives"))


@pytest.fixture(scope="module")
def backfilled(inputs: list[str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("backfill") / "out"
    backfill(inputs, out, SETTINGS, engine="local", partitions=3)
    return out


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """The stored facts, without row ids and timestamps (which a re-save may renumber)."""
    a, m, q, e, s = ArticleRow, MentionRow, QuoteRow, EventRow, SectionRow
    queries = {
        "articles": select(a.id, a.url, a.canonical_url, a.title, a.published, a.modified, a.authors,
                           a.language, a.text, a.content_hash, a.raw, a.raw_type, a.input_name),
        "sections": select(s.article_id, s.position, s.heading, s.start, s.end),
        "mentions": select(m.article_id, m.sentence_index, m.start, m.end, m.text, m.label, m.actor_id),
        "quotes": select(q.article_id, q.speaker, q.speaker_actor_id, q.affiliation, q.content, q.start,
                         q.end, q.direct, q.cue, q.sentence_index),
        "events": select(e.article_id, e.position, e.source_actor_id, e.target_actor_id, e.source_cameo,
                         e.target_cameo, e.plover, e.cameo, e.quad_class, e.intensity, e.negated,
                         e.hypothetical, e.event_date, e.location, e.trigger, e.sentence,
                         e.sentence_index, e.sentence_start, e.sentence_end),
        "actors": select(ActorRow.id, ActorRow.name, ActorRow.kind, ActorRow.country, ActorRow.cameo),
        "article_actors": select(ArticleActorRow.article_id, ArticleActorRow.actor_id,
                                 ArticleActorRow.mention_count),
        "raw_inputs": select(RawInputRow.input_name, RawInputRow.problem, RawInputRow.raw),
    }  # fmt: skip
    out: dict[str, list[tuple[Any, ...]]] = {}
    with store.session() as session:
        for name, query in queries.items():
            rows = [tuple(row) for row in session.execute(query)]
            packed = {"articles": 10, "raw_inputs": 2}.get(name)  # zlib-compressed raw bytes
            if packed is not None:
                rows = [(*r[:packed], decompress(r[packed]), *r[packed + 1:]) for r in rows]
            out[name] = sorted(rows, key=repr)
    return out


def test_loading_twice_changes_nothing(backfilled: Path, database_url: str) -> None:
    with Store(database_url) as store:
        first = load(backfilled, store)
        assert (first.read, first.created, first.updated, first.failed) == (12, 12, 0, 0)
        assert first.bad_inputs == 4  # the two archived 404s and the two bad JSON lines
        before = snapshot(store)
        second = load(backfilled, store)
        assert (second.created, second.updated, second.unchanged, second.bad_inputs) == (0, 0, 12, 0)
        assert snapshot(store) == before
        forced = load(backfilled, store, force=True)  # re-saved: updated in place, not duplicated
        assert (forced.created, forced.updated) == (0, 12)
        assert snapshot(store) == before
        assert len(before["events"]) > 0 and len(before["quotes"]) > 0


def test_loaded_equals_ingested(inputs: list[str], backfilled: Path, database_url: str,
                                tmp_path: Path) -> None:  # fmt: skip
    with Store(database_url) as loaded:
        load(backfilled, loaded)
        got = snapshot(loaded)
    # The reference ingest stays on an SQLite file of its own: under the PostgreSQL pass the
    # comparison then also crosses back ends (database_url is PostgreSQL there).
    with Store(f"sqlite:///{tmp_path / 'ingested.db'}") as ingested:
        summary = ingest(inputs, SETTINGS, ingested, get_pipeline())
        assert summary.created == 12
        want = snapshot(ingested)
    assert got == want


def test_overlap_with_ingested_articles_updates_them(backfilled: Path, database_url: str,
                                                     tmp_path: Path) -> None:  # fmt: skip
    older = tmp_path / "older.jsonl"
    title, text = STORIES[0]
    # The same story (same id and URL) as first published, before an edit; the backfill has the edit.
    older.write_text(json.dumps({"id": "wire-0", "title": title, "text": text.split(". ")[0] + ".",
                                 "url": "https://jsonl.example.org/story/0", "date": "2024-06-01"}) + "\n")
    with Store(database_url) as store:
        assert ingest([str(older)], SETTINGS, store, get_pipeline()).created == 1
        summary = load(backfilled, store)
        assert (summary.created, summary.updated) == (11, 1)
        with store.session() as session:
            ids = session.scalars(select(ArticleRow.id)).all()
            stored = session.get(ArticleRow, "wire-0")
            assert stored is not None and stored.text == text
        assert len(ids) == len(set(ids)) == 12


def test_unfinished_or_damaged_directories_are_refused(backfilled: Path, tmp_path: Path,
                                                       backend_url: str) -> None:  # fmt: skip
    import shutil

    with Store(backend_url) as store:
        with pytest.raises(DatasetError, match="no such directory"):
            load(tmp_path / "absent", store)
        unfinished = tmp_path / "unfinished"
        shutil.copytree(backfilled, unfinished)
        (unfinished / MANIFEST).unlink()
        with pytest.raises(DatasetError, match="not the output of a finished"):
            load(unfinished, store)
        lost = tmp_path / "lost"
        shutil.copytree(backfilled, lost)
        shutil.rmtree(sorted((lost / "events").glob("part=*"))[-1])
        with pytest.raises(DatasetError, match="events: the files hold"):
            load(lost, store)
        damaged = tmp_path / "damaged"
        shutil.copytree(backfilled, damaged)
        path = sorted((damaged / "articles").glob("part=0/*.parquet"))[0]
        table = pq.ParquetFile(path).read()
        texts = table.column("text").to_pylist()
        texts[0] = texts[0] + " An extra sentence nobody wrote."
        pq.write_table(table.set_column(table.schema.get_field_index("text"), "text", [texts]), path)
        with pytest.raises(DatasetError, match="content_hash does not match"):
            load(damaged, store)
        with store.session() as session:  # nothing of the damaged partition was written
            assert session.scalars(select(ArticleRow.id)).all() == []


def test_cli_load(backfilled: Path, tmp_path: Path, backend_url: str) -> None:
    url = backend_url
    runner = CliRunner()
    first = runner.invoke(app, ["load", str(backfilled), "--database-url", url])
    assert first.exit_code == 0, first.output
    assert "12 new, 0 updated, 0 unchanged" in first.output
    again = runner.invoke(app, ["load", str(backfilled), "--database-url", url])
    assert "0 new, 0 updated, 12 unchanged" in again.output
    missing = runner.invoke(app, ["load", str(tmp_path / "nothing"), "--database-url", url])
    assert missing.exit_code == 1 and "no such directory" in missing.output
