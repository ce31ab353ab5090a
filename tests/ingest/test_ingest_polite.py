"""Fetcher against a real server on 127.0.0.1: robots, retries, caps, bombs, limits, 304."""

from __future__ import annotations

import asyncio
import gzip
import threading
import time
import zlib
from collections.abc import Iterator
from typing import Any

import brotli
import pytest
from ingest_server import Handler, Page, Site, article_html, serve

from blocwatch.ingest.polite import Fetcher, FetchResult
from blocwatch.ingest.transfer import BodyTooLarge, CappedDecoder, DecodingError
from blocwatch.settings import load_settings

AGENT = "blocwatch-polite-test/2 (+https://example.org/bot)"


def _counter(site: Site, path: str, fail: int, status: int = 503) -> None:
    """Answer ``status`` ``fail`` times, then a page."""
    lock = threading.Lock()
    calls = {"n": 0}

    def route(h: Handler) -> None:
        with lock:
            calls["n"] += 1
            n = calls["n"]
        if n <= fail:
            h.answer(Page(b"busy", status, "text/plain", {"Retry-After": "3600"}))
        else:
            h.answer(Page(article_html("Recovered"), 200))

    site.add(path, route)


def _slow(delay: float, body: bytes = b"<html><body><p>slow</p></body></html>") -> Any:
    def route(h: Handler) -> None:
        time.sleep(delay)
        h.answer(Page(body))

    return route


