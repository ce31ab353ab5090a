"""The collector against real loopback HTTP servers, a real store and the real pipeline.

Every feed and page here is text we wrote for these tests.  One server plays several sites: a
healthy news feed (with ETag, so the second poll is a 304), a second outlet running the same
agency story under another URL, a feed that always answers 500, a malformed feed, and a feed
whose article page is broken.  The collector must store what can be stored, cluster the two
copies of the story, log every poll, and never let one source stop the others.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Container, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select, update
from typer import Typer
from typer.testing import CliRunner

from blocwatch.cli_sources import reprocess as reprocess_command
from blocwatch.cli_sources import sources_app
from blocwatch.collector import Collector, fetching_collect, run_collector
from blocwatch.ingest.collect import CollectResult
from blocwatch.ingest.polite import Fetcher
from blocwatch.nlp.pipeline import Pipeline, get_pipeline
from blocwatch.reprocess import reprocess
from blocwatch.settings import Settings
from blocwatch.store import Store
from blocwatch.store.models import ArticleRow, RawInputRow
from blocwatch.store.sources import SourceDirectory, SourceState
from blocwatch.store.syndication import cluster_of

STORY = (
    "Ruritania and Freedonia signed a river treaty in the capital on Monday after three years of talks. "
    "The agreement sets quotas for water drawn from the shared basin and creates a joint commission "
    "that will meet twice a year. Ministers from both states said the deal would end a long dispute "
    "over dams built upstream. Syldavia, which shares the basin, said it would study the text."
)
PORT_STORY = (
    "Syldavia opened a new port on its northern coast on Tuesday. The port can handle container ships "
    "of any size and is linked to the capital by a new railway line. The transport minister said trade "
    "through the port should double within five years, and that a second terminal is planned."
)


def page(title: str, body: str) -> bytes:
    paragraphs = "".join(f"<p>{s.strip()}.</p>" for s in body.split(". ") if s.strip())
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{paragraphs}</article>"
            f"<footer>Copyright the Example Press</footer></body></html>").encode()  # fmt: skip


def rss(base: str, items: list[tuple[str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{t}</title><link>{base}{path}</link>"
        "<pubDate>Mon, 17 Jun 2024 09:00:00 GMT</pubDate></item>"
        for path, t in items
    )
    return (f"<?xml version='1.0'?><rss version='2.0'><channel><title>Example</title><link>{base}/</link>"
            f"{entries}</channel></rss>").encode()  # fmt: skip


class Site(BaseHTTPRequestHandler):
    routes: dict[str, tuple[int, str, bytes]] = {}
    hits: list[tuple[str, str | None]] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        self.hits.append((self.path, self.headers.get("If-None-Match")))
        # Like most sites, ignore the query string (tracking parameters and all).
        status, ctype, body = self.routes.get(self.path.split("?")[0], (404, "text/plain", b"not found"))
        etag = f'"{abs(hash(body)) % 10**8}"'
        if status == 200 and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if status == 200:
            self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def base() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    url = f"http://127.0.0.1:{server.server_address[1]}"
    rss_type = "application/rss+xml"
    wire = [("/wire/treaty", "Treaty signed"), ("/wire/port", "New port")]
    daily = [("/daily/world/treaty-signed?utm_source=rss", "Treaty")]
    Site.hits = []
    Site.routes = {
        "/wire/feed.xml": (200, rss_type, rss(url, wire)),
        "/wire/treaty": (200, "text/html", page("Treaty signed", STORY)),
        "/wire/port": (200, "text/html", page("New port", PORT_STORY)),
        "/daily/feed.xml": (200, rss_type, rss(url, daily)),
        "/daily/world/treaty-signed": (200, "text/html", page("Treaty", STORY + " Markets rose.")),
        "/down/feed.xml": (500, "text/plain", b"internal error"),
        "/bad/feed.xml": (200, rss_type, b"<?xml version='1.0'?><rss><channel><item><title>broken"),
        "/mixed/feed.xml": (200, rss_type, rss(url, [("/mixed/empty", "Empty"), ("/mixed/gone", "Gone")])),
        "/mixed/empty": (200, "text/html", b"<html><body><nav>menu</nav></body></html>"),
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return get_pipeline()


def settings_for(store: Store) -> Settings:
    return Settings(database_url=store.url, fetch_timeout=5.0, allow_private_addresses=True)


async def poll_all(store: Store, pipeline: Pipeline, collect: object = None) -> dict[str, str]:
    settings = settings_for(store)
    async with Fetcher(settings, per_host_delay=0, retries=0, timeout=5.0) as fetcher:
        chosen = collect or fetching_collect(fetcher)
        collector = Collector(settings, store, pipeline, chosen)  # type: ignore[arg-type]
        outcomes = [await collector.poll(s) for s in collector.directory.due()]
    return {o.url.rsplit("/", 2)[-2]: o.status for o in outcomes}


def test_collector_polls_every_source_in_isolation(store: Store, base: str, pipeline: Pipeline) -> None:
    sources = SourceDirectory(store)
    names = ("wire", "daily", "down", "bad", "mixed")
    ids = {name: sources.add(f"{base}/{name}/feed.xml")["id"] for name in names}
    statuses = asyncio.run(poll_all(store, pipeline))
    assert statuses == {"wire": "ok", "daily": "ok", "down": "error", "bad": "error", "mixed": "ok"}
    with store.session() as s:
        rows = s.execute(select(ArticleRow.canonical_url, ArticleRow.source_id))
        stored = {url: source for url, source in rows}
    assert stored == {f"{base}/wire/treaty": ids["wire"], f"{base}/wire/port": ids["wire"],
                      f"{base}/daily/world/treaty-signed": ids["daily"]}  # fmt: skip
    # The same story on two outlets is one syndication cluster of two articles.
    with store.session() as s:
        wire = s.scalar(select(ArticleRow.id).where(ArticleRow.canonical_url == f"{base}/wire/treaty"))
    cluster = cluster_of(store, str(wire))
    assert cluster is not None and len(cluster["members"]) == 2
    # Every poll is logged; the failing ones are scheduled with back-off and say why.
    down = sources.show(ids["down"])
    assert down is not None and down["consecutive_failures"] == 1
    assert "500" in down["recent_errors"][0]["error"]
    mixed = sources.show(ids["mixed"])
    # Some pages failed: the poll is ok, but no ETag is kept, so the next poll cannot be a 304.
    assert mixed is not None and mixed["last_status"] == "ok" and mixed["etag"] is None
    assert "404" in (mixed["last_error"] or "") and "no article text" in (mixed["last_error"] or "")
    with store.session() as s:  # the unextractable page and the malformed feed keep their bytes
        kept = set(s.scalars(select(RawInputRow.input_name)))
    assert f"{base}/mixed/empty" in kept and f"{base}/bad/feed.xml" in kept
    # Second round, everything due again: the healthy feed answers 304, nothing is refetched or doubled.
    with store.writing() as s:
        from blocwatch.store.models import SourceRow

        s.execute(update(SourceRow).values(next_due_at=SourceRow.created_at))
    Site.hits.clear()
    statuses = asyncio.run(poll_all(store, pipeline))
    assert statuses["wire"] == "not_modified" and statuses["down"] == "error"
    assert ("/wire/feed.xml") in [p for p, tag in Site.hits if tag]  # a conditional GET was sent
    assert "/mixed/empty" in [p for p, _ in Site.hits]  # the failed page is retried ...
    with store.session() as s:
        assert len(s.scalars(select(RawInputRow.id)).all()) == len(kept)  # ... but its bytes kept once
    assert sources.get(ids["down"])["consecutive_failures"] == 2  # type: ignore[index]


def test_a_crashing_collect_does_not_stop_the_run(store: Store, base: str, pipeline: Pipeline) -> None:
    sources = SourceDirectory(store)
    good = sources.add(f"{base}/wire/feed.xml")["id"]
    broken = sources.add(f"{base}/daily/feed.xml")["id"]
    settings = settings_for(store)

    async def main() -> None:
        async with Fetcher(settings, per_host_delay=0, retries=0, timeout=5.0) as fetcher:
            real = fetching_collect(fetcher)

            async def flaky(source: SourceState, seen: Container[str]) -> CollectResult:
                if source.id == broken:
                    raise RuntimeError("parser exploded")
                return await real(source, seen)

            stop = asyncio.Event()
            running = run_collector(settings, store, pipeline, stop, flaky, poll_interval=0.05)
            task = asyncio.create_task(running)
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline and not (sources.fetches(good) and sources.fetches(broken)):
                await asyncio.sleep(0.05)
            stop.set()
            await asyncio.wait_for(task, 5)

    asyncio.run(main())
    assert sources.fetches(good)[0]["status"] == "ok" and sources.get(good)["articles"] == 2  # type: ignore[index]
    [failure] = sources.fetches(broken)
    assert failure["status"] == "error" and failure["error"] == "RuntimeError: parser exploded"


def test_reprocess_from_stored_bytes(store: Store, base: str, pipeline: Pipeline) -> None:
    SourceDirectory(store).add(f"{base}/wire/feed.xml")
    asyncio.run(poll_all(store, pipeline))
    with store.session() as s:
        ids = sorted(s.scalars(select(ArticleRow.id)))
        original = {i: t for i, t in s.execute(select(ArticleRow.id, ArticleRow.text))}
    with store.writing() as s:  # as an older, worse extractor would have left it
        garbled = {"text": "garbled", "content_hash": "x" * 64}
        s.execute(update(ArticleRow).where(ArticleRow.id == ids[0]).values(**garbled))
    Site.routes.clear()  # nothing may be fetched
    summary = reprocess(settings_for(store), store, pipeline, [*ids, "a-missing"])
    assert (summary.done, summary.changed, summary.failed, summary.missing) == (2, 1, 0, 1)
    with store.session() as s:
        assert {i: t for i, t in s.execute(select(ArticleRow.id, ArticleRow.text))} == original
    assert reprocess(settings_for(store), store, pipeline).done == 2  # all of them, idempotent


def test_cli_sources_and_reprocess(store: Store) -> None:
    app = Typer()
    app.add_typer(sources_app, name="sources")
    app.command("reprocess")(reprocess_command)
    runner = CliRunner()
    db = ["--database-url", store.url]
    out = runner.invoke(app, ["sources", "add", "https://news.example.org/feed", "--name", "Example",
                              "--every", "30m", *db])  # fmt: skip
    assert out.exit_code == 0 and "added source 1: Example" in out.output and "every 30m" in out.output
    assert runner.invoke(app, ["sources", "add", "ftp://x", *db]).exit_code == 1
    listed = runner.invoke(app, ["sources", "list", *db])
    assert listed.exit_code == 0 and "https://news.example.org/feed" in listed.output
    SourceDirectory(store).record_fetch(1, "error", error="HTTP 503")
    for _ in range(2):
        SourceDirectory(store).record_fetch(1, "error", error="HTTP 503")
    shown = runner.invoke(app, ["sources", "show", "1", *db])
    assert shown.exit_code == 0 and "warning: failing" in shown.output and "HTTP 503" in shown.output
    assert "articles per day" in shown.output
    assert "warning: failing" in runner.invoke(app, ["sources", "list", *db]).output
    assert runner.invoke(app, ["sources", "show", "7", *db]).exit_code == 1
    assert runner.invoke(app, ["sources", "remove", "1", *db]).exit_code == 0
    assert runner.invoke(app, ["sources", "remove", "1", *db]).exit_code == 1
    done = runner.invoke(app, ["reprocess", *db])
    assert done.exit_code == 0 and "0 article(s) re-processed" in done.output


SCRIPT = textwrap.dedent("""
    import logging, sys
    import uvicorn
    from blocwatch.collector import collector_running
    from blocwatch.settings import Settings

    logging.basicConfig(level=logging.INFO, stream=sys.stderr)

    async def app(scope, receive, send):
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"ok"})
        elif scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    print("ready", flush=True)
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return

    with collector_running(Settings(database_url=sys.argv[1]), poll_interval=0.1):
        uvicorn.run(app, host="127.0.0.1", port=0, log_level="warning")
""")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_signals_stop_the_site_and_the_collector(tmp_path: Path, backend_url: str, signum: int) -> None:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, backend_url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        time.sleep(0.3)  # let the collector thread start its loop
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "collector started" in err and "collector stopped" in err, err
    # SIGTERM ends with the conventional 128 + 15; Ctrl+C as uvicorn leaves it (a clean exit).
    expected = {143} if signum == signal.SIGTERM else {0, 130, -signal.SIGINT}
    assert proc.returncode in expected, err
