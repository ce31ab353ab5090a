"""The ``BLOCWATCH_TEST_BACKEND=postgresql`` switch of tests/conftest.py, run on a small suite.

The second pass of ``make test`` depends on it: database tests must land on PostgreSQL (in a
schema of their own, dropped afterwards), SQLite-only tests must be skipped *visibly* with their
reason, tests without a database deselected, and an unknown back end refused.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.postgres  # the pass runs against the real server

CONFTEST = (Path(__file__).parent / "conftest.py").read_text(encoding="utf-8")

SUITE = '''
import pytest
from sqlalchemy import text

from blocwatch.store import Store


def test_backend_url_is_a_fresh_postgresql_schema(backend_url):
    assert backend_url.startswith("postgresql") and "search_path" in backend_url
    with Store(backend_url) as store, store.session() as session:
        assert session.scalar(text("SELECT count(*) FROM articles")) == 0
        schema = session.scalar(text("SELECT current_schema()"))
    assert schema.startswith("bw_test_")
    print("SCHEMA=" + schema)


def test_database_url_keeps_only_postgresql(database_url):
    assert database_url.startswith("postgresql")


@pytest.mark.sqlite_only("checks the WAL file")
def test_marked_sqlite_only(tmp_path):
    raise AssertionError("must not run in the PostgreSQL pass")


def test_takes_sqlite_url(sqlite_url):
    raise AssertionError("must not run in the PostgreSQL pass")


def test_no_database_at_all():
    raise AssertionError("must be deselected in the PostgreSQL pass")
'''


def _schemas(prefix: str) -> set[str]:
    # Read as tests/conftest.py does ("from conftest import" may find tests/web/conftest.py).
    url = os.environ.get("BLOCWATCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            query = text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p")
            return {r[0] for r in conn.execute(query, {"p": prefix + "%"})}
    finally:
        engine.dispose()


def test_postgresql_pass_selects_skips_and_cleans_up(pytester: pytest.Pytester,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_suite=SUITE)
    monkeypatch.setenv("BLOCWATCH_TEST_BACKEND", "postgresql")
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider", "-rs", "-s")
    result.assert_outcomes(passed=2, skipped=2, deselected=1)
    result.stdout.fnmatch_lines(["*SQLite only: checks the WAL file*", "*SQLite only: takes sqlite_url*"])
    used = re.findall(r"SCHEMA=(bw_test_\w+)", result.stdout.str())
    assert len(used) == 1 and used[0] not in _schemas("bw_test_"), "the test's schema was left behind"


def test_unknown_backend_is_refused(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    pytester.makeconftest(CONFTEST)
    pytester.makepyfile(test_suite="def test_nothing():\n    pass\n")
    monkeypatch.setenv("BLOCWATCH_TEST_BACKEND", "mysql")
    result = pytester.runpytest_subprocess("-p", "no:randomly", "-p", "no:cacheprovider")
    assert result.ret != 0
    result.stderr.fnmatch_lines(["*BLOCWATCH_TEST_BACKEND='mysql' is not a test back end*"])
