"""classify / feed_links, and collect() from home pages and feeds on a real 127.0.0.1 server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from ingest_server import Site, article_html, serve

from blocwatch.ingest import IngestError, read_inputs
from blocwatch.ingest.collect import CollectResult, collect
from blocwatch.ingest.discover import classify, feed_links
from blocwatch.ingest.polite import Fetcher
from blocwatch.records import Article
from blocwatch.settings import load_settings


def rss(items: list[tuple[str, str]], title: str = "Wire") -> str:
    body = "".join(f"<item><title>{t}</title><link>{link}</link></item>" for t, link in items)
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{body}</channel></rss>'


def home(links: str) -> str:
    return f"<!DOCTYPE html><html><head><title>Wire home</title>{links}</head><body><p>Home</p></body></html>"


def test_classify() -> None:
    assert classify(b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- hi --><rss version="2.0">') == "feed"
    assert classify(b'<?xml-stylesheet href="s.xsl"?><feed xmlns="http://www.w3.org/2005/Atom">') == "feed"
    assert classify(b"<rdf:RDF xmlns:rdf='x'>") == "feed"
    assert classify(b"<urlset>", "text/plain") == "sitemap" and classify(b"<sitemapindex/>") == "sitemap"
    assert classify(b"https://a.example/1\nhttps://a.example/2\n", "text/plain") == "sitemap"
    assert classify(b"<!DOCTYPE html><html><body>x</body></html>", "application/rss+xml") == "html"
    assert classify(b"Just a note.", "text/plain") == "text"
    assert classify(b"\x89PNG\r\n\x1a\n", "image/png") == "other"


def test_feed_links_in_page_order_without_comment_feeds() -> None:
    page = home(
        '<base href="https://wire.example.net/world/">'
        '<link rel="alternate" type="application/rss+xml" title="World" href="feed.xml">'
        '<link rel="alternate" type="application/atom+xml" href="/atom.xml#x">'
        '<link rel="alternate" type="application/rss+xml" title="Comments on World" href="/c.xml">'
        '<link rel="alternate" type="application/rss+xml" href="/comments/feed/">'
        '<link rel="alternate" hreflang="fr" href="/fr/">'
        '<link rel="stylesheet" type="text/css" href="/s.css">'
    )
    assert feed_links(page, "https://wire.example.net/") == [
        "https://wire.example.net/world/feed.xml",
        "https://wire.example.net/atom.xml",
    ]
    assert feed_links(b"", "https://x.example/") == []


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    s = Site()
    with serve(s):
        b = s.base
        s.add(
            "/",
            home(
                '<link rel="alternate" type="application/rss+xml" href="/world.xml">'
                '<link rel="alternate" type="application/atom+xml" href="/politics.atom">'
            ),
        )
        # The same story is in both feeds, once under a tracking-free URL and once with a fragment.
        s.add(
            "/world.xml",
            rss(
                [
                    ("Shared story", "/story/shared"),
                    ("World only", f"{b}/story/world"),
                    ("Broken page", "/story/missing"),
                ]
            ),
            ctype="application/rss+xml",
        )
        s.add(
            "/politics.atom",
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>P</title>'
            '<entry><title>Shared story</title><link href="/story/shared#top"/><id>1</id>'
            "<updated>2024-03-05T10:00:00Z</updated></entry></feed>",
            ctype="application/atom+xml",
        )
        s.add("/story/shared", article_html("Shared story"))
        s.add("/story/world", article_html("World only"))
        s.add(
            "/story/latin",
            article_html("Caf\u00e9 diplomacy in Gen\u00e8ve").encode("cp1252"),
            ctype="text/html; charset=utf-8",
        )  # a wrong declared charset
        s.add("/malformed.xml", '<rss version="2.0"><channel><item><title>x</title><<<', ctype="text/xml")
        s.add("/feed-ish.xml", home(""), ctype="application/rss+xml")
        s.add(
            "/robots.txt", "User-agent: *\nDisallow: /blocked\nSitemap: /wire-news.xml\n", ctype="text/plain"
        )
        yield s


def run_collect(url: str, **kwargs: Any) -> CollectResult:
    async def go() -> CollectResult:
        loopback = load_settings(fetch_max_bytes=1_000_000, allow_private_addresses=True)  # 127.0.0.1 server
        async with Fetcher(loopback, per_host_delay=0.0, timeout=2.0) as f:
            return await collect(url, f, **kwargs)

    return asyncio.run(go())


def test_home_page_discovers_both_feeds_and_dedupes(site: Site) -> None:
    result = run_collect(site.url("/"))
    assert result.kind == "home" and result.feeds == [site.url("/world.xml"), site.url("/politics.atom")]
    assert sorted(e.url for e in result.entries) == sorted(
        site.url(p) for p in ("/story/shared", "/story/world", "/story/missing")
    )
    assert sorted(a.title for a in result.articles) == ["Shared story", "World only"]
    (error,) = result.errors  # the missing page is recorded; the others went on
    assert error.input == site.url("/story/missing") and "404" in error.problem
    shared = next(e for e in result.entries if e.url.endswith("/shared"))
    assert shared.published is not None  # borrowed from the Atom copy of the story


def test_fallback_to_robots_sitemap_then_common_paths() -> None:
    bare = Site()
    with serve(bare):
        bare.add("/", home(""))
        bare.add("/robots.txt", "User-agent: *\nSitemap: /wire-news.xml\n", ctype="text/plain")
        bare.add(
            "/wire-news.xml", f"<urlset><url><loc>{bare.base}/n/1</loc></url></urlset>", ctype="text/xml"
        )
        bare.add("/n/1", article_html("From the robots sitemap"))
        result = run_collect(bare.url("/"))
        assert [a.title for a in result.articles] == ["From the robots sitemap"] and not result.errors
    guess = Site()
    with serve(guess):
        guess.add("/", home(""))
        guess.add("/rss.xml", rss([("Guessed", "/g/1")]), ctype="application/rss+xml")
        guess.add("/g/1", article_html("Guessed"))
        result = run_collect(guess.url("/"))
        assert result.feeds == [guess.url("/rss.xml")] and [a.title for a in result.articles] == ["Guessed"]
        assert guess.hits("/feed") == 1 and guess.hits("/rss") == 1 and guess.hits("/sitemap.xml") == 0
    nothing = Site()
    with serve(nothing):
        nothing.add("/", home(""))
        result = run_collect(nothing.url("/"))
        assert result.articles == [] and "no feed or sitemap found" in result.errors[0].problem


def test_conditional_source_fetch(site: Site) -> None:
    site.add(
        "/etag.xml",
        rss([("World only", "/story/world")]),
        ctype="application/rss+xml",
        headers={"ETag": '"feed-1"'},
    )
    first = run_collect(site.url("/etag.xml"), fetch_articles=False)
    assert first.etag == '"feed-1"' and len(first.entries) == 1 and first.articles == []
    # The server does not do conditional GET itself here: a 304 route stands in for it.
    site.add("/etag.xml", b"", status=304, ctype=None, headers={"ETag": '"feed-1"'})
    again = run_collect(site.url("/etag.xml"), since_etag=first.etag)
    assert again.not_modified and again.entries == [] and again.etag == '"feed-1"'
    assert site.log[-1][1].get("If-None-Match") == '"feed-1"'


def test_bad_sources_are_recorded(site: Site) -> None:
    malformed = run_collect(site.url("/malformed.xml"))
    assert malformed.kind == "feed" and "malformed feed XML" in malformed.errors[0].problem
    assert malformed.errors[0].raw is not None  # kept for re-processing
    # An HTML page served as RSS is a page: discovery runs, robots.txt's sitemap is missing.
    fake = run_collect(site.url("/feed-ish.xml"))
    assert fake.kind == "home" and fake.articles == []
    assert [e.input for e in fake.errors[:1]] == [site.url("/wire-news.xml")]
    assert "no feed or sitemap found" in fake.errors[-1].problem
    blocked = run_collect(site.url("/blocked/feed.xml"))
    assert "disallowed by robots.txt" in blocked.errors[0].problem


def test_single_page_with_wrong_charset(site: Site) -> None:
    result = run_collect(site.url("/story/latin"), html="page")
    assert result.kind == "page" and not result.errors
    assert result.articles[0].title == "Caf\u00e9 diplomacy in Gen\u00e8ve"


def test_read_inputs_expands_feed_urls_and_keeps_order(site: Site) -> None:
    settings = load_settings(fetch_timeout=2.0, fetch_max_bytes=1_000_000, allow_private_addresses=True)
    urls = [site.url("/world.xml"), site.url("/story/world")]
    items = list(read_inputs(urls, settings, fetch_options={"per_host_delay": 0.01}))
    articles = [i for i in items if isinstance(i, Article)]
    errors = [i for i in items if isinstance(i, IngestError)]
    assert [a.title for a in articles] == ["Shared story", "World only", "World only"]
    assert len(errors) == 1 and errors[0].input == site.url("/story/missing")
