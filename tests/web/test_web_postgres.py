"""The site over PostgreSQL: the same pages and JSON twins as on SQLite.

The data functions add their own SQL (the active pairs aggregate, actor names), so they are run
against the PostgreSQL server too, in a uniquely named schema dropped afterwards (other users'
tables in the ``test`` database are never touched).  Skipped only when the server does not answer,
and never under ``BLOCWATCH_TEST_BACKEND=postgresql`` (tests/conftest.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from web_corpus import accord_analysis, numbered_analyses

from blocwatch.settings import load_settings
from blocwatch.store import Store
from blocwatch.web import create_app
from blocwatch.web.data import actor_data, article_data, home_data

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_store(postgres_url: str) -> Iterator[Store]:
    """A store in a fresh schema (tests/conftest.py's ``postgres_url``, dropped afterwards)."""
    store = Store(postgres_url)
    try:
        yield store
    finally:
        store.close()


def test_pages_and_twins_on_postgresql(pg_store: Store) -> None:
    pg_store.save_analysis(accord_analysis())
    pg_store.save_analysis(
        accord_analysis("a-accord-2", "Second Round", "https://news.example.org/2", coda="A second round.")
    )
    for analysis in numbered_analyses(21):
        pg_store.save_analysis(analysis)
    settings = load_settings(database_url=pg_store.url, page_size=20)
    with TestClient(create_app(settings, pg_store)) as client:
        with pg_store.session() as session:
            home = json.loads(json.dumps(home_data(session, 1, 20)))
            article = json.loads(json.dumps(article_data(session, "a-accord")))
            actor = json.loads(json.dumps(actor_data(session, "NOR", 1, 20)))
        assert client.get("/.json").json() == home
        assert client.get("/articles/a-accord.json").json() == article
        assert client.get("/actors/NOR.json").json() == actor
        # Negated events do not count, so only Norway -> Chile is active, with two meetings.
        assert [(p["source"]["id"], p["target"]["id"], p["events"]) for p in home["active_pairs"]] == [
            ("NOR", "CHL", 2)
        ]
        assert home["total_articles"] == 23 and home["next_page"] == 2
        page_2 = client.get("/?page=2", headers={"HX-Request": "true"})
        assert page_2.text.count('<li class="article-item">') == 3
        assert "<mark>met</mark>" in client.get("/articles/a-accord").text
        assert client.get("/actors/person:ingrid-solberg").status_code == 200
        assert client.get("/articles/a-nothing").status_code == 404
