"""The page cache (blocwatch/web/cache.py): a page is served again only while the store is unchanged."""

from __future__ import annotations

import asyncio
import dataclasses

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import insert, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from web_corpus import accord_analysis, numbered_analyses

from blocwatch.store import Store
from blocwatch.store.models import EventRow
from blocwatch.store.sources import SourceDirectory
from blocwatch.web.cache import CACHE_HEADER, PageCacheMiddleware, is_cached_path, store_watermark


def test_a_page_is_served_again_identical_until_the_store_changes(client: TestClient, store: Store) -> None:
    store.save_analysis(accord_analysis())
    first = client.get("/actors/NOR")
    again = client.get("/actors/NOR")
    assert (first.status_code, again.status_code) == (200, 200)
    assert (first.headers[CACHE_HEADER], again.headers[CACHE_HEADER]) == ("miss", "hit")
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["content-security-policy"] == first.headers["content-security-policy"]
    # The JSON twin and the htmx fragment are other variants, cached on their own.
    as_json = client.get("/actors/NOR", headers={"Accept": "application/json"})
    assert as_json.headers[CACHE_HEADER] == "miss" and as_json.json()["actor"]["id"] == "NOR"
    assert client.get("/actors/NOR.json").json() == as_json.json()

    second = accord_analysis("a-second", "A Second Accord", "https://news.example.org/2", coda="More.")
    store.save_analysis(second)
    after = client.get("/actors/NOR")
    assert after.headers[CACHE_HEADER] == "miss"
    assert "A Second Accord" in after.text and "A Second Accord" not in first.text


def test_a_reanalysed_article_changes_its_pages(client: TestClient, store: Store) -> None:
    analysis = accord_analysis()
    store.save_analysis(analysis)
    before = client.get("/pairs/NOR/CHL.json").json()
    assert client.get("/pairs/NOR/CHL.json").headers[CACHE_HEADER] == "hit"
    # Same article, same text, one event fewer: no new article, no higher event id.
    store.save_analysis(dataclasses.replace(analysis, events=analysis.events[:1]))
    after = client.get("/pairs/NOR/CHL.json")
    assert after.headers[CACHE_HEADER] == "miss"
    assert before["events_total"] == 2 and after.json()["events_total"] == 1


def test_home_and_search_pages_follow_new_articles(client: TestClient, store: Store) -> None:
    for analysis in numbered_analyses(3):
        store.save_analysis(analysis)
    assert client.get("/").headers[CACHE_HEADER] == "miss"
    assert client.get("/").headers[CACHE_HEADER] == "hit"
    assert client.get("/search.json?q=patrols").json()["total"] == 3
    for analysis in numbered_analyses(5)[3:]:
        store.save_analysis(analysis)
    assert "Patrol report 04" in client.get("/").text
    assert client.get("/search.json?q=patrols").json()["total"] == 5


def test_what_is_not_cached_passes_through(client: TestClient, store: Store) -> None:
    store.save_analysis(accord_analysis())
    for path in ("/healthz", "/sources", "/feed.rss", "/static/style.css"):
        assert CACHE_HEADER not in client.get(path).headers, path
    private = client.get("/actors/NOR", headers={"Authorization": "Bearer x"})
    assert private.status_code == 200 and CACHE_HEADER not in private.headers
    missing = client.get("/actors/NOBODY-KNOWN")
    assert missing.status_code == 404 and CACHE_HEADER not in missing.headers
    assert not is_cached_path("/exports/events.csv") and is_cached_path("/articles/a-accord")


def test_the_watermark_moves_with_every_kind_of_write(store: Store) -> None:
    marks = [store_watermark(store.engine)]
    analysis = accord_analysis()
    store.save_analysis(analysis)
    marks.append(store_watermark(store.engine))
    store.save_analysis(dataclasses.replace(analysis, events=analysis.events[:1]))  # re-analysis
    marks.append(store_watermark(store.engine))
    with store.engine.begin() as conn:  # a bulk load writes events without touching articles
        row = conn.execute(select(EventRow).limit(1)).mappings().one()
        conn.execute(insert(EventRow), [{k: v for k, v in row.items() if k != "id"}])
    marks.append(store_watermark(store.engine))
    sources = SourceDirectory(store)
    sources.add("https://feeds.example.org/rss", name="Example")
    marks.append(store_watermark(store.engine))
    sources.add("https://feeds.example.org/rss", name="Renamed")  # source names show on pages
    marks.append(store_watermark(store.engine))
    assert len(set(marks)) == len(marks)
    assert store_watermark(store.engine) == marks[-1]  # and stays put while nothing is written


def test_concurrent_requests_for_a_cold_page_compute_it_once(store: Store) -> None:
    computed: list[str] = []

    async def slow_page(request: Request) -> PlainTextResponse:
        computed.append(request.url.path)
        await asyncio.sleep(0.2)
        return PlainTextResponse(f"page {len(computed)}")

    app = Starlette(routes=[Route("/actors/{actor_id}", slow_page)])
    app.state.store = store
    app.add_middleware(PageCacheMiddleware)

    async def many() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            return list(await asyncio.gather(*(http.get("/actors/X") for _ in range(8))))

    answers = asyncio.run(many())
    assert computed == ["/actors/X"]
    assert {a.text for a in answers} == {"page 1"}
    assert sorted(a.headers[CACHE_HEADER] for a in answers) == ["hit"] * 7 + ["miss"]
