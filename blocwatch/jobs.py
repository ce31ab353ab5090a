"""Jobs that tie the stages together: read inputs, understand them, store the results.

The CLI and the collector call these; they hold no I/O policy of their own beyond reporting
progress through a callback, so they can be driven from tests, the CLI's progress bar or a
background task alike.

Resuming: every article is stored in its own transaction as soon as it is analysed, so a run
killed at any moment (even ``kill -9``) leaves whole articles or nothing.  Running the same
command again resumes it: an input whose article is already stored from the very same input
bytes (same id, same text, same raw input, analysis complete) is skipped *before* the model
runs, which costs one indexed lookup instead of an analysis.  ``reanalyse=True`` turns the skip
off (new dictionaries or model: re-analyse everything; ``blocwatch reprocess`` does the same
from the stored bytes).  Syndication clusters are assigned every :data:`SYNDICATION_BATCH`
stored articles rather than once at the end, so a killed run keeps the clusters of what it
stored, the restart only fingerprints what is new (stored fingerprints are reused), and the
ids waiting for clustering never grow with the input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from blocwatch.ingest import IngestError, read_inputs
from blocwatch.nlp.pipeline import Pipeline
from blocwatch.records import Analysis, AnalysisFailure, Article
from blocwatch.settings import Settings
from blocwatch.store import Store
from blocwatch.store.models import ArticleRow, decompress
from blocwatch.store.syndication import Syndication

__all__ = ["SYNDICATION_BATCH", "IngestSummary", "already_stored", "ingest"]

SYNDICATION_BATCH = 256


@dataclass(slots=True)
class IngestSummary:
    """What an ingest run did; ``errors`` are "<input>: <problem>" lines.

    ``updated`` counts every article that was already stored; ``skipped`` is the part of those
    that were stored from the identical input and so were not analysed again."""

    read: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    article_ids: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        unchanged = f" ({self.skipped} unchanged, not re-analysed)" if self.skipped else ""
        return (
            f"{self.read} article(s) read: {self.created} new, {self.updated} updated{unchanged}, "
            f"{self.failed} failed"
        )


def already_stored(store: Store, article: Article) -> bool:
    """Whether ``article`` is stored, fully analysed, from exactly this input (id, text, raw bytes)."""
    with store.session() as session:
        found = session.execute(
            select(ArticleRow.content_hash, ArticleRow.raw, ArticleRow.analysed_at)
            .where(ArticleRow.id == article.id)
        ).first()  # fmt: skip
    if found is None or found.analysed_at is None or found.content_hash != article.content_hash:
        return False
    # Same text but other input bytes (a new title, date or URL in the page) must be re-read.
    return article.raw is None or decompress(found.raw) == article.raw


class _Clustering:
    """Syndication assignment in batches of stored article ids (see the module docstring)."""

    def __init__(self, store: Store) -> None:
        self.syndication = Syndication(store)
        self.pending: list[str] = []

    def add(self, article_id: str) -> None:
        self.pending.append(article_id)
        if len(self.pending) >= SYNDICATION_BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            self.syndication.assign(self.pending)
            self.pending = []


def _articles(
    inputs: Sequence[str], settings: Settings, store: Store, summary: IngestSummary,
    on_item: Callable[[str], None] | None, clustering: _Clustering, reanalyse: bool,
) -> Iterator[Article]:
    for item in read_inputs(inputs, settings):
        if isinstance(item, IngestError):
            summary.failed += 1
            summary.errors.append(str(item))
            # The raw input is kept so that a later version can re-process it; once per input
            # (a JSON line is named with its line number) and problem, so a resumed run over a
            # big file does not keep its bad lines twice.
            store.keep_bad_input(item.where, item.raw, item.problem)
            if on_item:
                on_item(item.input)
            continue
        summary.read += 1
        if not reanalyse and already_stored(store, item):
            # A resumed (or repeated) run: the stored analysis came from these very bytes.
            summary.updated += 1
            summary.skipped += 1
            summary.article_ids.append(item.id)
            clustering.add(item.id)
            if on_item:
                on_item(item.input_name or item.url or item.id)
            continue
        yield item


def ingest(
    inputs: Sequence[str],
    settings: Settings,
    store: Store,
    pipeline: Pipeline,
    on_item: Callable[[str], None] | None = None,
    *,
    reanalyse: bool = False,
) -> IngestSummary:
    """Read every input, analyse each new article and store it (idempotently); never stops on one
    bad input.  Articles already stored from the same input are skipped unless ``reanalyse``."""
    summary = IngestSummary()
    clustering = _Clustering(store)
    articles = _articles(inputs, settings, store, summary, on_item, clustering, reanalyse)
    analyses: Iterable[Analysis | AnalysisFailure] = pipeline.analyze_each(
        articles, batch_size=settings.batch_size, workers=settings.workers
    )
    for analysis in analyses:
        name = analysis.article.input_name or analysis.article.url or analysis.article.id
        if isinstance(analysis, AnalysisFailure):  # the pipeline broke on this one article
            summary.failed += 1
            summary.errors.append(f"{name}: {analysis.problem}")
            store.keep_bad_input(name, analysis.article.raw, analysis.problem)
            if on_item:
                on_item(name)
            continue
        try:
            result = store.save_analysis(analysis, source=analysis.article.source)
        except Exception as exc:  # one article's failure must not lose the batch
            summary.failed += 1
            summary.errors.append(f"{name}: not stored: {exc}")
            store.keep_bad_input(name, analysis.article.raw, f"not stored: {exc}")
        else:
            summary.article_ids.append(result.article_id)
            # Near-duplicates across sources are recorded as syndication clusters, never dropped.
            clustering.add(result.article_id)
            if result.created:
                summary.created += 1
            else:
                summary.updated += 1
        if on_item:
            on_item(name)
    clustering.flush()
    return summary
