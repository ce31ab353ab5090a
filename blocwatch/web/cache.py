"""A page cache validated by the store's watermark: pages are recomputed only when the store changed.

With a million events the aggregate pages (an actor's partners and monthly chart, a pair's
alignment and shifts, the home page's most active pairs) read every event of an actor or of the
whole store, seconds of work, while their input changes only when an article is stored.  So a
rendered ``GET`` response of the pages below is kept in the process and served again for as
long as the store's **watermark** is unchanged; any write that can change a page changes it, and
the next request recomputes the page.  The cache never serves an answer computed from an older
store than the request sees: the watermark is read *before* the page is computed, so a write
that lands during the computation only makes the entry look older than it is.

The watermark (:func:`store_watermark`) is one statement of index-only maxima and counts, under
a millisecond at one million events (migration 0009 indexes ``articles.analysed_at``):

* articles: count (a deletion), newest ``ingested_at`` (a new article), newest ``analysed_at``
  (a re-analysis, whose events replace the old ones; the writer sets it on every save);
* events: highest id (rows written by bulk loads that set neither date);
* syndication: newest fingerprint and number of clustered articles (story grouping);
* sources: a digest of their ids and names (shown with articles; a few hundred rows at most).

Only what is a function of the stored articles and events is cached: the home page, articles,
actors, pairs and search, HTML and JSON alike (the key is the full URL plus the ``Accept`` and
``HX-Request`` headers that choose the variant).  Requests with credentials (``Authorization``,
``Cookie``) and any response other than a complete 200 pass through untouched.  Concurrent
requests for one cold page wait for a single computation (single flight) instead of each
computing it; memory is bounded by :data:`MAX_BYTES` (least recently used entries go first) and
every entry of an older watermark is dropped as soon as a newer one is seen.

The cache is per process: with ``blocwatch serve --workers N`` each worker fills its own.
Responses carry ``X-Blocwatch-Cache: hit`` or ``miss``.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, text
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CACHE_HEADER", "MAX_BYTES", "PageCacheMiddleware", "is_cached_path", "store_watermark"]

CACHE_HEADER = "x-blocwatch-cache"
MAX_BYTES = 256 * 1024 * 1024
# Paths whose responses depend only on the stored articles and events (and the fixed settings).
CACHED_PATHS = re.compile(r"^/(\.json)?$|^/(articles|actors|pairs)/|^/actors(\.json)?$|^/search(\.json)?$")
# Headers that pick one of a page's variants (JSON, full page, htmx fragment).
VARIANT_HEADERS = (b"accept", b"hx-request")
PRIVATE_HEADERS = (b"authorization", b"cookie")

_WATERMARK_SQL = text(
    "SELECT (SELECT count(*) FROM articles), (SELECT max(ingested_at) FROM articles),"
    " (SELECT max(analysed_at) FROM articles), (SELECT max(id) FROM events),"
    " (SELECT max(computed_at) FROM article_fingerprints),"
    " (SELECT count(cluster_id) FROM article_fingerprints)"
)
_SOURCES_SQL = text("SELECT id, name FROM sources ORDER BY id")


def store_watermark(engine: Engine) -> tuple[str, ...]:
    """What changes whenever a cached page could (see the module docstring); index lookups only,
    plus the (small) sources table, whose names a rename changes in place."""
    with engine.connect() as conn:
        row = conn.execute(_WATERMARK_SQL).one()
        sources = hashlib.blake2b(repr(conn.execute(_SOURCES_SQL).all()).encode(), digest_size=12)
    return (*(str(v) for v in row), sources.hexdigest())


def is_cached_path(path: str) -> bool:
    return CACHED_PATHS.match(path) is not None


@dataclass(slots=True)
class _Entry:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class PageCacheMiddleware:
    """ASGI middleware caching the pages of :data:`CACHED_PATHS` per store watermark."""

    def __init__(self, app: ASGIApp, max_bytes: int = MAX_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.entries: OrderedDict[tuple[Any, ...], _Entry] = OrderedDict()
        self.size = 0
        self.mark: tuple[str, ...] | None = None
        self.flights: dict[tuple[Any, ...], asyncio.Lock] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = self._key(scope)
        if key is None:
            await self.app(scope, receive, send)
            return
        engine = scope["app"].state.store.engine
        mark = await run_in_threadpool(store_watermark, engine)
        if mark != self.mark:  # the store changed: nothing cached before can be served again
            self._forget()
            self.mark = mark
        full_key = (mark, *key)
        entry, state = self._get(full_key), "hit"
        if entry is None:
            flight = self.flights.setdefault(full_key, asyncio.Lock())
            try:
                async with flight:
                    entry = self._get(full_key)  # computed meanwhile by the request this one waited for
                    if entry is None:
                        entry, state = await self._compute(scope, receive, send), "miss"
                        if entry is None:
                            return  # not cacheable: already sent as it came
                        self._put(full_key, entry)
            finally:
                if not flight.locked() and self.flights.get(full_key) is flight:
                    del self.flights[full_key]
        await _send(send, entry, state)

    def _key(self, scope: Scope) -> tuple[Any, ...] | None:
        if scope["type"] != "http" or scope["method"] != "GET" or not is_cached_path(scope["path"]):
            return None
        headers = dict(scope["headers"])
        if any(name in headers for name in PRIVATE_HEADERS):
            return None
        host = headers.get(b"host", b"")
        variant = tuple(headers.get(name, b"") for name in VARIANT_HEADERS)
        where = (scope.get("scheme"), host, scope.get("root_path", ""), scope["path"], scope["query_string"])
        return (*where, variant)

    async def _compute(self, scope: Scope, receive: Receive, send: Send) -> _Entry | None:
        """Run the app; a complete 200 is returned to be cached, anything else is passed on."""
        start: Message | None = None
        chunks: list[bytes] = []
        passing = False

        async def capture(message: Message) -> None:
            nonlocal start, passing
            if passing:
                await send(message)
            elif message["type"] == "http.response.start":
                start = message
                if message["status"] != 200:
                    passing = True
                    await send(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if message.get("more_body", False) and sum(map(len, chunks)) > self.max_bytes // 16:
                    passing = True  # too big to be worth keeping: stream the rest through
                    assert start is not None
                    await send(start)
                    await send({"type": "http.response.body", "body": b"".join(chunks), "more_body": True})
            else:
                await send(message)

        await self.app(scope, receive, capture)
        if passing or start is None:
            return None
        return _Entry(int(start["status"]), list(start.get("headers", [])), b"".join(chunks))

    def _get(self, key: tuple[Any, ...]) -> _Entry | None:
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
        return entry

    def _put(self, key: tuple[Any, ...], entry: _Entry) -> None:
        if key[0] != self.mark or len(entry.body) > self.max_bytes // 16:
            return  # computed for a watermark that has since moved on, or too big
        self.entries[key] = entry
        self.size += len(entry.body)
        while self.size > self.max_bytes and self.entries:
            _, old = self.entries.popitem(last=False)
            self.size -= len(old.body)

    def _forget(self) -> None:
        self.entries.clear()
        self.size = 0


async def _send(send: Send, entry: _Entry, state: str) -> None:
    headers = [*entry.headers, (CACHE_HEADER.encode(), state.encode())]
    await send({"type": "http.response.start", "status": entry.status, "headers": headers})
    await send({"type": "http.response.body", "body": entry.body})
