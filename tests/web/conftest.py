"""Fixtures for the web tests: a real store on this run's back end and a TestClient over it.

The database is ``backend_url`` from tests/conftest.py: an SQLite file in ``tmp_path`` by default,
a fresh PostgreSQL schema under ``BLOCWATCH_TEST_BACKEND=postgresql``.  Tests that want a scratch
directory (screenshots, files) take ``tmp_path`` themselves rather than deriving it from the URL.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from blocwatch.settings import Settings, load_settings
from blocwatch.store import Store
from blocwatch.web import create_app


@pytest.fixture
def web_settings(backend_url: str) -> Settings:
    # The TestClient is one client IP making many requests in a row: the rate limiter would be
    # what such tests measure.  Its own tests (test_web_security.py) switch it on.
    return load_settings(database_url=backend_url, page_size=20, rate_limit_per_minute=0)


@pytest.fixture
def store(web_settings: Settings) -> Iterator[Store]:
    opened = Store(web_settings.database_url)
    yield opened
    opened.close()


@pytest.fixture
def client(web_settings: Settings, store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(web_settings, store)) as test_client:
        yield test_client
