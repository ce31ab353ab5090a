"""Shared fixtures: ``database_url`` (SQLite file and PostgreSQL) and ``store``.

The PostgreSQL parameter uses ``$BLOCWATCH_TEST_POSTGRES_URL`` (default: the server on
127.0.0.1:5432, database ``test``).  Each test gets its own freshly created schema, selected with
``options=-csearch_path=<schema>`` in the URL, and dropped afterwards, so tests never touch other
tables of that database and can run in parallel (pytest-xdist).  When the server does not answer
the PostgreSQL tests are skipped, saying why; any other error fails them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from blocwatch.store import Store

POSTGRES_URL = os.environ.get(
    "BLOCWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@cache
def _postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used (None when it answers); asked once per test process."""
    engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        url = make_url(POSTGRES_URL)
        return f"PostgreSQL not reachable at {url.host}:{url.port or 5432}: {exc.orig}"
    finally:
        engine.dispose()
    return None


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A URL of a fresh, empty PostgreSQL schema, dropped after the test."""
    problem = _postgres_problem()
    if problem:
        pytest.skip(problem)
    schema = f"bw_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(POSTGRES_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'blocwatch.db'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest) -> str:
    """The URL of an empty database, once on SQLite and once on PostgreSQL."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    """A migrated :class:`blocwatch.store.Store` on ``database_url``, closed afterwards."""
    opened = Store(database_url)
    try:
        yield opened
    finally:
        opened.close()
