"""Re-processing: extraction and understanding again, from the stored raw bytes, without refetching.

Every stored article keeps the bytes it was read from (``articles.raw``, zlib-compressed, with
``raw_type`` html | text | json).  :func:`reprocess` reads them back (:meth:`Store.get_raw`),
extracts the article again with today's extractor, analyses it with today's pipeline and saves
it over the old one through the store's idempotent writer.  The article keeps its id, URL and
source, so links to it stay valid; its text, sections, mentions, quotes and events are replaced,
and its syndication cluster is re-checked (the text may have changed).

Articles are read ``batch`` ids at a time, so "all of them" never loads the whole table.  One
article's failure (bytes that no longer extract, a text that now duplicates another article) is
counted and reported, and the run goes on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from sqlalchemy import select

from blocwatch.ingest import sniff
from blocwatch.ingest.errors import IngestError
from blocwatch.records import AnalysisFailure, Article
from blocwatch.settings import Settings
from blocwatch.store import Store
from blocwatch.store.models import ArticleRow, SourceRow
from blocwatch.store.syndication import Syndication

__all__ = ["ReprocessSummary", "extract_stored", "reprocess"]


@dataclass(slots=True)
class ReprocessSummary:
    """What a re-processing run did; ``errors`` are "<article id>: <problem>" lines."""

    done: int = 0
    changed: int = 0  # articles whose text came out different
    failed: int = 0
    missing: int = 0  # ids not stored, or stored without raw bytes
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"{self.done} article(s) re-processed ({self.changed} with a changed text), "
            f"{self.failed} failed, {self.missing} without stored raw bytes"
        )


def extract_stored(raw: bytes, raw_type: str | None, *, url: str | None, input_name: str | None,
                   settings: Settings) -> Article:
    """The article in ``raw`` as the ingest stage of ``raw_type`` reads it; raises IngestError."""
    name = input_name or url or "<stored>"
    if raw_type == "html":
        from blocwatch.ingest.html import extract_html

        return extract_html(raw, url=url, input_name=name)
    if raw_type == "text":
        from blocwatch.ingest.textpage import parse_text_page

        try:
            article = parse_text_page(sniff.decode_text(raw), input_name=name)
        except sniff.DecodeError as exc:
            raise IngestError(name, str(exc), raw=raw) from None
        article.url = url
        return article
    if raw_type == "json":
        from blocwatch.ingest.jsonl import record_to_article

        try:
            record = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise IngestError(name, f"stored JSON record does not parse: {exc}", raw=raw) from None
        return record_to_article(record, raw=raw, input_name=name)
    # Unknown type (an older row): let the file reader sniff the bytes.
    from blocwatch.ingest.files import read_bytes

    for item in read_bytes(raw, name, settings, url=url):
        if isinstance(item, IngestError):
            raise item
        return item
    raise IngestError(name, "stored bytes hold no article", raw=raw)


def _ids(store: Store, ids: Sequence[str] | None, batch: int) -> Iterator[list[str]]:
    if ids is not None:
        unique = list(dict.fromkeys(ids))
        for start in range(0, len(unique), batch):
            yield unique[start : start + batch]
        return
    after = ""
    while True:
        with store.session() as session:
            chunk = list(session.scalars(
                select(ArticleRow.id).where(ArticleRow.id > after).order_by(ArticleRow.id).limit(batch)
            ))  # fmt: skip
        if not chunk:
            return
        yield chunk
        after = chunk[-1]


def reprocess(
    settings: Settings, store: Store, pipeline: object, ids: Sequence[str] | None = None, *,
    batch: int = 64, on_item: Callable[[str], None] | None = None,
) -> ReprocessSummary:  # fmt: skip
    """Re-extract and re-analyse the stored articles ``ids`` (all when None); see the module docstring."""
    summary = ReprocessSummary()
    syndication = Syndication(store)
    # Any object with the Pipeline's methods; analyze_each keeps one article's failure local.
    analyze_many = getattr(pipeline, "analyze_each", None) or getattr(pipeline, "analyze_many")  # noqa: B009
    for chunk in _ids(store, ids, batch):
        with store.session() as session:
            rows = {
                r.id: r for r in session.execute(
                    select(ArticleRow.id, ArticleRow.url, ArticleRow.canonical_url, ArticleRow.input_name,
                           ArticleRow.content_hash, SourceRow.url.label("source"))
                    .outerjoin(SourceRow, SourceRow.id == ArticleRow.source_id)
                    .where(ArticleRow.id.in_(chunk))
                )
            }  # fmt: skip
        articles: list[Article] = []
        changed: set[str] = set()
        for article_id in chunk:
            row, stored = rows.get(article_id), store.get_raw(article_id)
            if row is None or stored is None:
                summary.missing += 1
                summary.errors.append(f"{article_id}: {'not stored' if row is None else 'no raw bytes kept'}")
                continue
            raw, raw_type = stored
            try:
                article = extract_stored(raw, raw_type, url=row.url or row.canonical_url,
                                         input_name=row.input_name, settings=settings)  # fmt: skip
            except IngestError as exc:
                summary.failed += 1
                summary.errors.append(f"{article_id}: {exc.problem}")
                continue
            # The same article as before, only re-read: keep what identifies it.
            article.id, article.url = row.id, row.url or article.url
            article.canonical_url = row.canonical_url or article.canonical_url
            article.source, article.raw, article.raw_type = row.source, raw, raw_type or article.raw_type
            article.input_name = row.input_name or article.input_name
            if article.content_hash != row.content_hash:
                changed.add(article.id)
            articles.append(article)
        saved: list[str] = []
        for analysis in analyze_many(articles, batch_size=settings.batch_size, workers=settings.workers):
            if isinstance(analysis, AnalysisFailure):  # the stored facts stay as they were
                summary.failed += 1
                summary.errors.append(f"{analysis.article.id}: {analysis.problem}")
                if on_item:
                    on_item(analysis.article.id)
                continue
            try:
                store.save_analysis(analysis, source=analysis.article.source)
            except Exception as exc:  # e.g. the new text duplicates another stored article
                summary.failed += 1
                summary.errors.append(f"{analysis.article.id}: not stored: {exc}")
            else:
                summary.done += 1
                summary.changed += analysis.article.id in changed
                saved.append(analysis.article.id)
            if on_item:
                on_item(analysis.article.id)
        syndication.assign(saved)
    return summary
