"""Jobs that tie the stages together: read inputs, understand them, store the results.

The CLI and the collector call these; they hold no I/O policy of their own beyond reporting
progress through a callback, so they can be driven from tests, the CLI's progress bar or a
background task alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from blocwatch.ingest import IngestError, read_inputs
from blocwatch.nlp.pipeline import Pipeline
from blocwatch.records import Analysis, Article
from blocwatch.settings import Settings
from blocwatch.store import Store
from blocwatch.store.syndication import Syndication

__all__ = ["IngestSummary", "ingest"]


@dataclass(slots=True)
class IngestSummary:
    """What an ingest run did; ``errors`` are "<input>: <problem>" lines."""

    read: int = 0
    created: int = 0
    updated: int = 0
    failed: int = 0
    article_ids: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.read} article(s) read: {self.created} new, {self.updated} updated, "
            f"{self.failed} failed"
        )


def _articles(
    inputs: Sequence[str], settings: Settings, store: Store, summary: IngestSummary,
    on_item: Callable[[str], None] | None,
) -> Iterator[Article]:
    for item in read_inputs(inputs, settings):
        if isinstance(item, IngestError):
            summary.failed += 1
            summary.errors.append(str(item))
            # The raw input is kept so that a later version can re-process it.
            store.save_bad_input(item.input, item.raw, item.problem)
            if on_item:
                on_item(item.input)
            continue
        summary.read += 1
        yield item


def ingest(
    inputs: Sequence[str],
    settings: Settings,
    store: Store,
    pipeline: Pipeline,
    on_item: Callable[[str], None] | None = None,
) -> IngestSummary:
    """Read every input, analyse each article and store it (idempotently); never stops on one bad input."""
    summary = IngestSummary()
    articles = _articles(inputs, settings, store, summary, on_item)
    analyses: Iterable[Analysis] = pipeline.analyze_many(articles, batch_size=settings.batch_size)
    for analysis in analyses:
        name = analysis.article.input_name or analysis.article.url or analysis.article.id
        try:
            result = store.save_analysis(analysis, source=analysis.article.source)
        except Exception as exc:  # one article's failure must not lose the batch
            summary.failed += 1
            summary.errors.append(f"{name}: not stored: {exc}")
            store.save_bad_input(name, analysis.article.raw, f"not stored: {exc}")
        else:
            summary.article_ids.append(result.article_id)
            if result.created:
                summary.created += 1
            else:
                summary.updated += 1
        if on_item:
            on_item(name)
    # Near-duplicates across sources are recorded as syndication clusters, never dropped.
    Syndication(store).assign(summary.article_ids)
    return summary
