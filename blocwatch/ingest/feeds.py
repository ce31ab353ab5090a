"""RSS 0.9x / 1.0 (RDF) / 2.0 and Atom feeds -> :class:`FeedEntry` links (:func:`read_feed`).

feedparser does the parsing, because real feeds are rarely valid XML: it falls back to a loose
parser on malformed markup (``bozo``) and still finds the entries.  We only refuse a document
when that yields nothing: malformed XML with no entries, or a document that is not a feed at all
(an HTML page served as ``application/rss+xml`` is common).

feedparser is always handed a file object, never ``bytes`` or ``str``: given a string it would
treat it as a URL or a *file name* and open it, which a hostile feed body must never trigger.

Links are resolved against the feed's own URL (relative ``<link>``s are frequent) and entries
without an http(s) link are dropped.  ``published`` falls back to ``updated`` (RSS 1.0 feeds
carry only ``dc:date``), and all dates are timezone-aware UTC.  Summaries are turned into plain
text, since they often hold escaped HTML.
"""

from __future__ import annotations

import calendar
import io
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from time import struct_time
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

from blocwatch.ingest import sniff
from blocwatch.ingest.errors import IngestError

__all__ = ["FeedEntry", "MAX_ENTRIES", "read_feed"]

MAX_ENTRIES = 2000
_TAG = re.compile(r"<[^>]{0,2000}>")


@dataclass(slots=True)
class FeedEntry:
    """One article link found in a feed or a sitemap."""

    url: str
    title: str = ""
    published: datetime | None = None
    summary: str = ""
    updated: datetime | None = None
    language: str | None = None
    origin: str = ""  # the feed or sitemap URL it was read from


def read_feed(
    data: bytes,
    base_url: str,
    *,
    content_type: str | None = None,
    max_entries: int = MAX_ENTRIES,
    max_bytes: int = 50_000_000,
) -> list[FeedEntry]:
    """The entries of one feed, in feed order, without duplicate URLs; raises :class:`IngestError`.

    ``content_type`` is the full HTTP header (its charset is used); XML is assumed without it.
    """
    import feedparser

    if data.startswith(b"\x1f\x8b"):  # a .xml.gz served without Content-Encoding
        try:
            data = sniff.gunzip_capped(data, max_bytes)
        except sniff.DecodeError as exc:
            raise IngestError(base_url, str(exc), raw=data) from None
    if not data.strip():
        raise IngestError(base_url, "empty feed", raw=data)
    if sniff.sniff_kind(data) == "html" and not re.search(rb"<(rss|feed|rdf:RDF)\b", data[:4096]):
        raise IngestError(base_url, "not an RSS or Atom feed (an HTML page)", raw=data)
    try:
        parsed: Any = feedparser.parse(
            io.BytesIO(sniff.drop_surrogate_references(data)),
            response_headers={
                "content-location": base_url, "content-type": content_type or "application/xml"
            },
            sanitize_html=False,  # we strip tags ourselves; sanitising is wasted work
            resolve_relative_uris=True,
        )
    except (UnicodeError, ValueError) as exc:  # feedparser's loose parser on broken text
        raise IngestError(base_url, f"malformed feed ({exc})", raw=data) from None
    entries = list(parsed.get("entries", []))
    if not entries:
        problem = parsed.get("bozo_exception")
        if not parsed.get("version"):
            detail = f" ({problem})" if problem else ""
            raise IngestError(base_url, f"not an RSS or Atom feed{detail}", raw=data)
        if parsed.get("bozo"):
            raise IngestError(base_url, f"malformed feed XML ({problem})", raw=data)
        return []  # a valid, empty feed
    feed_lang = _language(parsed.get("feed", {}).get("language"))
    found: dict[str, FeedEntry] = {}
    for entry in entries:
        url = _entry_url(entry, base_url)
        if url is None or url in found:
            continue
        found[url] = FeedEntry(
            url=url,
            title=" ".join(str(entry.get("title", "")).split()),
            # dict.get: FeedParserDict.get("updated_parsed") maps to published_parsed, with a warning
            published=_date(dict.get(entry, "published_parsed")) or _date(dict.get(entry, "updated_parsed")),
            summary=_plain(entry.get("summary", "")),
            updated=_date(dict.get(entry, "updated_parsed")),
            language=_language(entry.get("language")) or feed_lang,
            origin=base_url,
        )
        if len(found) >= max_entries:
            break
    if not found:  # entries, but not one usable link: as broken as no entries, for a collector
        why = f"malformed feed XML ({parsed.get('bozo_exception')})" if parsed.get("bozo") else None
        raise IngestError(base_url, why or "feed entries have no http(s) links", raw=data)
    return list(found.values())


def _entry_url(entry: Any, base_url: str) -> str | None:
    candidates = [entry.get("link")]
    # Atom entries may carry several links; prefer rel=alternate text/html over the first one.
    for link in entry.get("links", []) or []:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            candidates.insert(0 if "html" in link.get("type", "text/html") else 1, link["href"])
    guid = entry.get("id")
    if entry.get("guidislink") is not False and guid:
        candidates.append(guid)  # RSS: a permalink <guid> stands in for a missing <link>
    for raw in candidates:
        if not raw:
            continue
        url = urldefrag(urljoin(base_url, str(raw).strip()))[0]
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc:
            return url
    return None


def _date(value: struct_time | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)  # feedparser gives UTC tuples
    except (OverflowError, ValueError, OSError):
        return None


def _plain(html: str) -> str:
    import html as html_lib

    return " ".join(html_lib.unescape(_TAG.sub(" ", str(html))).split())


def _language(value: Any) -> str | None:
    if not value:
        return None
    return re.split(r"[-_]", str(value).strip())[0].lower() or None
