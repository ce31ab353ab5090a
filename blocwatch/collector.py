"""The running collector: poll due sources, analyse what they bring, store it, schedule again.

:class:`Collector` (and its entry point :func:`run_collector`) is one asyncio loop.  Each turn it
asks the :class:`~blocwatch.store.sources.SourceDirectory` for sources whose ``next_due_at`` has
come, starts a task per source (at most ``concurrency`` at once, never two for one source), and
sleeps until a task ends, the next source falls due (at most ``poll_interval`` seconds, so a
source added by another process is noticed) or ``stop`` is set.

One poll (:meth:`Collector.poll`) is isolated: whatever goes wrong in it (the site, the parser,
the analysis, the database) is caught, logged and written to the ``fetch_log``, and the other
sources go on.  ``collect`` is the I/O: by default :func:`fetching_collect` over one shared polite
:class:`~blocwatch.ingest.polite.Fetcher` (robots.txt and per-host limits hold across sources),
given the source's ETag / Last-Modified for a conditional GET and the URLs already stored from it
(``seen``), so a poll fetches only new article pages.  The validators are kept only when the poll
fully succeeded: if some article pages failed, the next poll must not be cut short by a 304.

Analysis (spaCy) and the database are blocking, so they run in a worker thread, one batch at a
time (the pipeline is not thread-safe), while other sources keep fetching.  Articles are saved by
the store's idempotent writer under the source's URL, then fingerprinted and clustered with their
near-duplicates (:mod:`blocwatch.store.syndication`).  Pages that could not be extracted keep their
raw bytes as bad inputs, once per page and problem.  On ``stop`` in-flight polls are cancelled
(their sources stay due and are polled first next time) and writes already started are awaited.

:func:`start_collector_thread` runs all of this in a background thread with its own event loop,
store and lazily loaded pipeline, for ``blocwatch run``; :func:`collector_running` wraps it for the
CLI and turns SIGINT / SIGTERM into a clean stop.  :func:`blocwatch.reprocess.reprocess` re-runs
extraction and analysis from stored raw bytes.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import threading
from collections.abc import Awaitable, Callable, Container, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy import select

from blocwatch.ingest.collect import CollectResult, collect
from blocwatch.ingest.dedup import canonical_url
from blocwatch.ingest.errors import IngestError
from blocwatch.ingest.polite import Fetcher
from blocwatch.records import Analysis, Article
from blocwatch.settings import Settings
from blocwatch.store import Store
from blocwatch.store.models import ArticleRow
from blocwatch.store.sources import SourceDirectory, SourceState
from blocwatch.store.syndication import Syndication

__all__ = [
    "Analyser",
    "CollectFn",
    "Collector",
    "CollectorStop",
    "PollOutcome",
    "collector_running",
    "fetching_collect",
    "run_collector",
    "start_collector_thread",
]

log = logging.getLogger("blocwatch.collector")

CollectFn = Callable[[SourceState, Container[str]], Awaitable[CollectResult]]
_SHOWN_ERRORS = 3


class Analyser(Protocol):
    """What the collector needs of :class:`blocwatch.nlp.pipeline.Pipeline`."""

    def analyze_many(self, articles: Iterable[Article], batch_size: int = 32) -> Iterable[Analysis]: ...


#: A pipeline, or a function that loads one when the first article needs analysing.
PipelineArg = Analyser | Callable[[], Analyser]


def fetching_collect(fetcher: Fetcher, *, max_articles: int = 100) -> CollectFn:
    """The production ``collect``: :func:`blocwatch.ingest.collect.collect` with ``fetcher``."""

    async def run(source: SourceState, seen: Container[str]) -> CollectResult:
        return await collect(source.url, fetcher, since_etag=source.etag, since_modified=source.last_modified,
                             seen=seen, max_articles=max_articles)  # fmt: skip

    return run


@dataclass(slots=True)
class PollOutcome:
    """What one poll of a source did (also what its ``fetch_log`` row says)."""

    source_id: int
    url: str
    status: str  # ok | not_modified | error
    created: int = 0
    updated: int = 0
    failed: int = 0
    article_ids: list[str] = field(default_factory=list)
    error: str | None = None


class _SeenUrls(Container[str]):
    """The identity URLs of the articles already stored from one source."""

    def __init__(self, keys: set[str]) -> None:
        self.keys = keys

    def __contains__(self, url: object) -> bool:
        return isinstance(url, str) and (url in self.keys or canonical_url(url) in self.keys)


def _summary(problems: list[str]) -> str | None:
    if not problems:
        return None
    shown = "; ".join(problems[:_SHOWN_ERRORS])
    more = len(problems) - _SHOWN_ERRORS
    return f"{shown} (and {more} more)" if more > 0 else shown


class Collector:
    """Polls the due sources of ``store``; see the module docstring."""

    def __init__(
        self, settings: Settings, store: Store, pipeline: PipelineArg, collect: CollectFn,
        *, concurrency: int = 4, poll_interval: float = 5.0,
    ) -> None:  # fmt: skip
        self.settings, self.store, self.collect = settings, store, collect
        self.directory = SourceDirectory(store)
        self.syndication = Syndication(store)
        self.concurrency, self.poll_interval = max(1, concurrency), poll_interval
        self._pipeline = pipeline
        self._analysis_lock = threading.Lock()  # one spaCy batch at a time, across worker threads
        self._writes: set[asyncio.Future[PollOutcome]] = set()

    def pipeline(self) -> Analyser:
        if not hasattr(self._pipeline, "analyze_many"):
            self._pipeline = self._pipeline()  # type: ignore[operator]  # a factory: load on first use
        return self._pipeline  # type: ignore[return-value]

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until ``stop`` is set; returns once in-flight work is cancelled or finished."""
        running: dict[int, asyncio.Task[PollOutcome | None]] = {}
        stopper = asyncio.ensure_future(stop.wait())
        log.info("collector started")
        try:
            while not stop.is_set():
                await self._start_due(running)
                timeout = await self._idle_time(set(running))
                await asyncio.wait([*running.values(), stopper], timeout=timeout,
                                   return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
                for source_id, task in list(running.items()):
                    if task.done():
                        del running[source_id]
        finally:
            stopper.cancel()
            for task in running.values():
                task.cancel()
            await asyncio.gather(*running.values(), return_exceptions=True)
            # A batch already handed to the worker thread is finished, not abandoned mid-write.
            await asyncio.gather(*self._writes, return_exceptions=True)
            log.info("collector stopped")

    async def _start_due(self, running: dict[int, asyncio.Task[PollOutcome | None]]) -> None:
        free = self.concurrency - len(running)
        if free <= 0:
            return
        try:
            due = await asyncio.to_thread(self.directory.due, None, free + len(running))
        except Exception:  # the database may be briefly unavailable: try again next turn
            log.exception("could not read the due sources")
            return
        for source in due:
            if source.id not in running and len(running) < self.concurrency:
                running[source.id] = asyncio.create_task(self._guarded(source))

    async def _idle_time(self, running: set[int]) -> float:
        try:
            upcoming = await asyncio.to_thread(self.directory.next_due_at, running)
        except Exception:
            log.exception("could not read the next due time")
            return self.poll_interval
        if upcoming is None:
            return self.poll_interval
        wait = (upcoming - datetime.now(UTC)).total_seconds()
        if len(running) >= self.concurrency:
            return self.poll_interval  # full: only a finishing poll (which wakes us) frees a slot
        return min(self.poll_interval, max(wait, 0.0))

    async def _guarded(self, source: SourceState) -> PollOutcome | None:
        try:
            return await self.poll(source)
        except asyncio.CancelledError:
            raise
        except Exception:  # poll() records its own failures; this is the last line of defence
            log.exception("poll of source %s (%s) failed", source.id, source.url)
            return None

    async def poll(self, source: SourceState) -> PollOutcome:
        """Collect, analyse and store one source, and record the poll; never raises for a failure."""
        try:
            seen = await asyncio.to_thread(self._seen, source.id)
            result = await self.collect(source, seen)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            outcome = PollOutcome(source.id, source.url, "error", error=f"{type(exc).__name__}: {exc}")
            log.warning("source %s (%s): %s", source.id, source.url, outcome.error)
            await asyncio.to_thread(self._record, outcome, None, keep=True)
            return outcome
        # Shielded: a stop during the write lets the thread finish its transactions and the log.
        work = asyncio.ensure_future(asyncio.to_thread(self._store_result, source, result))
        self._writes.add(work)
        work.add_done_callback(self._writes.discard)
        return await asyncio.shield(work)

    def _seen(self, source_id: int) -> _SeenUrls:
        with self.store.session() as session:
            rows = session.execute(
                select(ArticleRow.canonical_url, ArticleRow.url).where(ArticleRow.source_id == source_id)
            )
            return _SeenUrls({u for pair in rows for u in pair if u})

    def _store_result(self, source: SourceState, result: CollectResult) -> PollOutcome:
        if result.not_modified:
            outcome = PollOutcome(source.id, source.url, "not_modified")
            self._record(outcome, result, keep=False)
            return outcome
        problems = [str(e) for e in result.errors]
        # The source itself failed (not just some of its pages): nothing found, only errors.
        found = bool(result.entries or result.articles)
        failed_source = not result.kind or (not found and bool(result.errors))
        outcome = PollOutcome(source.id, source.url, "error" if failed_source else "ok")
        outcome.failed = len(result.errors) if not failed_source else 0
        for error in result.errors:
            self._keep_bad_input(error)
        if result.articles:
            problems += self._save(source, result.articles, outcome)
        outcome.error = _summary(problems)
        # Keep the old validators unless everything worked: a 304 must not hide what failed.
        self._record(outcome, result, keep=bool(problems))
        log.info("source %s (%s): %s, %d new, %d updated, %d failed", source.id, source.url,
                 outcome.status, outcome.created, outcome.updated, outcome.failed)  # fmt: skip
        return outcome

    def _record(self, outcome: PollOutcome, result: CollectResult | None, *, keep: bool) -> None:
        self.directory.record_fetch(
            outcome.source_id, outcome.status, articles=outcome.created, error=outcome.error,
            etag=result.etag if result else None, last_modified=result.last_modified if result else None,
            keep_validators=keep,
        )  # fmt: skip

    def _save(self, source: SourceState, articles: list[Article], outcome: PollOutcome) -> list[str]:
        problems: list[str] = []
        with self._analysis_lock:
            analyses = self._analyse(articles, problems, outcome)
        for analysis in analyses:
            name = analysis.article.url or analysis.article.id
            try:
                saved = self.store.save_analysis(analysis, source=source.url)
            except Exception as exc:  # one article's failure must not lose the others
                outcome.failed += 1
                problems.append(f"{name}: not stored: {exc}")
                self._keep_bad_input(IngestError(name, f"not stored: {exc}", raw=analysis.article.raw))
                continue
            outcome.article_ids.append(saved.article_id)
            outcome.created += saved.created
            outcome.updated += not saved.created
        try:
            self.syndication.assign(outcome.article_ids)
        except Exception as exc:  # clusters are derived data: the articles are safe, say so and go on
            log.exception("syndication clustering failed for source %s", source.id)
            problems.append(f"syndication clustering failed: {exc}")
        return problems

    def _analyse(self, articles: list[Article], problems: list[str], outcome: PollOutcome) -> list[Analysis]:
        pipeline = self.pipeline()
        try:
            return list(pipeline.analyze_many(articles, batch_size=self.settings.batch_size))
        except Exception:
            log.exception("batch analysis failed; analysing one article at a time")
        done: list[Analysis] = []
        for article in articles:  # find the article that breaks the batch, keep the rest
            try:
                done.extend(pipeline.analyze_many([article], batch_size=1))
            except Exception as exc:
                outcome.failed += 1
                name = article.url or article.id
                problems.append(f"{name}: analysis failed: {exc}")
                self._keep_bad_input(IngestError(name, f"analysis failed: {exc}", raw=article.raw))
        return done

    def _keep_bad_input(self, error: IngestError) -> None:
        """Keep a failed page's bytes once per (page, problem): a feed re-lists it every poll."""
        if error.raw is None:
            return  # a network error: nothing to re-process later
        self.store.keep_bad_input(error.input, error.raw, error.problem)


async def run_collector(
    settings: Settings, store: Store, pipeline: PipelineArg, stop: asyncio.Event,
    collect: CollectFn | None = None, *, concurrency: int = 4, poll_interval: float = 5.0,
) -> None:  # fmt: skip
    """Poll the due sources of ``store`` until ``stop`` is set (see :class:`Collector`).

    Without ``collect`` a polite :class:`Fetcher` built from ``settings`` is used and closed here."""
    if collect is not None:
        await Collector(settings, store, pipeline, collect, concurrency=concurrency,
                        poll_interval=poll_interval).run(stop)  # fmt: skip
        return
    async with Fetcher(settings) as fetcher:
        await Collector(settings, store, pipeline, fetching_collect(fetcher), concurrency=concurrency,
                        poll_interval=poll_interval).run(stop)  # fmt: skip


class CollectorStop(threading.Event):
    """A :class:`threading.Event` whose :meth:`set`, from any thread or a signal handler, also
    wakes the collector's event loop at once."""

    def __init__(self) -> None:
        super().__init__()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._event: asyncio.Event | None = None

    def bind(self, loop: asyncio.AbstractEventLoop, event: asyncio.Event) -> None:
        self._loop, self._event = loop, event
        if self.is_set():
            loop.call_soon_threadsafe(event.set)

    def set(self) -> None:
        super().set()
        loop, event = self._loop, self._event
        if loop is not None and event is not None:
            try:
                loop.call_soon_threadsafe(event.set)
            except RuntimeError:
                pass  # the loop has already finished


def start_collector_thread(
    settings: Settings, *, collect: CollectFn | None = None, concurrency: int = 4, poll_interval: float = 5.0,
) -> tuple[threading.Thread, CollectorStop]:  # fmt: skip
    """Run the collector in a background thread with its own event loop and :class:`Store`.

    The spaCy pipeline is loaded on the first article, so a start with nothing due is instant.
    ``stop.set()`` ends it; join the thread to wait until its last write has finished."""
    stop = CollectorStop()

    async def main() -> None:
        from blocwatch.nlp.pipeline import pipeline_for_settings

        event = asyncio.Event()
        stop.bind(asyncio.get_running_loop(), event)
        store = Store(settings.database_url)
        try:
            load = lambda: pipeline_for_settings(settings)  # noqa: E731
            await run_collector(settings, store, load, event, collect, concurrency=concurrency,
                                poll_interval=poll_interval)  # fmt: skip
        finally:
            store.close()

    def target() -> None:
        try:
            asyncio.run(main())
        except Exception:  # e.g. the database cannot be opened: say so, the site keeps serving
            log.exception("the collector stopped on an error")

    thread = threading.Thread(target=target, name="blocwatch-collector", daemon=True)
    thread.start()
    return thread, stop


@contextmanager
def collector_running(
    settings: Settings, *, join_timeout: float = 30.0, collect: CollectFn | None = None,
    concurrency: int = 4, poll_interval: float = 5.0,
) -> Iterator[CollectorStop]:  # fmt: skip
    """The collector in a background thread for the duration of the block.

    SIGINT and SIGTERM set the stop event and then end the block (KeyboardInterrupt, or SystemExit
    with status 128 + signal number); on the way out the collector is stopped and joined.  A server
    run inside the block (uvicorn) installs its own handlers while it runs and re-raises the signal
    after its own clean shutdown, which lands here: both stop cleanly, the site first."""
    thread, stop = start_collector_thread(settings, collect=collect, concurrency=concurrency,
                                          poll_interval=poll_interval)  # fmt: skip
    previous: dict[signal.Signals, Any] = {}

    def on_signal(signum: int, _frame: object) -> None:
        stop.set()
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        raise SystemExit(128 + signum)

    if threading.current_thread() is threading.main_thread():  # handlers can only be set there
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, on_signal)
    try:
        yield stop
    finally:
        stop.set()
        thread.join(join_timeout)
        if thread.is_alive():
            log.warning("the collector did not stop within %.0f s", join_timeout)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
