"""The source directory over HTTP: ``/api/sources``, ``/api/reprocess`` and the ``/sources`` page.

Everything is real: the store (``backend_url``), the spaCy pipeline for re-processing, and an
article ingested from a text file we write here, whose stored text is then garbled (as an older
extractor would have left it) so that re-processing from the stored bytes visibly repairs it.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from blocwatch.jobs import ingest
from blocwatch.nlp.pipeline import get_pipeline
from blocwatch.settings import Settings, load_settings
from blocwatch.store import Store
from blocwatch.store.models import ArticleRow
from blocwatch.store.sources import SourceDirectory
from blocwatch.web import create_app
from blocwatch.web.reprocess_jobs import MAX_IDS

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ARTICLE = """Ruritania and Freedonia sign a river treaty

17 June 2024

Ruritania and Freedonia signed a river treaty in the capital on Monday after three years of talks.
The agreement sets quotas for water drawn from the shared basin and creates a joint commission.
"Today we end a long dispute," the Ruritanian foreign minister said after the signing.
"""


@contextmanager
def site(backend_url: str, **overrides: Any) -> Iterator[tuple[TestClient, Store, Settings]]:
    options = {"api_token": TOKEN, "rate_limit_per_minute": 0, "workers": 1} | overrides
    settings = load_settings(database_url=backend_url, **options)
    store = Store(settings.database_url)
    try:
        with TestClient(create_app(settings, store)) as client:
            yield client, store, settings
    finally:
        store.close()


def test_add_update_and_list_sources(backend_url: str) -> None:
    with site(backend_url) as (client, store, _settings):
        added = client.post("/api/sources", json={"url": "HTTPS://News.Example.org/feed", "every": "30m",
                                                  "name": "Example News"}, headers=AUTH)  # fmt: skip
        assert added.status_code == 201, added.text
        body = added.json()
        assert body["created"] is True and body["source"]["url"] == "https://news.example.org/feed"
        assert (body["source"]["name"], body["source"]["every"]) == ("Example News", "30m")
        # The same URL again updates the source instead of adding a second one.
        again = client.post("/api/sources", json={"url": "https://news.example.org/feed", "every": "1h"},
                            headers=AUTH)  # fmt: skip
        assert again.status_code == 200 and again.json()["created"] is False
        assert again.json()["source"]["id"] == body["source"]["id"]
        listed = client.get("/api/sources", headers=AUTH).json()["sources"]
        assert [(s["url"], s["every"]) for s in listed] == [("https://news.example.org/feed", "1h")]
        assert "last_error" in listed[0] and "warnings" in listed[0]  # the full rows, for operators
        # The same as the CLI's directory holds.
        assert SourceDirectory(store).list_sources()[0]["every_seconds"] == 3600


def test_bad_urls_and_intervals_are_422_and_store_nothing(backend_url: str) -> None:
    with site(backend_url) as (client, store, _settings):
        cases = {
            "ftp://files.example.org/": "only http and https",
            "http://127.0.0.1:8080/feed": "'http://127.0.0.1:8080/feed': refused, 127.0.0.1 is a loopback",
            "http://169.254.169.254/latest/meta-data/": "link-local",
            "http://[fd00::1]/": "private",
            "http://localhost/rss": "localhost resolves to",
            "https:///no-host": "has no host",
        }
        for url, message in cases.items():
            response = client.post("/api/sources", json={"url": url}, headers=AUTH)
            assert response.status_code == 422, url
            assert message in response.json()["error"]["message"], (url, response.json())
        bad_every = client.post("/api/sources", json={"url": "https://a.example.org/", "every": "10s"},
                                headers=AUTH)  # fmt: skip
        assert bad_every.status_code == 422
        assert "shorter than the minimum" in bad_every.json()["error"]["message"]
        assert client.post("/api/sources", json={"every": "1h"}, headers=AUTH).status_code == 422
        assert SourceDirectory(store).list_sources() == []


def test_private_addresses_are_accepted_when_the_setting_allows_them(backend_url: str) -> None:
    with site(backend_url, allow_private_addresses=True) as (client, _store, _settings):
        response = client.post("/api/sources", json={"url": "http://127.0.0.1:8080/feed"}, headers=AUTH)
        assert response.status_code == 201 and response.json()["source"]["url"] == "http://127.0.0.1:8080/feed"


def test_the_sources_page_lists_public_fields_only(backend_url: str) -> None:
    with site(backend_url) as (client, store, _settings):
        directory = SourceDirectory(store)
        source = directory.add("https://news.example.org/feed", name="Example News", every="30m")
        directory.record_fetch(source["id"], "error", error="HTTP 503 from the internal proxy 10.1.2.3")
        directory.add("https://quiet.example.org/", every="1h")
        page = client.get("/sources")
        assert page.status_code == 200
        assert '<a href="https://news.example.org/feed" rel="nofollow noopener">' in page.text
        assert "Example News" in page.text and "30m" in page.text and ">error<" in page.text
        assert "10.1.2.3" not in page.text  # error texts stay in the token-protected API
        twin = client.get("/sources.json").json()
        assert [s["name"] for s in twin["sources"]] == ["Example News", "quiet.example.org"]
        assert set(twin["sources"][0]) == {"id", "name", "url", "every", "articles", "last_fetched_at",
                                           "last_status"}  # fmt: skip
        assert twin["writable"] is True and twin["reprocess"] is None
        nav = client.get("/").text
        assert '<a href="/sources">Sources</a>' in nav


def test_the_add_form_checks_the_url_like_the_api(backend_url: str) -> None:
    with site(backend_url) as (client, store, _settings):
        page = client.get("/sources")
        field = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert field is not None
        form = {"csrf_token": field.group(1), "api_token": TOKEN, "every": "15m"}
        refused = client.post("/sources/add", data={**form, "url": "http://10.0.0.8/feed"})
        assert refused.status_code == 422 and "&#39;http://10.0.0.8/feed&#39;: refused" in refused.text
        form |= {"url": "https://news.example.org/feed", "name": "N"}
        added = client.post("/sources/add", data=form)
        assert added.status_code == 200 and "Added source" in added.text
        assert [s["name"] for s in SourceDirectory(store).list_sources()] == ["N"]


def _stored_article(tmp_path: Path, store: Store, settings: Settings) -> tuple[str, str]:
    path = tmp_path / "river-treaty.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    pipeline = get_pipeline(settings.spacy_model, settings.actors_files)
    summary = ingest([str(path)], settings, store, pipeline)
    assert summary.created == 1, summary.errors
    [article_id] = summary.article_ids
    with store.session() as session:
        text = session.scalar(select(ArticleRow.text).where(ArticleRow.id == article_id))
    assert text and "river treaty" in text
    with store.writing() as session:  # as an older, worse extractor would have left it
        session.execute(update(ArticleRow).where(ArticleRow.id == article_id)
                        .values(text="garbled", content_hash="x" * 64))  # fmt: skip
    return article_id, text


def _finished(client: TestClient, job_id: int, timeout: float = 120.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = client.get(f"/api/reprocess/{job_id}", headers=AUTH).json()["job"]
        if job["status"] in ("done", "failed"):
            return dict(job)
        time.sleep(0.1)
    raise AssertionError(f"re-processing job {job_id} did not finish in {timeout} s")


def test_reprocess_repairs_stored_articles_in_a_background_job(backend_url: str, tmp_path: Path) -> None:
    with site(backend_url) as (client, store, settings):
        article_id, original = _stored_article(tmp_path, store, settings)
        started = client.post("/api/reprocess", json={"ids": [article_id, "a-missing"]}, headers=AUTH)
        assert started.status_code == 202, started.text
        job = started.json()["job"]
        assert started.headers["Location"] == f"/api/reprocess/{job['id']}"
        assert job["status"] in ("queued", "running") and job["requested"] == [article_id, "a-missing"]
        done = _finished(client, job["id"])
        assert done["status"] == "done", done
        assert (done["summary"]["done"], done["summary"]["changed"], done["summary"]["missing"]) == (1, 1, 1)
        assert done["processed"] == 1 and done["finished_at"]
        with store.session() as session:
            assert session.scalar(select(ArticleRow.text).where(ArticleRow.id == article_id)) == original
        # No ids: every stored article.
        everything = client.post("/api/reprocess", json={}, headers=AUTH).json()["job"]
        assert everything["requested"] is None
        assert _finished(client, everything["id"])["summary"]["done"] == 1
        # The page shows the latest job.
        assert client.get("/sources.json").json()["reprocess"]["status"] == "done"
        assert client.get("/api/reprocess/999", headers=AUTH).status_code == 404


def test_one_reprocess_job_at_a_time(backend_url: str) -> None:
    with site(backend_url) as (client, _store, _settings):
        get_pipeline()  # loaded once up front, so the job below spends its time on the ids
        many = [f"a-missing-{n}" for n in range(3000)]
        first = client.post("/api/reprocess", json={"ids": many}, headers=AUTH).json()["job"]
        busy = client.post("/api/reprocess", json={"ids": ["a-x"]}, headers=AUTH)
        assert busy.status_code == 409
        assert f"job {first['id']} is still running" in busy.json()["error"]["message"]
        assert _finished(client, first["id"])["summary"]["missing"] == 3000
        too_many = client.post("/api/reprocess", json={"ids": ["a"] * (MAX_IDS + 1)}, headers=AUTH)
        assert too_many.status_code == 422 and f"at most {MAX_IDS}" in too_many.json()["error"]["message"]
        assert client.post("/api/reprocess", json={"ids": "a-1"}, headers=AUTH).status_code == 422


def test_the_reprocess_form_starts_a_job(backend_url: str, tmp_path: Path) -> None:
    with site(backend_url) as (client, store, settings):
        article_id, original = _stored_article(tmp_path, store, settings)
        page = client.get("/sources")
        field = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert field is not None
        started = client.post("/sources/reprocess", data={"csrf_token": field.group(1), "api_token": TOKEN,
                                                          "ids": f"{article_id}\n"})  # fmt: skip
        assert started.status_code == 202 and "Re-processing job 1 started for 1 article(s)" in started.text
        assert _finished(client, 1)["summary"]["done"] == 1
        with store.session() as session:
            assert session.scalar(select(ArticleRow.text).where(ArticleRow.id == article_id)) == original
        assert "Re-processing job 1: done" in client.get("/sources").text
