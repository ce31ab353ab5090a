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


def test_the_api_answers_errors_as_json_whatever_the_client_accepts(client: TestClient) -> None:
    for accept in ("*/*", "text/html"):
        missing = client.get("/api/no-such-thing", headers={"accept": accept})
        assert missing.status_code == 404
        assert missing.headers["content-type"].startswith("application/json")
        assert missing.json()["error"] == {"status": 404, "message": "Nothing at /api/no-such-thing."}
