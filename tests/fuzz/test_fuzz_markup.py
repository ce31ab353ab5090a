"""Hostile input for the HTML extractor, the RSS/Atom reader and the sitemap reader.

Arbitrary bytes (gzip magic included, so the capped gunzip path is reached), and documents built
from the elements these readers look for with random text, attributes, links, dates, encodings
and entities (including an external-entity declaration, which must never be resolved).
"""

from __future__ import annotations

import gzip
from urllib.parse import urlsplit

from fuzz_invariants import check_article, check_error, known_crash
from fuzz_profile import properties
from hypothesis import strategies as st

from blocwatch.ingest import IngestError, extract_html, read_feed, read_sitemap

TEXT = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "Talks resume in spring, the minister said on Monday after a long pause in trade.",
            "&amp; &lt;b&gt; &#x0; &#xD800; &bogus; &xxe;",
            "<![CDATA[raw <b>]]>",
            "",
            "  ",
        ]
    ),
)
LINKS = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "https://news.example.org/a/1",
            "/relative/2",
            "javascript:alert(1)",
            "http://",
            "https://[::1",
            "mailto:x@example.org",
            "//cdn.example.org/x",
            "https://x.example/%zz",
        ]
    ),
)
DATES = st.one_of(
    st.text(max_size=25),
    st.sampled_from(
        [
            "2024-05-06",
            "2024-05-06T10:00:00Z",
            "Mon, 06 May 2024 10:00:00 GMT",
            "9999-99-99",
            "0000-00-00",
            "-1",
        ]
    ),
)
PROLOGUE = st.sampled_from(
    [
        "",
        '<?xml version="1.0" encoding="utf-8"?>',
        '<?xml version="1.0" encoding="x-bogus"?>',
        '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    ]
)


def _tag(name: str, body: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return body.map(lambda b: f"<{name}>{b}</{name}>") | body.map(lambda b: f"<{name}>{b}")


HTML_BLOCK = st.one_of(
    *(_tag(t, TEXT) for t in ("p", "h1", "h2", "li", "td", "blockquote", "title", "script", "nav", "span")),
    st.tuples(LINKS, TEXT).map(lambda p: f'<a href="{p[0]}">{p[1]}</a>'),
    LINKS.map(lambda u: f'<link rel="canonical" href="{u}">'),
    st.tuples(st.sampled_from(["author", "date", "og:title", "article:published_time"]), TEXT).map(
        lambda p: f'<meta name="{p[0]}" property="{p[0]}" content="{p[1]}">'
    ),
    st.sampled_from(
        [
            '<meta charset="utf-16">',
            '<meta charset="bogus">',
            "<html lang='xx-YY'>",
            "</div>",
            "<div>",
            "<article>",
            "<table><tr>",
            "<!-- c -->",
            "\x00",
            "<p",
            "</html>",
        ]
    ),
)
HTML = st.tuples(
    PROLOGUE, st.lists(HTML_BLOCK, max_size=40), st.sampled_from(["utf-8", "latin-1", "utf-16"])
).map(lambda p: (p[0] + "".join(p[1])).encode(p[2], "replace"))


def check_html(raw: bytes) -> None:
    try:
        article = extract_html(raw, url="https://news.example.org/fuzz", input_name="fuzz.html")
    except IngestError as exc:
        check_error(exc)
        return
    check_article(article)
    assert article.id == extract_html(raw, url="https://news.example.org/fuzz").id


test_html_any_bytes, test_html_any_bytes_slow = properties(check_html, st.binary(max_size=3000))
test_html_shaped, test_html_shaped_slow = properties(check_html, HTML)

ITEM_FIELD = st.one_of(
    st.tuples(
        st.sampled_from(
            [
                "title",
                "link",
                "guid",
                "pubDate",
                "updated",
                "published",
                "summary",
                "description",
                "id",
                "dc:date",
                "language",
            ]
        ),
        st.one_of(TEXT, LINKS, DATES),
    ).map(lambda p: f"<{p[0]}>{p[1]}</{p[0]}>"),
    st.tuples(LINKS, st.sampled_from(["alternate", "self", "enclosure", ""])).map(
        lambda p: f'<link href="{p[0]}" rel="{p[1]}"/>'
    ),
    st.just('<guid isPermaLink="false">x</guid>'),
)
ITEM = st.tuples(st.sampled_from(["item", "entry"]), st.lists(ITEM_FIELD, max_size=6)).map(
    lambda p: f"<{p[0]}>{''.join(p[1])}</{p[0]}>"
)
FEED = st.tuples(
    PROLOGUE,
    st.sampled_from(
        [
            '<rss version="2.0"><channel>',
            '<feed xmlns="http://www.w3.org/2005/Atom">',
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
            "<html>",
            "<rss>",
            "",
        ]
    ),
    st.lists(st.one_of(ITEM, ITEM_FIELD), max_size=15),
    st.sampled_from(["</channel></rss>", "</feed>", "</rdf:RDF>", "", "</rss"]),
    st.booleans(),
).map(lambda p: _maybe_gzip((p[0] + p[1] + "".join(p[2]) + p[3]).encode("utf-8", "surrogatepass"), p[4]))


def _maybe_gzip(data: bytes, packed: bool) -> bytes:
    return gzip.compress(data) if packed else data


def _http(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def check_feed(data: bytes) -> None:
    try:
        entries = read_feed(data, "https://news.example.org/feed.xml", max_entries=50)
    except IngestError as exc:
        check_error(exc)
        return
    except ValueError as exc:
        if known_crash(exc):
            return  # pinned in test_fuzz_found.py
        raise
    urls = [e.url for e in entries]
    assert len(urls) == len(set(urls)) <= 50
    assert all(_http(u) and "#" not in u for u in urls)
    for entry in entries:
        assert entry.published is None or entry.published.tzinfo is not None


test_feed_any_bytes, test_feed_any_bytes_slow = properties(check_feed, st.binary(max_size=2000))
test_feed_shaped, test_feed_shaped_slow = properties(check_feed, FEED)

URL_FIELD = st.tuples(
    st.sampled_from(["loc", "lastmod", "news:publication_date", "news:title", "news:language", "changefreq"]),
    st.one_of(TEXT, LINKS, DATES),
).map(lambda p: f"<{p[0]}>{p[1]}</{p[0]}>")
SITEMAP = st.tuples(
    PROLOGUE,
    st.sampled_from(["urlset", "sitemapindex", "rss", "x:urlset"]),
    st.lists(
        st.tuples(st.sampled_from(["url", "sitemap", "news:news"]), st.lists(URL_FIELD, max_size=4)),
        max_size=12,
    ),
    st.booleans(),
).map(
    lambda p: _maybe_gzip(
        (p[0] + f"<{p[1]}>" + "".join(f"<{t}>{''.join(fs)}</{t}>" for t, fs in p[2]) + f"</{p[1]}>").encode(
            "utf-8", "surrogatepass"
        ),
        p[3],
    )
)
TEXT_SITEMAP = st.lists(st.one_of(LINKS, st.text(max_size=20)), max_size=20).map(
    lambda lines: "\n".join(lines).encode("utf-8", "surrogatepass")
)


def check_sitemap(data: bytes) -> None:
    try:
        sitemap = read_sitemap(data, "https://news.example.org/sitemap.xml", max_urls=40)
    except IngestError as exc:
        check_error(exc)
        return
    except ValueError as exc:
        if known_crash(exc):
            return  # pinned in test_fuzz_found.py
        raise
    urls = [e.url for e in sitemap.entries]
    assert len(urls) == len(set(urls)) <= 40
    assert len(sitemap.sitemaps) == len(set(sitemap.sitemaps)) <= 40
    assert all(_http(u) for u in urls + sitemap.sitemaps)
    for entry in sitemap.entries:
        assert entry.published is None or entry.published.tzinfo is not None


test_sitemap_any_bytes, test_sitemap_any_bytes_slow = properties(check_sitemap, st.binary(max_size=2000))
test_sitemap_shaped, test_sitemap_shaped_slow = properties(check_sitemap, st.one_of(SITEMAP, TEXT_SITEMAP))
