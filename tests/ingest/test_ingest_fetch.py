"""fetch_url / read_inputs against a real HTTP server on 127.0.0.1 (a thread of this process)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from ingest_pages import ARTICLE_HTML, TEXT_PAGE

from blocwatch.ingest import IngestError, fetch_url, read_inputs
from blocwatch.records import Article
from blocwatch.settings import Settings, load_settings

HTML = ARTICLE_HTML.encode("utf-8")
SEEN_AGENTS: list[str] = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # no keep-alive: a body without Content-Length ends at close

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def send(self, status: int, body: bytes, ctype: str | None = "text/html; charset=utf-8",
             length: int | None = None) -> None:  # fmt: skip
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        SEEN_AGENTS.append(self.headers.get("User-Agent", ""))
        path = self.path
        if path == "/article":
            self.send(200, HTML, length=len(HTML))
        elif path == "/plain":
            body = TEXT_PAGE.encode("utf-8")
            self.send(200, body, "text/plain; charset=utf-8", len(body))
        elif path == "/untyped":
            self.send(200, HTML, ctype=None, length=len(HTML))
        elif path == "/r1":
            self.redirect("/r2")
        elif path == "/r2":
            self.redirect(f"http://127.0.0.1:{self.server.server_address[1]}/article")
        elif path.startswith("/loop/"):
            self.redirect(f"/loop/{int(path.rsplit('/', 1)[1]) + 1}")
        elif path == "/to-file":
            self.redirect("file:///etc/passwd")
        elif path == "/declared-big":
            self.send(200, b"x" * 10, length=5_000_000)
        elif path == "/streamed-big":
            self.send(200, b"<html><body><p>" + b"word " * 40_000, length=None)
        elif path == "/image":
            self.send(200, b"\x89PNG\r\n\x1a\n", "image/png", 8)
        elif path == "/slow":
            time.sleep(1.5)
            self.send(200, HTML, length=len(HTML))
        elif path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(12):
                self.wfile.write(b"<p>drip</p>" * 3)
                self.wfile.flush()
                time.sleep(0.15)
        else:
            self.send(404, b"not found", "text/plain", 9)


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture()
def settings() -> Settings:
    return load_settings(fetch_timeout=1.0, fetch_max_bytes=100_000, user_agent="blocwatch-test/1",
                         allow_private_addresses=True)  # the test server is on 127.0.0.1


def fails(url: str, settings: Settings) -> IngestError:
    with pytest.raises(IngestError) as info:
        fetch_url(url, settings)
    assert info.value.input == url
    return info.value


def test_html_200(base: str, settings: Settings) -> None:
    article = fetch_url(f"{base}/article", settings)
    assert article.title == "Ministers meet in Geneva" and article.published == date(2024, 3, 5)
    assert article.raw == HTML and article.url == f"{base}/article"
    # The page declares a canonical URL on another host: a page may not claim another site's
    # identity, so it keeps the URL it was fetched from.
    assert article.canonical_url == f"{base}/article"
    assert [s.heading for s in article.sections] == ["A difficult start", "What comes next"]
    assert SEEN_AGENTS[-1] == "blocwatch-test/1"


def test_plain_text_and_untyped(base: str, settings: Settings) -> None:
    text = fetch_url(f"{base}/plain", settings)
    assert text.raw_type == "text" and text.published == date(2024, 5, 14) and text.url == f"{base}/plain"
    untyped = fetch_url(f"{base}/untyped", settings)
    assert untyped.raw_type == "html"


def test_redirect_chain_is_followed(base: str, settings: Settings) -> None:
    article = fetch_url(f"{base}/r1", settings)
    assert article.url == f"{base}/article" and article.input_name == f"{base}/r1"


def test_too_many_redirects_and_bad_scheme(base: str, settings: Settings) -> None:
    assert "more than 5 redirects" in fails(f"{base}/loop/0", settings).problem
    assert "refusing URL scheme 'file'" in fails(f"{base}/to-file", settings).problem


def test_body_size_caps(base: str, settings: Settings) -> None:
    assert "Content-Length" in fails(f"{base}/declared-big", settings).problem
    assert "over the limit of 100000" in fails(f"{base}/streamed-big", settings).problem


def test_wrong_content_type_and_404(base: str, settings: Settings) -> None:
    assert "unsupported content type 'image/png'" in fails(f"{base}/image", settings).problem
    assert fails(f"{base}/missing", settings).problem == "HTTP 404 Not Found"


def test_timeouts(base: str, settings: Settings) -> None:
    started = time.monotonic()
    assert "timed out" in fails(f"{base}/slow", settings).problem
    assert "timed out" in fails(f"{base}/drip", settings).problem  # each read is quick; the total is not
    assert time.monotonic() - started < 4


def test_connection_refused(settings: Settings) -> None:
    # Port 9 (discard) on loopback has no listener here; the error must still be an IngestError.
    assert "request failed" in fails("http://127.0.0.1:9/x", settings).problem


def test_read_inputs_mixes_urls_and_errors(base: str, settings: Settings) -> None:
    results = list(read_inputs([f"{base}/missing", f"{base}/article"], settings))
    assert isinstance(results[0], IngestError) and "404" in str(results[0])
    assert isinstance(results[1], Article) and results[1].title == "Ministers meet in Geneva"
