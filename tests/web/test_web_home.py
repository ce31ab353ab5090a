"""The home page: latest news, pagination with a real "Show more" link, htmx fragments, analytics."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import text
from web_corpus import accord_analysis, numbered_analyses

from blocwatch.settings import Settings
from blocwatch.store import Store
from blocwatch.web import create_app


def item_titles(html: str) -> list[str]:
    return re.findall(r'<a class="title" href="/articles/[^"]+">([^<]*)</a>', html)


def test_empty_site_says_so(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "No articles yet" in page.text
    assert "No events between two known actors have been read yet" in page.text
    assert 'class="more"' not in page.text


def test_home_lists_the_article(client: TestClient, store: Store) -> None:
    store.save_analysis(accord_analysis())
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Latest news" in page.text and "Latest analytics" in page.text
    assert item_titles(page.text) == ["Norway and Chile Sign Fisheries Accord"]
    assert 'href="/articles/a-accord"' in page.text
    assert '<script src="/static/htmx.min.js"' in page.text


def test_pagination_and_show_more_link(client: TestClient, store: Store) -> None:
    for analysis in numbered_analyses(25):
        store.save_analysis(analysis)
    first = client.get("/")
    titles = item_titles(first.text)
    # Newest first: report 24 was published last.
    assert titles == [f"Patrol report {n:02d}" for n in range(24, 4, -1)]
    # The control is a real link (works without JS) and an htmx request of the same URL.
    more = re.search(r'<li class="more">\s*<a[^>]*>', first.text)
    assert more is not None
    assert 'href="/?page=2"' in more.group(0) and 'hx-get="/?page=2"' in more.group(0)
    assert 'hx-target="closest li"' in more.group(0) and 'hx-swap="outerHTML"' in more.group(0)

    second = client.get("/?page=2")
    assert second.status_code == 200
    assert "<!doctype html>" in second.text  # a full page without HX-Request
    assert item_titles(second.text) == [f"Patrol report {n:02d}" for n in range(4, -1, -1)]
    assert 'class="more"' not in second.text
    assert "Show more" not in second.text

    beyond = client.get("/?page=3")
    assert item_titles(beyond.text) == []
    assert "No more articles" in beyond.text


def test_htmx_request_gets_a_fragment(client: TestClient, store: Store) -> None:
    for analysis in numbered_analyses(45):
        store.save_analysis(analysis)
    fragment = client.get("/?page=2", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "<body" not in fragment.text
    assert "Latest analytics" not in fragment.text
    assert fragment.text.strip().startswith('<li class="article-item">')
    assert item_titles(fragment.text) == [f"Patrol report {n:02d}" for n in range(24, 4, -1)]
    # The fragment ends with the next control, pointing one page further.
    assert fragment.text.strip().endswith("</li>")
    assert 'hx-get="/?page=3"' in fragment.text
    last = client.get("/?page=3", headers={"HX-Request": "true"})
    assert len(item_titles(last.text)) == 5 and "hx-get" not in last.text
    assert "HX-Request" in fragment.headers["vary"]


def test_latest_analytics_shows_active_pairs_from_real_events(client: TestClient, store: Store) -> None:
    store.save_analysis(accord_analysis())
    # A second article whose Norway -> Chile meeting makes that pair count twice.
    store.save_analysis(
        accord_analysis(
            "a-accord-2",
            "Second Round of Fisheries Talks",
            "https://news.example.org/2025/03/second",
            coda="A second round.",
        )
    )
    page = client.get("/")
    pairs = re.search(r'<ol class="pairs">(.*?)</ol>', page.text, re.S)
    assert pairs is not None
    rows = re.findall(r"<li>(.*?)</li>", pairs.group(1), re.S)
    # The negated Chile -> Norway "threat" is not activity: only one pair is listed.
    assert len(rows) == 1
    norway = '<a class="actor" href="/actors/NOR">Norway</a>'
    chile = '<a class="actor" href="/actors/CHL">Chile</a>'
    arrow = '<a class="pair" href="/pairs/NOR/CHL" title="relations and alignment of the pair">→</a>'
    assert f"{norway} {arrow} {chile}" in rows[0]
    assert "2 events" in rows[0]


def test_healthz(client: TestClient, store: Store) -> None:
    store.save_analysis(accord_analysis())
    answer = client.get("/healthz")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "articles": 1}


def test_static_assets_are_served_locally(client: TestClient) -> None:
    htmx = client.get("/static/htmx.min.js")
    assert htmx.status_code == 200
    assert htmx.text.startswith("/*! htmx.org") and "Zero-Clause BSD" in htmx.text[:400]
    css = client.get("/static/blocwatch.css")
    assert css.status_code == 200 and "mark" in css.text


def test_security_headers_and_head_healthz(client: TestClient) -> None:
    page = client.get("/")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert client.head("/healthz").status_code == 200


def test_app_opens_its_own_store_from_settings(web_settings: Settings) -> None:
    with TestClient(create_app(web_settings)) as own:
        assert own.get("/healthz").json() == {"status": "ok", "articles": 0}
        assert own.app.state.store.url == web_settings.database_url  # type: ignore[attr-defined]


def test_healthz_reports_a_broken_database(client: TestClient, store: Store) -> None:
    # PostgreSQL refuses to drop a table others reference unless told to cascade; SQLite has no CASCADE.
    cascade = " CASCADE" if store.engine.dialect.name == "postgresql" else ""
    with store.engine.begin() as connection:
        connection.execute(text("DROP TABLE article_actors"))
        connection.execute(text("DROP TABLE events"))
        connection.execute(text(f"DROP TABLE articles{cascade}"))
    answer = client.get("/healthz")
    assert answer.status_code == 503
    assert answer.json()["status"] == "error"
