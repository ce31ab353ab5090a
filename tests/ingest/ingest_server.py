"""A real HTTP server on 127.0.0.1 for the fetch, feed, sitemap and collector tests.

``Site`` maps paths to routes: a :class:`Page` (static status, headers, body) or a function
``(handler) -> None`` that writes its own answer (for trickling, bombs, counters...).  Every
request is logged (path, headers, start time) and the server counts how many requests are in
flight at once, so the tests can check per-host concurrency from the server's side.

All the text served is written here, for these tests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SENTENCES = [
    "Delegations from several governments gathered on Monday for a round of talks on regional trade.",
    "The meeting was the first of its kind since the agreement on customs rules was signed last year.",
    "Officials said the discussions covered tariffs, shipping routes and the inspection of goods.",
    "One envoy described the atmosphere as constructive, although no joint statement was issued.",
    "Analysts expect a second meeting before the end of the year to settle the remaining disputes.",
    "Business groups welcomed the talks and urged both sides to publish a timetable for the reforms.",
]


def article_html(
    title: str, *, date: str = "2024-03-05", topic: str = "trade", charset: str = "utf-8"
) -> str:
    """A news page with enough body text for trafilatura, unique per ``title``."""
    paragraphs = "\n".join(
        f"<p>{s.replace('trade', topic)} This paragraph belongs to the story titled {title}.</p>"
        for s in SENTENCES
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="{charset}">
<title>{title} | Test Wire</title>
<meta property="article:published_time" content="{date}T08:00:00Z">
</head><body><nav><a href="/">Home</a></nav>
<article><h1>{title}</h1>
{paragraphs}
</article><footer>Test Wire footer</footer></body></html>"""


@dataclass
class Page:
    body: bytes | str = b""
    status: int = 200
    ctype: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if isinstance(self.body, str):
            self.body = self.body.encode("utf-8")


Route = Page | Callable[["Handler"], None]


class Site:
    """Routes plus what the server saw."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[tuple[str, dict[str, str], float]] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.base = ""

    def add(self, path: str, route: Route | bytes | str, **kwargs: Any) -> None:
        if isinstance(route, str):
            route = route.encode("utf-8")
        self.routes[path] = Page(route, **kwargs) if isinstance(route, bytes) else route

    def hits(self, path: str) -> int:
        return sum(1 for p, _, _ in self.log if p == path)

    def starts(self, path_prefix: str) -> list[float]:
        return [t for p, _, t in self.log if p.startswith(path_prefix)]

    def url(self, path: str) -> str:
        return self.base + path


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    server: Any

    def log_message(self, format: str, *args: object) -> None:
        pass

    def answer(self, page: Page) -> None:
        self.send_response(page.status)
        if page.ctype:
            self.send_header("Content-Type", page.ctype)
        for key, value in page.headers.items():
            self.send_header(key, value)
        body = page.body if isinstance(page.body, bytes) else page.body.encode("utf-8")
        if "Content-Length" not in page.headers:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        site: Site = self.server.site
        with site.lock:
            site.log.append((self.path, dict(self.headers.items()), time.monotonic()))
            site.in_flight += 1
            site.max_in_flight = max(site.max_in_flight, site.in_flight)
        try:
            route = site.routes.get(self.path)
            if route is None:
                self.answer(Page(b"not found", 404, "text/plain"))
            elif isinstance(route, Page):
                self.answer(route)
            else:
                route(self)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up on purpose (size caps, timeouts)
        finally:
            with site.lock:
                site.in_flight -= 1


@contextmanager
def serve(site: Site) -> Iterator[Site]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.site = site  # type: ignore[attr-defined]
    site.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
