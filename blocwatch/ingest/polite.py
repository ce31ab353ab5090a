"""Polite, robust HTTP fetching: :class:`Fetcher` (async, httpx) and its :class:`FetchResult`.

One ``Fetcher`` is shared by everything a collector fetches, because politeness is per *host*
(``scheme://host:port``, :func:`~blocwatch.ingest.robots.host_key`) and must hold across feeds,
sitemaps and pages alike:

* **robots.txt** is read once per host (:mod:`.robots`, cached for its TTL) and obeyed for our
  user agent; its ``Crawl-delay`` raises the host's delay (capped at ``max_crawl_delay``).
* **Per-host concurrency** (a semaphore per host) and a **per-host minimum delay** between the
  *starts* of requests: each request reserves the next start slot under a lock, then sleeps until
  it, so N waiting tasks are spaced out instead of bursting when the delay expires.
* **Retries** with exponential back-off (``backoff * 2**n``, capped by ``max_backoff``, which
  also caps a server's ``Retry-After``) on 429/5xx, timeouts and connection errors, at most
  ``retries`` times.  Everything else (4xx, a too-large body) fails at once.
* **Redirects** are followed by hand, at most ``max_redirects``; each hop is checked to be http(s),
  a repeated URL is reported as a loop, and each hop obeys robots.txt and the rate limit.
* **Bodies** are streamed raw and decoded by :class:`~blocwatch.ingest.transfer.CappedDecoder`, so
  both the bytes on the wire and the decoded body are capped (the decompression-bomb guard).  The
  whole of one attempt has a deadline (``timeout``), so a server trickling bytes cannot hold us.
* **Public addresses only** (the SSRF guard, :mod:`.netguard`): the client connects through
  :class:`~blocwatch.ingest.netguard.AsyncGuardedTransport`, so the URL, robots.txt, every
  redirect hop and every link found in a feed reach only public addresses, each connection to
  the very address that was checked, unless ``allow_private_addresses`` is set.  A refusal is
  ``error_kind="address"`` and is never retried.  A caller's own ``transport`` is used as is.
* **Conditional GET**: the caller's ``etag`` / ``last_modified`` become ``If-None-Match`` /
  ``If-Modified-Since``; a 304 is a success with ``not_modified=True``.

Nothing raises for an HTTP-level problem: the result's ``error`` says what went wrong (and
``error_kind`` classifies it) so a collector can record it per source and carry on.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import httpx

from blocwatch.ingest import sniff
from blocwatch.ingest.netguard import AsyncGuardedTransport, ForbiddenAddress
from blocwatch.ingest.robots import MAX_ROBOTS_BYTES, RobotsPolicy, host_key, robots_url
from blocwatch.ingest.transfer import ACCEPT_ENCODING, BodyTooLarge, CappedDecoder, DecodingError
from blocwatch.settings import Settings

__all__ = ["FEED_TYPES", "FetchResult", "Fetcher", "PAGE_TYPES", "RETRY_STATUSES"]

PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
FEED_TYPES = frozenset({
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
    "text/xml", "application/x-gzip", "application/gzip", "application/octet-stream", "text/plain",
})  # fmt: skip
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass
class FetchResult:
    """The outcome of one :meth:`Fetcher.fetch`; ``error`` is ``None`` on success (200 or 304)."""

    url: str
    final_url: str
    status: int = 0  # 0: no HTTP status (refused by robots.txt, connection failed, ...)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    error: str | None = None
    # robots | http | timeout | connection | redirect | size | type | decode | address
    error_kind: str | None = None
    content_type: str = ""
    charset: str | None = None  # as declared by the Content-Type header
    attempts: int = 0

    @property
    def ok(self) -> bool:
        return self.error is None

    def text(self) -> str:
        """The body as text: declared charset, then BOM / UTF-8 / detection (see :mod:`.sniff`)."""
        return sniff.decode_text(self.body, self.charset)


class _Failure(Exception):
    def __init__(self, kind: str, message: str, status: int = 0, retry_after: float | None = None):
        super().__init__(message)
        self.kind, self.message, self.status, self.retry_after = kind, message, status, retry_after
        self.final_url = ""
        self.attempts = 0


@dataclass
class _Host:
    semaphore: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0
    robots: RobotsPolicy | None = None
    robots_lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Fetcher:
    """Shared polite fetcher; use ``async with Fetcher(settings) as f: await f.fetch(url)``."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        user_agent: str | None = None,
        timeout: float | None = None,
        max_bytes: int | None = None,
        per_host_concurrency: int | None = None,
        per_host_delay: float | None = None,
        retries: int | None = None,
        backoff: float = 0.5,
        max_backoff: float | None = None,
        max_redirects: int = 5,
        obey_robots: bool | None = None,
        max_crawl_delay: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
        allow_private_addresses: bool | None = None,
    ) -> None:
        settings = settings or Settings()
        self.user_agent = user_agent or settings.user_agent
        self.timeout = timeout if timeout is not None else settings.fetch_timeout
        self.max_bytes = max_bytes if max_bytes is not None else settings.fetch_max_bytes
        # Explicit arguments (tests, special jobs) win over the settings.
        def pick(value: Any, default: Any) -> Any:
            return default if value is None else value

        self.per_host_concurrency = max(1, pick(per_host_concurrency, settings.fetch_per_host_concurrency))
        self.per_host_delay = max(0.0, pick(per_host_delay, settings.fetch_per_host_delay))
        self.retries = max(0, pick(retries, settings.fetch_retries))
        self.backoff, self.max_backoff = backoff, pick(max_backoff, settings.fetch_max_backoff)
        self.max_redirects = max_redirects
        self.obey_robots = pick(obey_robots, settings.fetch_obey_robots)
        self.max_crawl_delay = max_crawl_delay
        self._hosts: dict[str, _Host] = {}
        self.allow_private_addresses = pick(allow_private_addresses, settings.allow_private_addresses)
        if transport is None:
            transport = AsyncGuardedTransport(allow_private=self.allow_private_addresses)
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(self.timeout),
            headers={"User-Agent": self.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
            follow_redirects=False,
            transport=transport,
        )

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    def _host(self, url: str) -> _Host:
        key = host_key(url)
        if key not in self._hosts:
            self._hosts[key] = _Host(asyncio.Semaphore(self.per_host_concurrency))
        return self._hosts[key]

    async def robots(self, url: str) -> RobotsPolicy:
        """The robots.txt policy of ``url``'s host, fetched once and cached for its TTL."""
        host = self._host(url)
        async with host.robots_lock:  # one robots.txt request per host, however many tasks ask
            if host.robots is None or host.robots.expired:
                host.robots = await self._fetch_robots(url)
            return host.robots

    async def _fetch_robots(self, url: str) -> RobotsPolicy:
        where = robots_url(url)
        try:
            result = await self._request(where, {}, None, MAX_ROBOTS_BYTES)
        except _Failure as failure:
            if failure.kind == "address":  # not a robots.txt problem: the host itself is refused
                raise
            if 400 <= failure.status < 500:
                return RobotsPolicy.everything(self.user_agent, f"robots.txt: HTTP {failure.status}")
            if failure.kind == "size":
                return RobotsPolicy.everything(self.user_agent, "robots.txt too large")  # RFC: read a prefix
            return RobotsPolicy.nothing(self.user_agent, f"robots.txt unreachable ({failure.message})")
        try:
            text = result.text()
        except sniff.DecodeError:
            text = result.body.decode("utf-8", errors="replace")
        return RobotsPolicy.from_text(text, self.user_agent, base_url=result.final_url)

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: Collection[str] | None = PAGE_TYPES,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url`` politely; ``accept`` lists the content types wanted (``None``: any)."""
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = ", ".join(sorted(accept)) + ", */*;q=0.1"
        try:
            result = await self._request(url, headers, accept, max_bytes or self.max_bytes, robots=True)
        except _Failure as failure:
            return FetchResult(url, failure.final_url or url, status=failure.status, error=failure.message,
                               error_kind=failure.kind, attempts=failure.attempts)  # fmt: skip
        if result.not_modified:
            result.etag = result.etag or etag
            result.last_modified = result.last_modified or last_modified
        return result

    async def _request(
        self,
        url: str,
        headers: dict[str, str],
        accept: Collection[str] | None,
        cap: int,
        *,
        robots: bool = False,
    ) -> FetchResult:
        """Follow redirects by hand; each hop obeys robots.txt and is retried on its own."""
        current, seen, attempts = url, {url}, 0
        try:
            for _hop in range(self.max_redirects + 1):
                scheme = urlsplit(current).scheme.lower()
                if scheme not in ("http", "https"):
                    raise _Failure("redirect", f"refusing URL scheme {scheme or '(none)'!r} in {current!r}")
                if robots and self.obey_robots:
                    policy = await self.robots(current)
                    if not policy.allowed(current):
                        raise _Failure("robots", f"disallowed by robots.txt ({policy.reason}) for {current}")
                response, tries = await self._with_retries(current, headers, accept, cap)
                attempts += tries
                if isinstance(response, str):  # a redirect target
                    nxt = urljoin(current, response)
                    if nxt in seen:
                        raise _Failure("redirect", f"redirect loop at {nxt}", status=0)
                    seen.add(nxt)
                    current = nxt
                    continue
                response.url, response.attempts = url, attempts
                return response
            raise _Failure("redirect", f"more than {self.max_redirects} redirects")
        except _Failure as failure:
            failure.final_url, failure.attempts = current, attempts + failure.attempts
            raise

    async def _with_retries(
        self, url: str, headers: dict[str, str], accept: Collection[str] | None, cap: int
    ) -> tuple[FetchResult | str, int]:
        for attempt in range(self.retries + 1):
            try:
                return await self._attempt(url, headers, accept, cap), attempt + 1
            except _Failure as failure:
                retryable = failure.kind in ("timeout", "connection") or failure.status in RETRY_STATUSES
                if not retryable or attempt == self.retries:
                    failure.attempts = attempt + 1
                    if attempt:
                        failure.message += f" (after {attempt + 1} attempts)"
                    raise
                wait = min(self.max_backoff, self.backoff * 2**attempt) * (1 + random.random() * 0.1)
                if failure.retry_after is not None:
                    wait = min(self.max_backoff, max(wait, failure.retry_after))
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _wait_turn(self, host: _Host, url: str) -> None:
        delay = self.per_host_delay
        if host.robots is not None and host.robots.crawl_delay:
            delay = max(delay, min(host.robots.crawl_delay, self.max_crawl_delay))
        loop = asyncio.get_running_loop()
        async with host.lock:
            now = loop.time()
            start = max(now, host.next_start)
            host.next_start = start + delay
        if start > now:
            await asyncio.sleep(start - now)

    async def _attempt(
        self, url: str, headers: dict[str, str], accept: Collection[str] | None, cap: int
    ) -> FetchResult | str:
        """One GET: a FetchResult, or the Location of a redirect; raises :class:`_Failure`."""
        host = self._host(url)
        async with host.semaphore:
            await self._wait_turn(host, url)
            try:
                async with asyncio.timeout(self.timeout):
                    return await self._get(url, headers, accept, cap)
            except TimeoutError:
                raise _Failure("timeout", f"timed out after {self.timeout:g} s") from None
            except httpx.TimeoutException:
                raise _Failure("timeout", f"timed out after {self.timeout:g} s") from None
            except ForbiddenAddress as exc:
                raise _Failure("address", f"refusing to fetch {url}: {exc}") from None
            except httpx.HTTPError as exc:
                raise _Failure("connection", f"request failed: {type(exc).__name__}: {exc}") from None

    async def _get(
        self, url: str, headers: dict[str, str], accept: Collection[str] | None, cap: int
    ) -> FetchResult | str:
        async with self._client.stream("GET", url, headers=headers) as response:
            status = response.status_code
            if response.is_redirect and "location" in response.headers:
                return response.headers["location"]
            result = FetchResult(url, str(response.url), status=status, headers=dict(response.headers),
                                 etag=response.headers.get("etag"),
                                 last_modified=response.headers.get("last-modified"))  # fmt: skip
            if status == 304:
                result.not_modified = True
                return result
            if status >= 300:
                raise _Failure("http", f"HTTP {status} {response.reason_phrase}".strip(), status,
                               _retry_after(response.headers.get("retry-after")))  # fmt: skip
            ctype = response.headers.get("content-type", "")
            result.content_type = ctype.split(";")[0].strip().lower()
            result.charset = response.charset_encoding
            if accept and result.content_type and result.content_type not in accept:
                raise _Failure("type", f"unsupported content type {result.content_type!r}", status)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                problem = f"body of {declared} bytes (Content-Length) is over the limit of {cap}"
                raise _Failure("size", problem, status)
            result.body = await _read_body(response, cap)
            return result


async def _read_body(response: httpx.Response, cap: int) -> bytes:
    try:
        decoder = CappedDecoder(response.headers.get("content-encoding"), cap)
        body, wire = bytearray(), 0
        async for chunk in response.aiter_raw():
            wire += len(chunk)
            if wire > cap:
                raise BodyTooLarge
            body += decoder.feed(chunk)
        decoder.finish()
    except BodyTooLarge:
        what = "decompressed body" if response.headers.get("content-encoding") else "body"
        raise _Failure("size", f"{what} is over the limit of {cap} bytes", response.status_code) from None
    except DecodingError as exc:
        raise _Failure("decode", str(exc), response.status_code) from None
    return bytes(body)


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())
