"""JSON twins: ``.json`` paths and ``Accept: application/json`` return the data function's output."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from web_corpus import accord_analysis, numbered_analyses

from blocwatch.store import Store
from blocwatch.web.data import actor_data, actors_data, article_data, home_data

JSON = {"Accept": "application/json"}


def plain(data: Any) -> Any:
    """What ``data`` looks like after a trip through JSON (the dicts must already be JSON-ready)."""
    return json.loads(json.dumps(data))


def fill(store: Store) -> None:
    store.save_analysis(accord_analysis())
    for analysis in numbered_analyses(25):
        store.save_analysis(analysis)


def test_home_json_twin(client: TestClient, store: Store) -> None:
    fill(store)
    with store.session() as session:
        expected_1 = plain(home_data(session, 1, 20))
        expected_2 = plain(home_data(session, 2, 20))
    assert client.get("/.json").json() == expected_1
    assert client.get("/", headers=JSON).json() == expected_1
    assert client.get("/.json?page=2").json() == expected_2
    assert expected_1["total_articles"] == 26 and expected_1["next_page"] == 2
    assert len(expected_2["articles"]) == 6 and expected_2["next_page"] is None
    assert expected_1["active_pairs"][0]["source"] == {"id": "NOR", "name": "Norway"}


def test_article_json_twin(client: TestClient, store: Store) -> None:
    fill(store)
    with store.session() as session:
        expected = plain(article_data(session, "a-accord"))
    answer = client.get("/articles/a-accord.json")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    assert answer.json() == expected
    assert client.get("/articles/a-accord", headers=JSON).json() == expected
    assert [c["heading"] for c in expected["contents"]] == ["Talks in Valparaiso", "Next Steps", "Outlook"]
    marked = [p["text"] for p in expected["article"]["events"][0]["evidence"]["parts"] if p["mark"]]
    assert marked == ["met"]


def test_actor_json_twins(client: TestClient, store: Store) -> None:
    fill(store)
    with store.session() as session:
        expected_actor = plain(actor_data(session, "NOR", 1, 20))
        expected_list = plain(actors_data(session, 1, 20))
    assert client.get("/actors/NOR.json").json() == expected_actor
    assert client.get("/actors/NOR", headers=JSON).json() == expected_actor
    assert client.get("/actors.json").json() == expected_list
    assert client.get("/actors", headers=JSON).json() == expected_list
    assert expected_actor["actor"]["name"] == "Norway"


def test_browsers_get_html(client: TestClient, store: Store) -> None:
    fill(store)
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    for headers in (browser, {"Accept": "*/*"}, {}):
        answer = client.get("/articles/a-accord", headers=headers)
        assert answer.headers["content-type"].startswith("text/html")
    assert "Accept" in client.get("/").headers["vary"]
