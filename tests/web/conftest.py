"""Fixtures for the web tests: a real SQLite store in ``tmp_path`` and a TestClient over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from blocwatch.settings import Settings, load_settings
from blocwatch.store import Store
from blocwatch.web import create_app


@pytest.fixture
def web_settings(tmp_path: Path) -> Settings:
    return load_settings(database_url=f"sqlite:///{tmp_path / 'web.db'}", page_size=20)


@pytest.fixture
def store(web_settings: Settings) -> Iterator[Store]:
    opened = Store(web_settings.database_url)
    yield opened
    opened.close()


@pytest.fixture
def client(web_settings: Settings, store: Store) -> Iterator[TestClient]:
    with TestClient(create_app(web_settings, store)) as test_client:
        yield test_client
