"""robots.txt: one :class:`RobotsPolicy` per host, cached, read the way RFC 9309 says.

The rules themselves are matched by :mod:`urllib.robotparser` with our user agent (its product
token, the part before ``/``, is what groups are matched against).  What the RFC adds, and the
standard library leaves to the caller, is what an *unreadable* robots.txt means:

* 2xx: parse it (at most :data:`MAX_ROBOTS_BYTES`; the RFC asks crawlers to read 500 KiB).
* 4xx (including 404): there are no rules, everything is allowed.
* 5xx, a timeout or a connection error: the site is unreachable, so assume *complete disallow*
  for now, and try again after :data:`RETRY_UNREACHABLE` seconds rather than the full TTL.

``Sitemap:`` lines are kept (:attr:`RobotsPolicy.sitemaps`, used for source discovery) and so is
``Crawl-delay`` for our agent, which the :class:`~blocwatch.ingest.polite.Fetcher` honours as a
larger per-host delay (capped, so a hostile value cannot stall a run).
"""

from __future__ import annotations

import time
import urllib.robotparser
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

__all__ = ["MAX_ROBOTS_BYTES", "RETRY_UNREACHABLE", "RobotsPolicy", "host_key", "robots_url"]

MAX_ROBOTS_BYTES = 512_000
TTL = 24 * 3600.0  # RFC 9309: a cached robots.txt should not be used for more than 24 hours
RETRY_UNREACHABLE = 300.0


def host_key(url: str) -> str:
    """``scheme://host:port`` in lower case: the unit robots.txt and rate limits apply to."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


@dataclass
class RobotsPolicy:
    """What one host's robots.txt lets ``user_agent`` do; ``expires`` is a ``time.monotonic()``."""

    user_agent: str
    parser: urllib.robotparser.RobotFileParser | None = None  # None: allow_all / disallow_all
    allow_all: bool = True
    sitemaps: list[str] = field(default_factory=list)
    crawl_delay: float | None = None
    expires: float = 0.0
    reason: str = ""  # why the policy is what it is, for error messages ("HTTP 503", "no robots.txt")

    @classmethod
    def from_text(cls, text: str, user_agent: str, *, base_url: str = "", ttl: float = TTL) -> RobotsPolicy:
        parser = urllib.robotparser.RobotFileParser()
        parser.parse(text.splitlines())
        # Sitemap: lines may be relative in the wild, although the protocol asks for absolute URLs.
        sitemaps = [urljoin(base_url, s.strip()) for s in parser.site_maps() or [] if s.strip()]
        delay = parser.crawl_delay(user_agent)
        return cls(
            user_agent=user_agent,
            parser=parser,
            allow_all=False,
            sitemaps=list(dict.fromkeys(sitemaps)),
            crawl_delay=float(delay) if delay is not None else None,
            expires=time.monotonic() + ttl,
            reason="robots.txt",
        )

    @classmethod
    def everything(cls, user_agent: str, reason: str, ttl: float = TTL) -> RobotsPolicy:
        return cls(user_agent=user_agent, allow_all=True, expires=time.monotonic() + ttl, reason=reason)

    @classmethod
    def nothing(cls, user_agent: str, reason: str, ttl: float = RETRY_UNREACHABLE) -> RobotsPolicy:
        return cls(user_agent=user_agent, allow_all=False, expires=time.monotonic() + ttl, reason=reason)

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.expires

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.path in ("/robots.txt",):
            return True  # robots.txt itself is always fetchable
        if self.parser is None:
            return self.allow_all
        return self.parser.can_fetch(self.user_agent, url)
