"""read_sitemap on documents written here, and collect() walking an index on a real server."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from ingest_server import Site, article_html, serve

from blocwatch.ingest import IngestError
from blocwatch.ingest.collect import CollectResult, collect
from blocwatch.ingest.polite import Fetcher
from blocwatch.ingest.sitemaps import parse_w3c_date, read_sitemap
from blocwatch.settings import load_settings

SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"


def news_sitemap(urls: list[tuple[str, str, str]], news_ns: str = NEWS) -> bytes:
    items = "".join(
        f"<url><loc>{loc}</loc><news:news><news:publication><news:name>Test Wire</news:name>"
        f"<news:language>en-GB</news:language></news:publication>"
        f"<news:publication_date>{when}</news:publication_date><news:title>{title}</news:title>"
        f"</news:news></url>"
        for loc, when, title in urls
    )
    return f'<?xml version="1.0"?><urlset xmlns="{SM}" xmlns:news="{news_ns}">{items}</urlset>'.encode()


def index(locs: list[str]) -> bytes:
    items = "".join(f"<sitemap><loc>{loc}</loc><lastmod>2024-03-05</lastmod></sitemap>" for loc in locs)
    return f'<?xml version="1.0"?><sitemapindex xmlns="{SM}">{items}</sitemapindex>'.encode()


def test_w3c_dates() -> None:
    assert parse_w3c_date("2024-03-05") == datetime(2024, 3, 5, tzinfo=UTC)
    assert parse_w3c_date("2024-03-05T10:00:00+01:00") == datetime(2024, 3, 5, 9, tzinfo=UTC)
    assert parse_w3c_date("2024-03-05T10:00Z") == datetime(2024, 3, 5, 10, tzinfo=UTC)
    assert parse_w3c_date("soon") is None and parse_w3c_date("") is None


def test_news_sitemap_entries() -> None:
    data = news_sitemap(
        [
            ("https://wire.example.net/a", "2024-03-05T10:00:00+01:00", "Story A"),
            ("/b", "2024-03-04", "Story B"),
            ("https://wire.example.net/a", "2024-03-05", "duplicate"),
        ]
    )
    parsed = read_sitemap(data, "https://wire.example.net/news.xml")
    assert parsed.news and not parsed.is_index
    assert [(e.url, e.title, e.language) for e in parsed.entries] == [
        ("https://wire.example.net/a", "Story A", "en"),
        ("https://wire.example.net/b", "Story B", "en"),  # relative <loc> resolved
    ]
    assert parsed.entries[0].published == datetime(2024, 3, 5, 9, tzinfo=UTC)


def test_namespace_variants_plain_urlset_and_lastmod() -> None:
    odd = news_sitemap(
        [("https://w.example/x", "2024-01-02", "X")],
        news_ns="http://www.google.com/schemas/sitemap-news/0.84",
    )
    assert read_sitemap(odd, "https://w.example/s.xml").entries[0].published == datetime(
        2024, 1, 2, tzinfo=UTC
    )
    plain = b"<urlset><url><loc>https://w.example/y</loc><lastmod>2023-12-31</lastmod></url></urlset>"
    (entry,) = read_sitemap(plain, "https://w.example/s.xml").entries
    assert entry.updated == datetime(2023, 12, 31, tzinfo=UTC) and entry.published is None


def test_index_text_and_gzip() -> None:
    parsed = read_sitemap(index(["/s1.xml", "https://w.example/s2.xml.gz"]), "https://w.example/index.xml")
    assert parsed.is_index and parsed.sitemaps == ["https://w.example/s1.xml", "https://w.example/s2.xml.gz"]
    text = read_sitemap(b"https://w.example/1\nhttps://w.example/2\n", "https://w.example/s.txt")
    assert [e.url for e in text.entries] == ["https://w.example/1", "https://w.example/2"]
    zipped = read_sitemap(gzip.compress(news_sitemap([("https://w.example/z", "2024-03-01", "Z")])), "u")
    assert zipped.entries[0].url == "https://w.example/z"


def test_entities_are_not_expanded_and_bad_documents_fail() -> None:
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/hostname">]>'
        b"<urlset><url><loc>https://w.example/&x;</loc></url></urlset>"
    )
    entries = read_sitemap(xxe, "https://w.example/s.xml").entries
    assert all("etc" not in e.url and len(e.url) < 40 for e in entries)
    for body, problem in [
        (b"<html><body>hi</body></html>", "not a sitemap (root element <html>)"),
        (b"", "empty sitemap"),
        (b"hello there", "neither XML nor one URL a line"),
        (b"\x1f\x8b\x08\x00junk", "gzip"),
    ]:
        with pytest.raises(IngestError) as info:
            read_sitemap(body, "https://w.example/s.xml")
        assert problem in info.value.problem


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    s = Site()
    with serve(s):
        base = s.base
        s.add(
            "/sitemap_index.xml",
            index([f"{base}/sitemap-pages.xml", f"{base}/news-sitemap.xml"]),
            ctype="application/xml",
        )
        s.add(
            "/news-sitemap.xml",
            news_sitemap(
                [
                    (f"{base}/news/one", "2024-03-05T10:00:00Z", "Sitemap story one"),
                    (f"{base}/news/two", "2024-03-04T10:00:00Z", "Sitemap story two"),
                    (f"{base}/news/old", "2020-01-01T10:00:00Z", "Old story"),
                ]
            ),
            ctype="text/xml",
        )
        s.add(
            "/sitemap-pages.xml",
            gzip.compress(f"<urlset><url><loc>{base}/about</loc></url></urlset>".encode()),
            ctype="application/x-gzip",
        )
        s.add("/news/one", article_html("Sitemap story one"))
        s.add("/news/two", article_html("Sitemap story two", date="2024-03-04"))
        s.add("/news/old", article_html("Old story", date="2020-01-01"))
        s.add("/about", article_html("About the wire"))
        # An index that points at itself and at a deeper index.
        s.add("/loop-index.xml", index([f"{base}/loop-index.xml", f"{base}/deep-1.xml"]))
        for i in range(1, 6):
            s.add(f"/deep-{i}.xml", index([f"{base}/deep-{i + 1}.xml"]))
        yield s


def run_collect(url: str, **kwargs: Any) -> CollectResult:
    async def go() -> CollectResult:
        loopback = load_settings(fetch_max_bytes=1_000_000, allow_private_addresses=True)  # 127.0.0.1 server
        async with Fetcher(loopback, per_host_delay=0.0, timeout=2.0) as f:
            return await collect(url, f, **kwargs)

    return asyncio.run(go())


def test_collect_walks_index_news_sitemap_first(site: Site) -> None:
    result = run_collect(site.url("/sitemap_index.xml"), since=datetime(2024, 1, 1, tzinfo=UTC))
    assert result.kind == "sitemap" and not result.errors
    assert result.feeds == [
        site.url(p) for p in ("/sitemap_index.xml", "/news-sitemap.xml", "/sitemap-pages.xml")
    ]
    titles = [a.title for a in result.articles]
    # Newest first; the 2020 story is older than `since`; /about has no date, so it is kept.
    assert titles == ["Sitemap story one", "Sitemap story two", "About the wire"]
    assert result.articles[1].published == date(2024, 3, 4) and result.skipped == 1


def test_collect_skips_seen_and_respects_max_articles(site: Site) -> None:
    result = run_collect(site.url("/news-sitemap.xml"), seen={site.url("/news/one")}, max_articles=1)
    assert [a.url for a in result.articles] == [site.url("/news/two")] and result.skipped == 2


def test_collect_index_depth_and_count_are_bounded(site: Site) -> None:
    deep = run_collect(site.url("/loop-index.xml"), max_depth=3)
    assert deep.entries == [] and any("nested deeper than 3" in e.problem for e in deep.errors)
    assert site.hits("/loop-index.xml") == 1  # the self-reference was not fetched again
    many = run_collect(site.url("/loop-index.xml"), max_sitemaps=2, max_depth=10)
    assert any("stopped after 2 sitemaps" in e.problem for e in many.errors)
