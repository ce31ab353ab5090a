"""What is this document, and where are a site's feeds? (:func:`classify`, :func:`feed_links`)

:func:`classify` names a fetched body "feed", "sitemap", "html", "text" or "other" from its
first element, not its Content-Type: servers label feeds ``text/html`` and sitemaps
``text/plain`` often enough that the header can only break ties.

Feed discovery from a home page follows the RSS autodiscovery convention: ``<link
rel="alternate" type="application/rss+xml|atom+xml|rdf+xml" href=...>`` in the page, resolved
against ``<base href>`` or the page URL.  Comment feeds ("Comments on ...", ``/comments/feed``)
are skipped: they list comments, not articles.  When a page names no feed, :data:`COMMON_FEED_PATHS`
and :data:`COMMON_SITEMAP_PATHS` are the places news sites (WordPress, Blogger, Ghost, Drupal,
Hugo...) put them, tried in that order by :mod:`.collect`.
"""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urljoin, urlsplit

__all__ = [
    "COMMON_FEED_PATHS",
    "COMMON_SITEMAP_PATHS",
    "FEED_LINK_TYPES",
    "classify",
    "feed_links",
    "site_root",
]

FEED_LINK_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
)
COMMON_FEED_PATHS = (
    "/feed",
    "/rss",
    "/rss.xml",
    "/feed.xml",
    "/atom.xml",
    "/index.xml",
    "/feeds/posts/default",
)
COMMON_SITEMAP_PATHS = ("/news-sitemap.xml", "/sitemap_news.xml", "/sitemap-news.xml", "/sitemap.xml")

# The first element name after the prolog (XML declaration, PIs, comments, doctype, BOM).
_PROLOG = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.S | re.I)
_ROOT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_FEED_ROOTS = {b"rss", b"feed", b"rdf:rdf", b"rdf", b"channel"}
_SITEMAP_ROOTS = {b"urlset", b"sitemapindex"}


def classify(data: bytes, content_type: str = "") -> str:
    """``"feed"`` | ``"sitemap"`` | ``"html"`` | ``"text"`` | ``"other"`` for a fetched body."""
    if data.startswith(b"\x1f\x8b"):
        from blocwatch.ingest import sniff

        try:  # a gzipped sitemap or feed: look at its first kilobytes only
            data = _gunzip_head(data)
        except sniff.DecodeError:
            return "other"
    head = data[:8192]
    prolog = _PROLOG.match(head)
    rest = head[prolog.end() if prolog else 0 :]
    root = _ROOT.match(rest)
    if root:
        name = root.group(1).lower()
        local = name.split(b":")[-1]
        if name in _FEED_ROOTS or local in (b"rss", b"feed"):
            return "feed"
        if local in _SITEMAP_ROOTS:
            return "sitemap"
        if local in (b"html", b"head", b"body") or b"html" in name:
            return "html"
    ctype = content_type.split(";")[0].strip().lower()
    if ctype in ("application/rss+xml", "application/atom+xml", "application/rdf+xml"):
        return "feed"
    if ctype in ("text/html", "application/xhtml+xml"):
        return "html"
    if root is None:
        lines = [line.strip() for line in rest.splitlines()[:20] if line.strip()]
        if lines and all(re.match(rb"https?://\S+$", line) for line in lines):
            return "sitemap"  # a text sitemap: one URL a line
    from blocwatch.ingest import sniff

    kind = sniff.sniff_kind(data)
    return kind if kind in ("html", "text") else "other"


def _gunzip_head(data: bytes, size: int = 65536) -> bytes:
    import zlib

    from blocwatch.ingest import sniff

    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, size)
    except zlib.error as exc:
        raise sniff.DecodeError(f"corrupt gzip data ({exc})") from exc


def feed_links(html: bytes | str, page_url: str) -> list[str]:
    """Absolute URLs of the feeds a page advertises, in page order, comment feeds left out."""
    from lxml import etree
    from lxml import html as lxml_html

    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html, count=1)
    if not html.strip():
        return []
    try:
        tree = lxml_html.fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    base = page_url
    for href in tree.xpath("//base/@href"):
        base = urljoin(page_url, str(href).strip())
        break
    found: list[str] = []
    for link in tree.xpath("//link[@href]"):
        rels = (link.get("rel") or "").lower().split()
        ctype = (link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" not in rels or ctype not in FEED_LINK_TYPES or ctype == "application/feed+json":
            continue  # JSON Feed is rare on news sites and feedparser cannot read it
        title = (link.get("title") or "").lower()
        url = urldefrag(urljoin(base, link.get("href", "").strip()))[0]
        if "comment" in title or "/comments" in urlsplit(url).path.lower():
            continue
        if urlsplit(url).scheme in ("http", "https") and url not in found:
            found.append(url)
    return found


def site_root(url: str) -> str:
    """``scheme://netloc`` of ``url``, the base for the common feed and sitemap paths."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
