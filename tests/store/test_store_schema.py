"""The schema comes from the Alembic migration only, matches the models, and migrates safely."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from blocwatch.store import Store, current_revision, head_revision, migrate
from blocwatch.store.engine import make_engine, normalise_url
from blocwatch.store.models import Base
from blocwatch.store.search import is_search_object

TABLES = {
    "sources",
    "articles",
    "raw_inputs",
    "sections",
    "actors",
    "mentions",
    "quotes",
    "events",
    "article_actors",
}


def test_migration_creates_all_tables_and_indexes(database_url: str) -> None:
    migrate(database_url)
    engine = make_engine(database_url)
    try:
        insp = inspect(engine)
        assert TABLES | {"alembic_version"} <= set(insp.get_table_names())
        events = {tuple(ix["column_names"]) for ix in insp.get_indexes("events")}
        assert ("source_actor_id", "target_actor_id", "day") in events
        assert ("target_actor_id", "day") in events
        assert ("actor_id",) in {tuple(ix["column_names"]) for ix in insp.get_indexes("mentions")}
        articles = {tuple(ix["column_names"]) for ix in insp.get_indexes("articles")}
        assert ("published", "ingested_at") in articles and ("ingested_at",) in articles
        uniques = {tuple(u["column_names"]) for u in insp.get_unique_constraints("articles")}
        assert {("canonical_url",), ("content_hash",)} <= uniques
        assert current_revision(engine) == head_revision() == "0011"
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_models(database_url: str) -> None:
    migrate(database_url)
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            # Migration 0003's full-text objects (FTS5 tables, a GIN expression index) have no
            # ORM model; they are checked by tests/store/test_store_search.py instead.
            opts = {"compare_type": True, "include_name": lambda name, *_: not is_search_object(name)}
            context = MigrationContext.configure(conn, opts=opts)
            diffs = compare_metadata(context, Base.metadata)
        assert diffs == []
    finally:
        engine.dispose()


def test_migrate_twice_is_a_no_op(database_url: str) -> None:
    migrate(database_url)
    with Store(database_url) as store:
        store.add_source("https://news.example.org/", name="Example News")
    migrate(database_url)
    with Store(database_url) as store:
        assert [s["name"] for s in store.list_sources()] == ["Example News"]


def test_concurrent_migrations_both_succeed(database_url: str) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            migrate(database_url)
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_migrate_works_from_any_working_directory(database_url: str, tmp_path: Path) -> None:
    # A separate interpreter started elsewhere: nothing may depend on the repository as cwd.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    repo = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(repo)}
    code = "import sys; from blocwatch.store import migrate; migrate(sys.argv[1])"
    done = subprocess.run(
        [sys.executable, "-c", code, database_url],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert not list(elsewhere.iterdir())  # no alembic.ini or database written to the cwd
    engine = make_engine(database_url)
    try:
        assert TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_connection_settings(database_url: str) -> None:
    with Store(database_url) as store, store.engine.connect() as conn:
        if store.engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert (conn.exec_driver_sql("PRAGMA busy_timeout").scalar() or 0) >= 1000
            # An in-memory database is one shared connection, usable from another thread.
            with Store("sqlite://") as memory:
                memory.add_source("https://news.example.org/")
                seen: list[int] = []
                worker = threading.Thread(target=lambda: seen.append(len(memory.list_sources())))
                worker.start()
                worker.join(30)
                assert seen == [1]
        else:
            # The fixture's schema comes first on the search path, so our tables live there.
            schema = conn.execute(text("SELECT current_schema()")).scalar()
            assert schema is not None and schema.startswith("bw_test_")
            assert "articles" in inspect(conn).get_table_names(schema=schema)


def test_driverless_postgres_urls_use_psycopg(database_url: str) -> None:
    assert normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    # The same database reached through a driverless URL is the same database.
    plain = database_url.replace("postgresql+psycopg://", "postgresql://")
    with Store(database_url) as store:
        store.add_source("https://news.example.org/")
    with Store(plain) as again:
        assert again.engine.dialect.name == ("sqlite" if plain.startswith("sqlite") else "postgresql")
        assert again.engine.dialect.driver in ("pysqlite", "psycopg")
        assert [s["url"] for s in again.list_sources()] == ["https://news.example.org/"]
