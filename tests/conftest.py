"""Shared fixtures: the databases tests run on, and a migrated ``store``.

Two ways to ask for a database:

* ``database_url`` — tests about the store itself: once on an SQLite file and once on PostgreSQL
  (so a plain ``pytest`` covers both back ends where it matters most);
* ``backend_url`` — any other test that just needs "a database" (web pages, CLI runs, the
  collector, analytics): an SQLite file by default, a fresh PostgreSQL schema when the run sets
  ``BLOCWATCH_TEST_BACKEND=postgresql``.  ``make test`` runs the suite a second time that way, so
  every database-using test also runs on PostgreSQL.  Under that switch ``database_url`` keeps only
  its PostgreSQL parameter (the SQLite one ran in the first pass).

``sqlite_url`` stays an SQLite file in every mode, for the tests that are about SQLite behaviour
(WAL, file creation, ``sqlite3`` inspection); such tests say so.

What the PostgreSQL pass runs (``BLOCWATCH_TEST_BACKEND=postgresql``, see
:func:`pytest_collection_modifyitems`): every test that takes a database fixture (``backend_url``,
``database_url``, ``postgres_url``, or the web fixtures built on them) or is marked ``postgres``.
Tests marked ``sqlite_only("why")``, or taking only ``sqlite_url``, are skipped with their reason,
so the report shows them.  Tests that touch no database at all are deselected: they ran, with the
same result, in the SQLite pass, and repeating them would only double the CI time.

The PostgreSQL server is ``$BLOCWATCH_TEST_POSTGRES_URL`` (default: 127.0.0.1:5432, database
``test``).  Each test gets its own freshly created schema, selected with
``options=-csearch_path=<schema>`` in the URL, and dropped afterwards, so tests never touch other
tables of that database and can run in parallel (pytest-xdist).  When the server does not answer
the PostgreSQL tests are skipped, saying why — except under ``BLOCWATCH_TEST_BACKEND=postgresql``,
where a missing server fails the run: a pass that exists to test PostgreSQL must not pass by
skipping.
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
BACKENDS = ("sqlite", "postgresql")


def _test_backend() -> str:
    backend = os.environ.get("BLOCWATCH_TEST_BACKEND", "sqlite").strip().lower() or "sqlite"
    if backend not in BACKENDS:
        raise pytest.UsageError(
            f"BLOCWATCH_TEST_BACKEND={backend!r} is not a test back end; use one of {', '.join(BACKENDS)}"
        )
    return backend


#: The back end of ``backend_url`` for this run: ``sqlite`` (default) or ``postgresql``.
TEST_BACKEND = _test_backend()


#: Fixtures through which a test reaches this run's database (``backend_url`` and ``database_url``
#: pick theirs with ``getfixturevalue``, so only they appear in a test's fixture closure).
DATABASE_FIXTURES = frozenset({"backend_url", "database_url", "postgres_url"})


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sqlite_only(reason): about SQLite itself; skipped, with its reason, in the PostgreSQL pass",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In the PostgreSQL pass keep the database tests, skip the SQLite-only ones visibly, and
    deselect the tests that use no database (see the module docstring)."""
    if TEST_BACKEND != "postgresql":
        return
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        sqlite_only = item.get_closest_marker("sqlite_only")
        if sqlite_only is not None:
            reason = sqlite_only.kwargs.get("reason") or (sqlite_only.args[0] if sqlite_only.args else "")
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {reason or 'about SQLite itself'}"))
        elif names & DATABASE_FIXTURES or item.get_closest_marker("postgres") is not None:
            pass
        elif "sqlite_url" in names:
            item.add_marker(pytest.mark.skip(reason="SQLite only: takes sqlite_url, an SQLite file"))
        else:
            dropped.append(item)
            continue
        kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


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
        if TEST_BACKEND == "postgresql":
            pytest.fail(f"BLOCWATCH_TEST_BACKEND=postgresql but {problem}")
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
    """An SQLite file in ``tmp_path`` in every mode: for tests about SQLite behaviour."""
    return f"sqlite:///{tmp_path / 'blocwatch.db'}"


@pytest.fixture
def backend_url(request: pytest.FixtureRequest) -> str:
    """A fresh, empty database on this run's back end (``BLOCWATCH_TEST_BACKEND``)."""
    name = "postgres_url" if TEST_BACKEND == "postgresql" else "sqlite_url"
    return str(request.getfixturevalue(name))


_DATABASE_PARAMS = [
    *(["sqlite"] if TEST_BACKEND == "sqlite" else []),
    pytest.param("postgresql", marks=pytest.mark.postgres),
]


@pytest.fixture(params=_DATABASE_PARAMS)
def database_url(request: pytest.FixtureRequest) -> str:
    """The URL of an empty database: on SQLite and on PostgreSQL (PostgreSQL only in its pass)."""
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
