"""The collector: one source URL in, its new articles out (:func:`collect`).

A source is a feed, a sitemap (or sitemap index), a site's home page, or, with
``html="page"``, a single article page.  :func:`collect` fetches it with the shared polite
:class:`~blocwatch.ingest.polite.Fetcher` and decides what it is from the body
(:func:`~blocwatch.ingest.discover.classify`), then:

* **feed** -> :func:`~blocwatch.ingest.feeds.read_feed`;
* **sitemap** -> :func:`~blocwatch.ingest.sitemaps.read_sitemap`, walking an index breadth-first
  (news sitemaps first) up to ``max_depth`` levels and ``max_sitemaps`` documents;
* **home page** -> the feeds it advertises; failing those, the ``Sitemap:`` lines of robots.txt,
  then the common feed and sitemap paths, until one gives entries (at most ``max_feeds`` read).

The article links found (:class:`~blocwatch.ingest.feeds.FeedEntry`) are de-duplicated, those in
``seen`` (already stored) or older than ``since`` are skipped, the newest ``max_articles`` are
fetched concurrently (the Fetcher enforces per-host limits) and extracted in a worker thread so
the event loop, which may also be serving the web site, stays responsive.  A feed's date and
title fill in what extraction could not find.

Nothing raises: every failure is an :class:`IngestError` in ``CollectResult.errors`` (with the
raw body where there was one) and the rest of the source goes on.  ``since_etag`` /
``since_modified`` make the source fetch conditional; a 304 returns ``not_modified=True``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Container
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urljoin

from blocwatch.ingest import discover
from blocwatch.ingest.errors import IngestError
from blocwatch.ingest.feeds import FeedEntry, read_feed
from blocwatch.ingest.polite import FEED_TYPES, PAGE_TYPES, Fetcher, FetchResult
from blocwatch.ingest.sitemaps import read_sitemap
from blocwatch.records import Article

__all__ = ["CollectResult", "collect"]

SOURCE_TYPES = PAGE_TYPES | FEED_TYPES


@dataclass
class CollectResult:
    """What one :func:`collect` call found; ``kind`` is feed | sitemap | home | page ("" if failed)."""

    source_url: str
    kind: str = ""
    entries: list[FeedEntry] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    errors: list[IngestError] = field(default_factory=list)
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    feeds: list[str] = field(default_factory=list)  # the feed / sitemap URLs read
    skipped: int = 0  # entries not fetched: already seen, too old, or over max_articles


async def collect(
    source_url: str,
    fetcher: Fetcher,
    *,
    since_etag: str | None = None,
    since_modified: str | None = None,
    seen: Container[str] = (),
    since: datetime | None = None,
    max_articles: int = 100,
    max_feeds: int = 5,
    max_sitemaps: int = 20,
    max_depth: int = 3,
    html: Literal["home", "page"] = "home",
    fetch_articles: bool = True,
) -> CollectResult:
    """Collect ``source_url``; see the module docstring.  ``since`` must be timezone-aware."""
    out = CollectResult(source_url)
    first = await fetcher.fetch(
        source_url, etag=since_etag, last_modified=since_modified, accept=SOURCE_TYPES
    )
    out.etag, out.last_modified = first.etag, first.last_modified
    if first.not_modified:
        out.not_modified = True
        return out
    if first.error:
        out.errors.append(IngestError(source_url, first.error, raw=first.body or None))
        return out
    kind = discover.classify(first.body, first.content_type)
    if kind in ("html", "text") and html == "page":
        out.kind = "page"
        article = await _extract(first, out.errors)
        if article is not None:
            out.articles.append(article)
        return out
    if kind == "feed" or kind == "sitemap":
        out.kind = kind
        await _read_source(first, kind, fetcher, out, max_sitemaps, max_depth)
    elif kind == "html":
        out.kind = "home"
        await _discover(first, fetcher, out, max_feeds, max_sitemaps, max_depth)
    else:
        out.errors.append(
            IngestError(source_url, f"not a feed, sitemap or web page ({kind})", raw=first.body)
        )
        return out
    out.entries = _dedupe(out.entries)
    if fetch_articles:
        await _fetch_articles(out, fetcher, seen, since, max_articles)
    return out


async def _read_source(
    result: FetchResult, kind: str, fetcher: Fetcher, out: CollectResult, max_sitemaps: int, max_depth: int
) -> bool:
    """Read one fetched feed or sitemap into ``out``; False when it gave no entries."""
    out.feeds.append(result.final_url)
    if kind == "feed":
        try:
            ctype, cap = result.headers.get("content-type"), fetcher.max_bytes
            entries = read_feed(result.body, result.final_url, content_type=ctype, max_bytes=cap)
        except IngestError as exc:
            out.errors.append(_named(exc, result.url))
            return False
        out.entries.extend(entries)
        return bool(entries)
    before = len(out.entries)
    await _walk_sitemaps(result, fetcher, out, max_sitemaps, max_depth)
    return len(out.entries) > before


async def _walk_sitemaps(
    first: FetchResult, fetcher: Fetcher, out: CollectResult, max_sitemaps: int, max_depth: int
) -> None:
    queue: list[tuple[FetchResult | str, int]] = [(first, 0)]
    visited = {first.url, first.final_url}
    read = 0
    while queue and read < max_sitemaps:
        item, depth = queue.pop(0)
        if isinstance(item, str):
            fetched = await fetcher.fetch(item, accept=FEED_TYPES | PAGE_TYPES)
            if fetched.error:
                out.errors.append(IngestError(item, fetched.error, raw=fetched.body or None))
                continue
            out.feeds.append(fetched.final_url)
        else:
            fetched = item
        read += 1
        try:
            sitemap = read_sitemap(fetched.body, fetched.final_url, max_bytes=fetcher.max_bytes)
        except IngestError as exc:
            out.errors.append(_named(exc, fetched.url))
            continue
        out.entries.extend(sitemap.entries)
        if sitemap.sitemaps and depth + 1 > max_depth:
            out.errors.append(
                IngestError(fetched.url, f"sitemap index nested deeper than {max_depth} levels")
            )
            continue
        # News sitemaps first: they hold the recent articles a collector is after.
        children = sorted(sitemap.sitemaps, key=lambda u: "news" not in u.lower())
        for child in children:
            if child not in visited:
                visited.add(child)
                queue.append((child, depth + 1))
    if queue:
        out.errors.append(
            IngestError(first.url, f"stopped after {max_sitemaps} sitemaps; {len(queue)} not read")
        )


async def _discover(
    home: FetchResult, fetcher: Fetcher, out: CollectResult, max_feeds: int, max_sitemaps: int, max_depth: int
) -> None:
    """Every feed the page advertises (up to ``max_feeds``); else the first guess that works."""
    advertised = discover.feed_links(home.body, home.final_url)[:max_feeds]
    found = False
    for url in advertised:
        found = await _try_source(url, fetcher, out, max_sitemaps, max_depth, report=True) or found
    if found:
        return
    root = discover.site_root(home.final_url)
    robots = await fetcher.robots(home.final_url)
    # robots.txt may list dozens of sitemaps; the news ones hold what a collector wants.
    listed = sorted(robots.sitemaps, key=lambda u: "news" not in u.lower())[:max_feeds]
    guesses = [*listed, *(urljoin(root, p) for p in discover.COMMON_FEED_PATHS),
               *(urljoin(root, p) for p in discover.COMMON_SITEMAP_PATHS)]  # fmt: skip
    for url in dict.fromkeys(u for u in guesses if u not in advertised):
        # A guessed path that 404s is expected, so only robots.txt's own sitemaps report errors.
        if await _try_source(url, fetcher, out, max_sitemaps, max_depth, report=url in listed):
            return
    out.errors.append(IngestError(home.url, "no feed or sitemap found on the page, in robots.txt "
                                            "or at the usual paths"))  # fmt: skip


async def _try_source(
    url: str, fetcher: Fetcher, out: CollectResult, max_sitemaps: int, max_depth: int, *, report: bool
) -> bool:
    fetched = await fetcher.fetch(url, accept=FEED_TYPES | PAGE_TYPES)
    if fetched.error:
        if report:
            out.errors.append(IngestError(url, fetched.error, raw=fetched.body or None))
        return False
    kind = discover.classify(fetched.body, fetched.content_type)
    if kind not in ("feed", "sitemap"):
        if report:
            out.errors.append(IngestError(url, f"advertised as a feed but is {kind}", raw=fetched.body))
        return False
    return await _read_source(fetched, kind, fetcher, out, max_sitemaps, max_depth)


def _dedupe(entries: list[FeedEntry]) -> list[FeedEntry]:
    """One entry per URL; the first seen wins but borrows a date or title the others had."""
    by_url: dict[str, FeedEntry] = {}
    for entry in entries:
        kept = by_url.setdefault(entry.url, entry)
        if kept is not entry:
            kept.published = kept.published or entry.published
            kept.title = kept.title or entry.title
    return list(by_url.values())


async def _fetch_articles(
    out: CollectResult, fetcher: Fetcher, seen: Container[str], since: datetime | None, limit: int
) -> None:
    floor = datetime.min.replace(tzinfo=UTC)

    def when(entry: FeedEntry) -> datetime:
        return entry.published or entry.updated or floor

    fresh = [e for e in out.entries if e.url not in seen]
    if since is not None:  # undated entries are kept: "too old" needs a date to be known
        fresh = [e for e in fresh if when(e) is floor or when(e) >= since]
    fresh.sort(key=when, reverse=True)  # a stable sort: undated entries keep their feed order
    wanted = fresh[: max(0, limit)]
    out.skipped = len(out.entries) - len(wanted)

    async def one(entry: FeedEntry) -> Article | IngestError:
        fetched = await fetcher.fetch(entry.url, accept=PAGE_TYPES)
        if fetched.error:
            return IngestError(entry.url, fetched.error, raw=fetched.body or None)
        errors: list[IngestError] = []
        article = await _extract(fetched, errors, entry)
        return article if article is not None else errors[0]

    for item in await asyncio.gather(*(one(e) for e in wanted)):
        (out.articles if isinstance(item, Article) else out.errors).append(item)  # type: ignore[arg-type]


async def _extract(
    fetched: FetchResult, errors: list[IngestError], entry: FeedEntry | None = None
) -> Article | None:
    from blocwatch.ingest.fetch import extract_response

    try:
        f = fetched
        args = (f.url, f.final_url, f.content_type, f.charset, f.body)
        article = await asyncio.to_thread(extract_response, *args)
    except IngestError as exc:
        errors.append(exc)
        return None
    if entry is not None:
        if article.published is None and entry.published is not None:
            article.published = entry.published.date()
        article.title = article.title or entry.title
    return article


def _named(exc: IngestError, url: str) -> IngestError:
    exc.input = url
    return exc
