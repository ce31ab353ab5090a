"""Sitemaps (sitemaps.org 0.9), Google News sitemaps and sitemap indexes (:func:`read_sitemap`).

A sitemap is either a ``<urlset>`` of ``<url>`` entries (with optional ``<lastmod>`` and, in a
news sitemap, ``<news:news>`` holding ``<news:publication_date>``, ``<news:title>`` and
``<news:publication><news:language>``) or a ``<sitemapindex>`` of child ``<sitemap><loc>``s.
The plain-text form (one URL a line) is accepted too, and ``.xml.gz`` bodies are gunzipped
with the usual cap.

Parsing is namespace-agnostic (``local-name()``), because sites get the namespace URIs wrong
(``http://www.google.com/schemas/sitemap-news/0.84``, https variants, none at all) far more often
than they get the element names wrong.  The XML parser never resolves entities nor touches the
network (no XXE, no billion laughs), and recovers from the broken markup generators emit.

Walking an index (recursively, with bounded depth and count) needs fetching, so it lives in
:mod:`.collect`; this module only parses one document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from blocwatch.ingest import sniff
from blocwatch.ingest.errors import IngestError
from blocwatch.ingest.feeds import FeedEntry

__all__ = ["MAX_URLS", "Sitemap", "parse_w3c_date", "read_sitemap"]

MAX_URLS = 50_000  # the protocol's own limit per sitemap file
_URL_LINE = re.compile(r"^https?://\S+$")


@dataclass
class Sitemap:
    """One parsed sitemap: article ``entries`` (a urlset) and/or child ``sitemaps`` (an index)."""

    url: str
    entries: list[FeedEntry] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    news: bool = False  # at least one entry carried <news:news>

    @property
    def is_index(self) -> bool:
        return bool(self.sitemaps) and not self.entries


def parse_w3c_date(value: str | None) -> datetime | None:
    """W3C datetime (``2024-03-05``, ``2024-03-05T10:00Z``, ``...+01:00``) -> aware UTC, or None."""
    from dateutil import parser as date_parser

    if not value or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = date_parser.isoparse(text)
    except (ValueError, OverflowError):
        try:
            parsed = date_parser.parse(text)
        except (ValueError, OverflowError):
            return None
    if isinstance(parsed, date) and not isinstance(parsed, datetime):  # pragma: no cover - isoparse
        parsed = datetime(parsed.year, parsed.month, parsed.day)
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def read_sitemap(
    data: bytes, base_url: str, *, max_urls: int = MAX_URLS, max_bytes: int = 50_000_000
) -> Sitemap:
    """Parse one sitemap document; raises :class:`IngestError` when it is not a sitemap."""
    if data.startswith(b"\x1f\x8b"):
        try:
            data = sniff.gunzip_capped(data, max_bytes)
        except sniff.DecodeError as exc:
            raise IngestError(base_url, str(exc), raw=data) from None
    if not data.strip():
        raise IngestError(base_url, "empty sitemap", raw=data)
    if not data.lstrip().startswith(b"<"):
        return _text_sitemap(data, base_url, max_urls)
    root = _parse_xml(sniff.drop_surrogate_references(data), base_url)
    kind = _local(root.tag)
    result = Sitemap(url=base_url)
    if kind == "sitemapindex":
        for loc in root.xpath("./*[local-name()='sitemap']/*[local-name()='loc']/text()")[:max_urls]:
            url = _absolute(str(loc), base_url)
            if url and url not in result.sitemaps:
                result.sitemaps.append(url)
        return result
    if kind != "urlset":
        raise IngestError(base_url, f"not a sitemap (root element <{kind}>)", raw=data)
    seen: set[str] = set()
    for node in root.xpath("./*[local-name()='url']"):
        entry = _entry(node, base_url)
        if entry is None or entry.url in seen:
            continue
        seen.add(entry.url)
        result.entries.append(entry)
        result.news = result.news or bool(_news(node))
        if len(result.entries) >= max_urls:
            break
    return result


def _parse_xml(data: bytes, base_url: str) -> Any:
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, recover=True, remove_comments=True
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise IngestError(base_url, f"malformed sitemap XML ({exc})", raw=data) from None
    if root is None:
        raise IngestError(base_url, "malformed sitemap XML (no root element)", raw=data)
    return root


def _local(tag: Any) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text(node: Any, xpath: str) -> str | None:
    values = node.xpath(xpath)
    for value in values:
        text = " ".join(str(value).split())
        if text:
            return text
    return None


def _news(node: Any) -> list[Any]:
    return list(node.xpath("./*[local-name()='news']"))


def _entry(node: Any, base_url: str) -> FeedEntry | None:
    url = _absolute(_text(node, "./*[local-name()='loc']/text()") or "", base_url)
    if url is None:
        return None
    lastmod = parse_w3c_date(_text(node, "./*[local-name()='lastmod']/text()"))
    entry = FeedEntry(url=url, updated=lastmod, origin=base_url)
    news = _news(node)
    if news:
        item = news[0]
        entry.title = _text(item, "./*[local-name()='title']/text()") or ""
        entry.published = parse_w3c_date(_text(item, "./*[local-name()='publication_date']/text()"))
        lang = _text(item, ".//*[local-name()='publication']/*[local-name()='language']/text()")
        entry.language = lang.split("-")[0].lower() if lang else None
    return entry


def _absolute(raw: str, base_url: str) -> str | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        url = urldefrag(urljoin(base_url, raw))[0]
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 host "http://[": not a URL we can fetch
        return None
    return url if parts.scheme in ("http", "https") and parts.netloc else None


def _text_sitemap(data: bytes, base_url: str, max_urls: int) -> Sitemap:
    try:
        text = sniff.decode_text(data)
    except sniff.DecodeError as exc:
        raise IngestError(base_url, f"not a sitemap ({exc})", raw=data) from None
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines or not all(_URL_LINE.match(line) for line in lines[:20]):
        raise IngestError(base_url, "not a sitemap (neither XML nor one URL a line)", raw=data)
    result = Sitemap(url=base_url)
    for line in dict.fromkeys(lines):
        url = _absolute(line, base_url)
        if url:
            result.entries.append(FeedEntry(url=url, origin=base_url))
            if len(result.entries) >= max_urls:
                break
    return result