def _trickle(h: Handler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    for _ in range(40):
        h.wfile.write(b"<p>drip</p>")
        h.wfile.flush()
        time.sleep(0.1)


def _huge(h: Handler) -> None:
    """50 MB with no Content-Length, written lazily: the client must stop reading early."""
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    chunk = b"<p>" + b"x" * 65_530 + b"</p>"
    for _ in range(50_000_000 // len(chunk)):
        h.wfile.write(chunk)


def _conditional(h: Handler) -> None:
    if h.headers.get("If-None-Match") == '"v1"' or h.headers.get("If-Modified-Since") == "Tue, 05 Mar 2024":
        h.answer(Page(b"", 304, None, {"ETag": '"v1"'}))
    else:
        h.answer(
            Page(
                b"<html><body><p>fresh</p></body></html>",
                headers={"ETag": '"v1"', "Last-Modified": "Tue, 05 Mar 2024"},
            )
        )


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    s = Site()
    s.add(
        "/robots.txt",
        "User-agent: *\nDisallow: /private\n\nUser-agent: otherbot\nDisallow: /\n",
        ctype="text/plain",
    )
    s.add("/page", article_html("Plain page"))
    s.add("/private/page", article_html("Secret"))
    s.add("/conditional", _conditional)
    _counter(s, "/flaky", fail=2)
    _counter(s, "/down", fail=10**6)
    s.add("/slow-once", _slow(0.0))
    s.add("/loop/a", b"", status=302, headers={"Location": "/loop/b"})
    s.add("/loop/b", b"", status=302, headers={"Location": "/loop/a"})
    for i in range(8):
        s.add(f"/chain/{i}", b"", status=301, headers={"Location": f"/chain/{i + 1}"})
    s.add("/chain/8", article_html("End of chain"))
    s.add("/to-file", b"", status=302, headers={"Location": "file:///etc/passwd"})
    s.add("/declared-big", b"tiny", headers={"Content-Length": "900000000"})
    s.add("/huge", _huge)
    s.add("/trickle", _trickle)
    bomb = gzip.compress(b"\0" * 30_000_000)
    s.add("/bomb", bomb, headers={"Content-Encoding": "gzip"})
    s.add("/br-bomb", brotli.compress(b"\0" * 30_000_000), headers={"Content-Encoding": "br"})
    s.add("/gzip-page", gzip.compress(article_html("Zipped").encode()), headers={"Content-Encoding": "gzip"})
    s.add("/image", b"\x89PNG\r\n\x1a\n", ctype="image/png")
    s.add(
        "/mislabelled",
        "<p>Caf\u00e9 cr\u00e8me in Gen\u00e8ve</p>".encode("cp1252"),
        ctype="text/html; charset=utf-8",
    )
    s.add("/busy", _slow(0.15))
    with serve(s):
        yield s


def fetcher(**kwargs: Any) -> Fetcher:
    options: dict[str, Any] = {"per_host_delay": 0.0, "backoff": 0.02, "max_backoff": 0.1, "timeout": 1.0}
    options.update(kwargs)
    loopback = load_settings(user_agent=AGENT, fetch_max_bytes=1_000_000, allow_private_addresses=True)
    return Fetcher(loopback, **options)  # the test server is on 127.0.0.1


def run(coro: Any) -> Any:
    return asyncio.run(coro)


def fetch(url: str, **kwargs: Any) -> FetchResult:
    async def go() -> FetchResult:
        async with fetcher(**kwargs.pop("fetcher", {})) as f:
            return await f.fetch(url, **kwargs)

    return run(go())


def test_page_fetched_with_our_agent_and_robots_read_once(site: Site) -> None:
    async def go() -> list[FetchResult]:
        async with fetcher() as f:
            return [await f.fetch(site.url("/page")), await f.fetch(site.url("/page"))]

    before = site.hits("/robots.txt")
    results = run(go())
    assert all(r.ok and r.status == 200 and b"Plain page" in r.body for r in results)
    assert results[0].content_type == "text/html" and results[0].charset == "utf-8"
    assert site.hits("/robots.txt") == before + 1  # cached per host
    assert site.log[-1][1]["User-Agent"] == AGENT


def test_robots_disallow_is_honoured(site: Site) -> None:
    before = site.hits("/private/page")
    result = fetch(site.url("/private/page"))
    assert result.error_kind == "robots" and "disallowed by robots.txt" in (result.error or "")
    assert site.hits("/private/page") == before  # never requested
    # Another agent's group disallows everything; ours is not that agent.
    assert fetch(site.url("/page"), fetcher={"user_agent": "otherbot/1.0"}).error_kind == "robots"
    assert fetch(site.url("/private/page"), fetcher={"obey_robots": False}).ok


def test_robots_unreachable_means_disallow_and_missing_means_allow() -> None:
    broken = Site()
    broken.add("/robots.txt", b"oops", status=500, ctype="text/plain")
    broken.add("/page", article_html("Anything"))
    with serve(broken):
        result = fetch(broken.url("/page"), fetcher={"retries": 0})
        assert result.error_kind == "robots" and "unreachable" in (result.error or "")
        assert broken.hits("/page") == 0
    missing = Site()
    missing.add("/page", article_html("Anything"))
    with serve(missing):
        assert fetch(missing.url("/page")).ok  # robots.txt 404: no rules


def test_conditional_get_gives_not_modified(site: Site) -> None:
    first = fetch(site.url("/conditional"))
    assert first.ok and not first.not_modified and first.etag == '"v1"'
    again = fetch(site.url("/conditional"), etag=first.etag)
    assert again.ok and again.not_modified and again.status == 304 and again.body == b""
    assert again.etag == '"v1"'
    by_date = fetch(site.url("/conditional"), last_modified=first.last_modified)
    assert by_date.not_modified and by_date.last_modified == "Tue, 05 Mar 2024"


def test_retry_after_two_503s_then_200(site: Site) -> None:
    result = fetch(site.url("/flaky"), fetcher={"retries": 3})
    assert result.ok and result.status == 200 and result.attempts == 3
    assert b"Recovered" in result.body


def test_backoff_is_bounded(site: Site) -> None:
    started = time.monotonic()
    before = site.hits("/down")
    result = fetch(site.url("/down"), fetcher={"retries": 2, "backoff": 0.05, "max_backoff": 0.2})
    elapsed = time.monotonic() - started
    assert result.error_kind == "http" and result.status == 503 and result.attempts == 3
    assert "after 3 attempts" in (result.error or "")
    assert site.hits("/down") - before == 3
    assert elapsed < 1.5  # Retry-After: 3600 was capped by max_backoff


def test_timeouts_are_retried_and_trickle_is_cut(site: Site) -> None:
    started = time.monotonic()
    trickle = fetch(site.url("/trickle"), fetcher={"timeout": 0.5, "retries": 1})
    assert trickle.error_kind == "timeout" and trickle.attempts == 2
    assert time.monotonic() - started < 3


def test_connection_errors_are_retried_and_reported() -> None:
    result = fetch("http://127.0.0.1:9/page", fetcher={"retries": 1, "obey_robots": False})
    assert result.error_kind == "connection" and result.attempts == 2 and result.status == 0


def test_redirects_bounded_loops_and_schemes(site: Site) -> None:
    loop = fetch(site.url("/loop/a"))
    assert loop.error_kind == "redirect" and "redirect loop" in (loop.error or "")
    chain = fetch(site.url("/chain/0"), fetcher={"max_redirects": 5})
    assert chain.error_kind == "redirect" and "more than 5 redirects" in (chain.error or "")
    followed = fetch(site.url("/chain/0"), fetcher={"max_redirects": 8})
    assert followed.ok and followed.final_url == site.url("/chain/8") and followed.url == site.url("/chain/0")
    assert "refusing URL scheme 'file'" in (fetch(site.url("/to-file")).error or "")


def test_size_caps(site: Site) -> None:
    declared = fetch(site.url("/declared-big"))
    assert declared.error_kind == "size" and "Content-Length" in (declared.error or "")
    started = time.monotonic()
    huge = fetch(site.url("/huge"))
    assert huge.error_kind == "size" and "over the limit of 1000000" in (huge.error or "")
    assert time.monotonic() - started < 3


def test_decompression_bombs_refused_and_gzip_decoded(site: Site) -> None:
    for path in ("/bomb", "/br-bomb"):
        result = fetch(site.url(path))
        assert result.error_kind == "size" and "decompressed body" in (result.error or ""), path
    page = fetch(site.url("/gzip-page"))
    assert page.ok and page.body.startswith(b"<!DOCTYPE html>") and b"Zipped" in page.body
    assert "gzip" in site.log[-1][1].get("Accept-Encoding", "")


def test_content_type_and_charset(site: Site) -> None:
    image = fetch(site.url("/image"))
    assert image.error_kind == "type" and "image/png" in (image.error or "")
    assert fetch(site.url("/image"), accept=None).ok  # the caller may accept anything
    wrong = fetch(site.url("/mislabelled"))
    assert wrong.charset == "utf-8" and wrong.text() == "<p>Caf\u00e9 cr\u00e8me in Gen\u00e8ve</p>"


def test_per_host_concurrency_is_never_exceeded(site: Site) -> None:
    async def go() -> list[FetchResult]:
        async with fetcher(per_host_concurrency=2) as f:
            return list(await asyncio.gather(*(f.fetch(site.url("/busy")) for _ in range(8))))

    site.max_in_flight = 0
    results = run(go())
    assert all(r.ok for r in results)
    assert site.max_in_flight == 2  # reached, never exceeded


def test_per_host_delay_spaces_request_starts(site: Site) -> None:
    async def go() -> None:
        async with fetcher(per_host_concurrency=4, per_host_delay=0.2) as f:
            await asyncio.gather(*(f.fetch(site.url("/page")) for _ in range(4)))

    mark = time.monotonic()
    run(go())
    starts = sorted(t for t in site.starts("/page") if t >= mark)
    assert len(starts) == 4
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert min(gaps) >= 0.17, gaps  # robots.txt took the first slot; the pages the next ones


def test_crawl_delay_raises_the_delay_but_is_capped() -> None:
    slow = Site()
    slow.add("/robots.txt", "User-agent: *\nCrawl-delay: 60\n", ctype="text/plain")
    slow.add("/page", article_html("Crawl delay"))
    with serve(slow):

        async def go() -> None:
            async with fetcher(per_host_concurrency=4, max_crawl_delay=0.25) as f:
                await asyncio.gather(*(f.fetch(slow.url("/page")) for _ in range(3)))

        started = time.monotonic()
        run(go())
        starts = sorted(slow.starts("/page"))
        # The server sees the starts, so a busy machine's scheduling jitter (up to ~50 ms under a
        # parallel test run) shortens some gaps; 60 s would not be capped at all.
        assert min(b - a for a, b in zip(starts, starts[1:], strict=False)) >= 0.2
        assert time.monotonic() - started < 2


def decode_all(encoding: str, data: bytes, cap: int = 100_000, step: int = 7) -> bytes:
    decoder = CappedDecoder(encoding, cap)
    out = b"".join(decoder.feed(data[i : i + step]) for i in range(0, len(data), step))
    decoder.finish()
    return out


def test_capped_decoder_encodings() -> None:
    text = b"The envoys met again. " * 50
    two_members = gzip.compress(text) + gzip.compress(b"second member")
    assert decode_all("gzip", two_members) == text + b"second member"
    assert decode_all("deflate", zlib.compress(text)) == text  # zlib-wrapped, as the RFC says
    assert decode_all("deflate", zlib.compress(text)[2:-4]) == text  # raw deflate, as IIS sends
    assert decode_all("gzip, br", brotli.compress(gzip.compress(text))) == text  # undone in reverse
    assert decode_all("identity", text) == text and not CappedDecoder(None, 10).encoded
    with pytest.raises(BodyTooLarge):
        decode_all("gzip", gzip.compress(text), cap=100)
    with pytest.raises(DecodingError, match="truncated"):
        decode_all("gzip", gzip.compress(text)[:-9])
    with pytest.raises(DecodingError, match="unsupported Content-Encoding 'zstd'"):
        CappedDecoder("zstd", 10)
    with pytest.raises(DecodingError, match="corrupt"):
        decode_all("gzip", b"\x1f\x8b\x08\x00" + b"\xff" * 40)
