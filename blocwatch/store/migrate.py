"""Schema migrations, run programmatically: ``migrate(url)`` is ``alembic upgrade head``.

The Alembic configuration is built in code with ``script_location`` pointing at the
``migrations`` folder next to this file, so it works from an installed package and from any
working directory (no ``alembic.ini`` is read).

Concurrent starts (two workers, or ``blocwatch run`` next to ``blocwatch ingest``) must not both
create the tables.  The upgrade therefore runs in one transaction that first takes a lock:
``BEGIN IMMEDIATE`` on SQLite (the database write lock) and a transaction-scoped advisory lock on
PostgreSQL.  The second process waits, then finds the schema at head and does nothing.  Both
back ends have transactional DDL, so a failed migration leaves no half-made schema.
"""

from __future__ import annotations

import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from blocwatch.store.engine import BEGIN_OPTION, make_engine

__all__ = ["MIGRATIONS", "alembic_config", "current_revision", "head_revision", "migrate"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# An arbitrary constant naming blocwatch's advisory lock ("blocwatc" in ASCII).
_PG_LOCK_KEY = 0x626C6F6377617463


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(url: str | None = None, *, engine: Engine | None = None, revision: str = "head") -> None:
    """Bring the database at ``url`` (or behind ``engine``) up to ``revision`` (default head)."""
    if engine is None and url is None:
        raise ValueError("migrate() needs a url or an engine")
    own = engine is None
    eng = engine if engine is not None else make_engine(str(url))
    try:
        for attempt in range(_ATTEMPTS):
            try:
                _upgrade(eng, revision)
                return
            except OperationalError as exc:
                # SQLite answers "database is locked" without waiting in a few races (several
                # processes creating one new file, a WAL switch); the transaction was rolled
                # back, so trying again is safe.
                if "database is locked" not in str(exc) or attempt == _ATTEMPTS - 1:
                    raise
                time.sleep(0.05 * 2**attempt)
    finally:
        if own:
            eng.dispose()


_ATTEMPTS = 6


def _upgrade(eng: Engine, revision: str) -> None:
    if revision == "head" and current_revision(eng) == head_revision():
        return  # the common case at every start: nothing to do, take no write lock
    config = alembic_config()
    with eng.connect().execution_options(**{BEGIN_OPTION: "IMMEDIATE"}) as conn:
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
            # env.py runs the migrations on this connection, inside this transaction.
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
