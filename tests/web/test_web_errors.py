"""404 and bad requests, as HTML pages or JSON bodies by negotiation."""

from __future__ import annotations

from fastapi.testclient import TestClient
from web_corpus import accord_analysis

from blocwatch.store import Store


def test_unknown_ids_are_404(client: TestClient, store: Store) -> None:
    store.save_analysis(accord_analysis())
    for path in ("/articles/a-missing", "/actors/person:nobody", "/actors/XXX", "/no/such/page"):
        page = client.get(path)
        assert page.status_code == 404, path
        assert page.headers["content-type"].startswith("text/html")
        assert "<h1>Not found</h1>" in page.text
    assert "No article with id &#39;a-missing&#39;." in client.get("/articles/a-missing").text


def test_unknown_ids_are_404_as_json(client: TestClient) -> None:
    for answer in (
        client.get("/articles/a-missing.json"),
        client.get("/actors/person:nobody", headers={"Accept": "application/json"}),
    ):
        assert answer.status_code == 404
        assert answer.headers["content-type"] == "application/json"
        assert answer.json()["error"]["status"] == 404
    assert client.get("/articles/a-missing.json").json() == {
        "error": {"status": 404, "message": "No article with id 'a-missing'."}
    }


def test_error_pages_escape_the_requested_id(client: TestClient) -> None:
    page = client.get("/articles/<b>bold</b>")
    assert page.status_code == 404
    assert "<b>bold</b>" not in page.text and "&lt;b&gt;bold&lt;/b&gt;" in page.text


def test_bad_page_number(client: TestClient) -> None:
    page = client.get("/?page=0")
    assert page.status_code == 422 and "page" in page.text
    assert client.get("/.json?page=zero").json()["error"]["status"] == 422
