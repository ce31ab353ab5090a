"""Rate limiting: a token bucket per client IP over the whole site (except assets and health).

Each client IP has a bucket of ``rate_limit_burst`` tokens that refills at
``rate_limit_per_minute`` / 60 tokens a second; a request takes one token, and a request that
finds the bucket empty is answered 429 with ``Retry-After`` (whole seconds until a token is
back) instead of reaching the app.  ``rate_limit_per_minute = 0`` turns the limiter off.

What is limited: every path but ``/static/`` (a page pulls several assets; they are cheap files)
and ``/healthz`` (monitors).  HTML pages are limited as well as the API and the ``.json``
twins because they cost the same queries; a person reading the site never comes near the
default of 120 at once and 600 a minute.

The client is ``scope["client"]``, the peer address.  Behind a reverse proxy, run uvicorn with
``--proxy-headers --forwarded-allow-ips=<proxy>`` so that it is the real client; we never read
``X-Forwarded-For`` ourselves, since any client can send one.

The limiter lives on ``app.state.rate_limiter`` and is read per request, so a test can put in
one with its own clock.  Memory is bounded: buckets are kept for at most :data:`MAX_CLIENTS`
clients, and full buckets (clients idle long enough to have refilled, which behave exactly like
new ones) are dropped first.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from blocwatch.settings import Settings

__all__ = ["MAX_CLIENTS", "RateLimitMiddleware", "RateLimiter", "is_limited_path"]

MAX_CLIENTS = 100_000
_EXEMPT_PREFIXES = ("/static/",)
_EXEMPT_PATHS = frozenset({"/healthz"})


def is_limited_path(path: str) -> bool:
    return path not in _EXEMPT_PATHS and not path.startswith(_EXEMPT_PREFIXES)


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class RateLimiter:
    """Token buckets by client key; ``take(key)`` is 0.0 when allowed, else seconds to wait."""

    def __init__(
        self, per_minute: int, burst: int, clock: Callable[[], float] = time.monotonic,
        max_clients: int = MAX_CLIENTS,
    ) -> None:  # fmt: skip
        self.rate = per_minute / 60.0  # tokens per second
        self.burst = float(max(burst, 1))
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()  # sync endpoints run in threads; keep each take atomic

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimiter:
        return cls(settings.rate_limit_per_minute, settings.rate_limit_burst)

    @property
    def enabled(self) -> bool:
        return self.rate > 0

    def take(self, key: str) -> float:
        if not self.enabled:
            return 0.0
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if len(self._buckets) >= self.max_clients:
                    self._prune(now)
                bucket = self._buckets[key] = _Bucket(self.burst, now)
            else:
                bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.at) * self.rate)
                bucket.at = now
            if bucket.tokens >= 1.0:
                bucket.tokens -= 1.0
                return 0.0
            return (1.0 - bucket.tokens) / self.rate

    def _prune(self, now: float) -> None:
        full = [k for k, b in self._buckets.items() if b.tokens + (now - b.at) * self.rate >= self.burst]
        for key in full:
            del self._buckets[key]
        if len(self._buckets) >= self.max_clients:  # everyone is busy: forget the stalest half
            stale = sorted(self._buckets, key=lambda k: self._buckets[k].at)[: self.max_clients // 2]
            for key in stale:
                del self._buckets[key]

    def __len__(self) -> int:
        return len(self._buckets)


class RateLimitMiddleware:
    """ASGI middleware applying ``app.state.rate_limiter`` (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_limited_path(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        limiter: RateLimiter | None = getattr(scope["app"].state, "rate_limiter", None)
        client = scope.get("client")
        key = client[0] if client else "unknown"
        wait = limiter.take(key) if limiter is not None else 0.0
        if wait <= 0:
            await self.app(scope, receive, send)
            return
        from blocwatch.web.render import error_response  # the site's own error page / JSON

        retry_after = max(1, math.ceil(wait))
        request = Request(scope, receive)
        response = error_response(
            request, 429, f"Too many requests from {key}: try again in {retry_after} s."
        )
        response.headers["Retry-After"] = str(retry_after)
        await response(scope, receive, send)
