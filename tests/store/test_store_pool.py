"""Connection pooling on PostgreSQL: sizes from the settings, overflow closed, stale connections
replaced (``pool_pre_ping``).  Observed on the server itself through ``pg_stat_activity``, by a
per-test ``application_name``, not by asking the pool what it believes."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.pool import QueuePool

from blocwatch.store import Store
from blocwatch.store.engine import make_engine

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _no_settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The pool sizes come from the settings: keep a blocwatch.toml of the working tree out of it.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BLOCWATCH_CONFIG", raising=False)
    for name in ("BLOCWATCH_DATABASE_POOL_SIZE", "BLOCWATCH_DATABASE_MAX_OVERFLOW"):
        monkeypatch.delenv(name, raising=False)


def _server_connections(postgres_url: str, application: str) -> int:
    admin = create_engine(postgres_url)
    try:
        with admin.connect() as conn:
            return int(conn.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :a"), {"a": application}
            ) or 0)  # fmt: skip
    finally:
        admin.dispose()


def test_default_pool_is_a_queue_pool_of_the_documented_size(postgres_url: str) -> None:
    with Store(postgres_url) as store:
        pool = store.engine.pool
        assert isinstance(pool, QueuePool)
        assert (pool.size(), pool._max_overflow) == (5, 10)  # the settings' defaults
        assert store.engine.pool._pre_ping  # type: ignore[attr-defined]


def test_sizes_from_the_environment_bound_the_open_connections(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BLOCWATCH_DATABASE_POOL_SIZE", "2")
    monkeypatch.setenv("BLOCWATCH_DATABASE_MAX_OVERFLOW", "1")
    application = f"bw-pool-{uuid.uuid4().hex[:8]}"
    engine = make_engine(postgres_url, pool_timeout=0.5, connect_args={"application_name": application})
    try:
        held = [engine.connect() for _ in range(3)]  # two pooled and one overflow connection
        for conn in held:
            assert conn.scalar(text("SELECT 1")) == 1
        assert _server_connections(postgres_url, application) == 3
        with pytest.raises(PoolTimeout):
            engine.connect()  # a fourth waits pool_timeout, then fails: the bound holds
        for conn in held:
            conn.close()
        # The overflow connection is closed on return; the pooled two stay open for reuse.
        assert _server_connections(postgres_url, application) == 2
    finally:
        engine.dispose()
    assert _server_connections(postgres_url, application) == 0


def test_callers_sizes_win_over_the_settings(postgres_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BLOCWATCH_DATABASE_POOL_SIZE", "2")
    engine = make_engine(postgres_url, pool_size=7, max_overflow=0)
    try:
        assert (engine.pool.size(), engine.pool._max_overflow) == (7, 0)  # type: ignore[attr-defined]
    finally:
        engine.dispose()


def test_a_connection_killed_on_the_server_is_replaced(postgres_url: str) -> None:
    application = f"bw-ping-{uuid.uuid4().hex[:8]}"
    with Store(postgres_url, connect_args={"application_name": application}) as store:
        with store.engine.connect() as conn:
            first = conn.scalar(text("SELECT pg_backend_pid()"))
        # The pooled connection dies behind the pool's back (server restart, idle timeout).
        admin = create_engine(postgres_url)
        with admin.connect() as conn:
            assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        admin.dispose()
        with store.session() as session:  # pre-ping notices and reconnects: no error reaches us
            assert session.scalar(text("SELECT pg_backend_pid()")) != first
            assert session.scalar(text("SELECT count(*) FROM articles")) == 0

