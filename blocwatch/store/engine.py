"""Engines for the store: one URL, SQLite or PostgreSQL, with the connection settings each needs.

SQLite is the default back end, so it gets the care a server would otherwise give:

* ``journal_mode=WAL`` so the web site can read while ``blocwatch ingest`` writes;
* ``foreign_keys=ON`` (off by default in SQLite) so ``ON DELETE CASCADE`` and references hold;
* ``busy_timeout`` so a writer waits for another writer instead of failing at once;
* the pysqlite driver's own implicit transaction handling is switched off and SQLAlchemy emits
  ``BEGIN`` itself (the recipe in the SQLAlchemy SQLite dialect docs).  That lets a write
  transaction start with ``BEGIN IMMEDIATE`` (execution option ``blocwatch_begin``): it takes the
  write lock up front, so two writers queue on ``busy_timeout`` rather than deadlocking when a
  read lock is upgraded, which ``busy_timeout`` cannot resolve.

PostgreSQL URLs without a driver (``postgresql://``, ``postgres://``) are pointed at psycopg 3,
the driver we install.  A PostgreSQL engine keeps a :class:`~sqlalchemy.pool.QueuePool` per
process: ``database_pool_size`` connections stay open, up to ``database_max_overflow`` more are
opened under load (the web server runs sync routes on a thread pool, one connection per request in
flight) and closed when returned; a request beyond both waits up to ``pool_timeout`` (30 s) for
a free one.  Both sizes come from the settings (``BLOCWATCH_DATABASE_POOL_SIZE`` /
``BLOCWATCH_DATABASE_MAX_OVERFLOW`` or ``blocwatch.toml``) unless the caller passes
``pool_size`` / ``max_overflow``.  ``pool_pre_ping`` tests a connection before handing it out,
so a server restart or an idle connection closed by a firewall costs a reconnect, not an error.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.pool import StaticPool

from blocwatch.settings import load_settings

__all__ = ["BEGIN_OPTION", "BUSY_TIMEOUT_MS", "make_engine", "normalise_url", "is_sqlite", "pool_sizes"]

#: Execution option naming the SQLite ``BEGIN`` mode (``DEFERRED`` | ``IMMEDIATE`` | ``EXCLUSIVE``).
BEGIN_OPTION = "blocwatch_begin"
BUSY_TIMEOUT_MS = 30_000
_BEGIN_MODES = {"DEFERRED", "IMMEDIATE", "EXCLUSIVE"}


def normalise_url(url: str | URL) -> URL:
    """Parse ``url``; driverless PostgreSQL URLs get the psycopg (v3) driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def is_sqlite(url: str | URL) -> bool:
    return normalise_url(url).get_backend_name() == "sqlite"


def _is_memory(url: URL) -> bool:
    database = url.database or ""
    return database in ("", ":memory:") or "mode=memory" in str(url)


def pool_sizes() -> tuple[int, int]:
    """``(database_pool_size, database_max_overflow)`` from the settings (environment, file)."""
    settings = load_settings()
    return settings.database_pool_size, settings.database_max_overflow


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An Engine for ``url`` with the per-back-end connection settings described above."""
    parsed = normalise_url(url)
    if parsed.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_pre_ping", True)
        if kwargs.get("poolclass") is None:
            pool_size, max_overflow = pool_sizes()
            kwargs.setdefault("pool_size", pool_size)
            kwargs.setdefault("max_overflow", max_overflow)
        return create_engine(parsed, **kwargs)

    connect_args: dict[str, Any] = dict(kwargs.pop("connect_args", {}))
    # The web server hands sessions between threads; each session uses one connection at a time.
    connect_args.setdefault("check_same_thread", False)
    connect_args.setdefault("timeout", BUSY_TIMEOUT_MS / 1000)
    memory = _is_memory(parsed)
    if memory:
        # One shared connection, or every connection would see its own empty database.
        kwargs.setdefault("poolclass", StaticPool)
    elif parsed.database:
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args=connect_args, **kwargs)
    _install_sqlite_listeners(engine, wal=not memory)
    return engine


def _install_sqlite_listeners(engine: Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite; _on_begin below emits BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            # The timeout first: switching the journal mode needs a lock that another process
            # opening the same file may hold, and then it must wait, not fail ("database is locked").
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            if wal:
                mode = cursor.execute("PRAGMA journal_mode").fetchone()
                if not mode or str(mode[0]).lower() != "wal":  # WAL persists in the file
                    cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            # WAL makes NORMAL durable across application crashes; only an OS crash can lose
            # the last commits, never corrupt the file.
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = str(conn.get_execution_options().get(BEGIN_OPTION, "DEFERRED")).upper()
        if mode not in _BEGIN_MODES:
            raise ValueError(f"unknown SQLite BEGIN mode {mode!r}")
        conn.exec_driver_sql(f"BEGIN {mode}")
