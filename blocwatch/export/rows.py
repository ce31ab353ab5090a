"""The read side of exports: one streaming query per table, rows as plain dicts.

Every export format reads through :func:`stream_rows`, which runs ONE ``SELECT`` per export and
hands rows over as they arrive, whatever the row count:

* the statement is executed with ``yield_per`` on a Core connection.  On PostgreSQL (psycopg 3)
  that opens a server-side (named) cursor and fetches ``batch_size`` rows at a time; on SQLite
  the pysqlite cursor already steps through the result lazily.  Either way memory is bounded by
  one batch, not by the table, and there is no ``LIMIT`` anywhere;
* rows come in primary-key order, so two exports of an unchanged database are byte-identical;
* the columns each table exports (and their types, which the CSV, JSON-lines and Parquet writers
  share) are declared once in :data:`COLUMNS`.

Filters (:class:`ExportFilter`) are applied in SQL.  A row's *day* is the article's publication
date, or the day it was ingested when the page gave none; an event's day is its own date when
that is a full ``YYYY-MM-DD``; a partial date (``2024-05``) takes the article's day when that
falls inside it and the period's first day otherwise; an undated event takes the article's
day.  ``since``/``until`` are inclusive.  ``actor`` keeps events with that actor as source or
target, mentions resolved to it, quotes it spoke and articles that mention it.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, Select, String, and_, case, cast, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from blocwatch.store.models import (
    ActorRow,
    ArticleActorRow,
    ArticleRow,
    EventRow,
    MentionRow,
    QuoteRow,
    SourceRow,
)

__all__ = ["COLUMNS", "TABLES", "Column", "ExportFilter", "stream_rows"]

TABLES = ("events", "articles", "mentions", "quotes")


@dataclass(frozen=True, slots=True)
class Column:
    """An exported column; ``kind`` is int | float | str | bool | date | datetime | list."""

    name: str
    kind: str


@dataclass(frozen=True, slots=True)
class ExportFilter:
    """What to export: rows whose day is within ``since``..``until`` (inclusive), of ``actor``."""

    since: date | None = None
    until: date | None = None
    actor: str | None = None


def _cols(spec: str) -> tuple[Column, ...]:
    return tuple(Column(*item.split(":")) for item in spec.split())


_ARTICLE_REF = "article_url:str article_title:str published:date ingested_at:datetime"
COLUMNS: dict[str, tuple[Column, ...]] = {
    "events": _cols(
        "id:int article_id:str position:int day:date event_date:str "
        "source_actor_id:str source_name:str source_kind:str source_country:str source_sector:str "
        "source_cameo:str target_actor_id:str target_name:str target_kind:str target_country:str "
        "target_sector:str target_cameo:str plover:str cameo:str quad_class:int intensity:float tone:float "
        "negated:bool hypothetical:bool location:str trigger:str sentence:str sentence_index:int "
        f"sentence_start:int sentence_end:int {_ARTICLE_REF}"
    ),
    "articles": _cols(
        "id:str url:str canonical_url:str title:str published:date day:date authors:list "
        "language:str source_name:str source_url:str text:str content_hash:str raw_type:str "
        "ingested_at:datetime analysed_at:datetime tone:float"
    ),
    "mentions": _cols(
        "id:int article_id:str day:date sentence_index:int start:int end:int text:str label:str "
        f"actor_id:str actor_name:str actor_kind:str actor_country:str {_ARTICLE_REF}"
    ),
    "quotes": _cols(
        "id:int article_id:str day:date speaker:str speaker_actor_id:str speaker_name:str "
        "affiliation:str content:str start:int end:int direct:bool cue:str sentence_index:int "
        f"{_ARTICLE_REF}"
    ),
}


def _article_day() -> ColumnElement[Any]:
    # Dates render as YYYY-MM-DD on both back ends; timestamps start with the day.
    ingested = func.substr(cast(ArticleRow.ingested_at, String), 1, 10)
    return func.coalesce(cast(ArticleRow.published, String), ingested)


def _event_day() -> ColumnElement[Any]:
    """The event's day: its full date; for a partial one ("2024-04") the article's day when that
    falls inside it, else the period's first day; with no date the article's day."""
    e, article_day = EventRow.event_date, _article_day()
    size = func.length(e)
    return case(
        (size == 10, e),
        (and_(size.in_((4, 7)), func.substr(article_day, 1, size) == e), article_day),
        (size == 7, e.concat("-01")),
        (size == 4, e.concat("-01-01")),
        else_=article_day,
    )


def _article_ref() -> list[Any]:
    return [
        func.coalesce(ArticleRow.canonical_url, ArticleRow.url).label("article_url"),
        ArticleRow.title.label("article_title"),
        ArticleRow.published.label("published"),
        ArticleRow.ingested_at.label("ingested_at"),
    ]


def _actor_cols(row: Any, prefix: str) -> list[Any]:
    return [
        row.name.label(f"{prefix}_name"),
        row.kind.label(f"{prefix}_kind"),
        row.country.label(f"{prefix}_country"),
    ]


def _events(f: ExportFilter) -> tuple[Select[Any], ColumnElement[Any]]:
    src, tgt = aliased(ActorRow), aliased(ActorRow)
    day = _event_day()
    e = EventRow
    stmt = (
        select(
            e.id, e.article_id, e.position, day.label("day"), e.event_date,
            e.source_actor_id, *_actor_cols(src, "source"), src.sector.label("source_sector"),
            e.source_cameo, e.target_actor_id, *_actor_cols(tgt, "target"),
            tgt.sector.label("target_sector"), e.target_cameo, e.plover, e.cameo, e.quad_class,
            e.intensity, e.tone, e.negated, e.hypothetical, e.location, e.trigger, e.sentence,
            e.sentence_index, e.sentence_start, e.sentence_end, *_article_ref(),
            # Not exported as columns of the events table; the GDELT and PLOVER writers use them.
            src.cameo.label("source_actor_cameo"), tgt.cameo.label("target_actor_cameo"),
            src.role.label("source_role"), tgt.role.label("target_role"),
            ArticleRow.language.label("language"), ArticleRow.tone.label("article_tone"),
        )
        .join(ArticleRow, ArticleRow.id == e.article_id)
        .outerjoin(src, src.id == e.source_actor_id)
        .outerjoin(tgt, tgt.id == e.target_actor_id)
        .order_by(e.id)
    )
    if f.actor:
        stmt = stmt.where(or_(e.source_actor_id == f.actor, e.target_actor_id == f.actor))
    return stmt, day


def _articles(f: ExportFilter) -> tuple[Select[Any], ColumnElement[Any]]:
    a, day = ArticleRow, _article_day()
    stmt = (
        select(
            a.id, a.url, a.canonical_url, a.title, a.published, day.label("day"), a.authors,
            a.language, SourceRow.name.label("source_name"), SourceRow.url.label("source_url"),
            a.text, a.content_hash, a.raw_type, a.ingested_at, a.analysed_at, a.tone,
        )
        .outerjoin(SourceRow, SourceRow.id == a.source_id)
        .order_by(a.id)
    )
    if f.actor:
        stmt = stmt.where(
            exists().where(and_(ArticleActorRow.article_id == a.id, ArticleActorRow.actor_id == f.actor))
        )
    return stmt, day


def _mentions(f: ExportFilter) -> tuple[Select[Any], ColumnElement[Any]]:
    m, day = MentionRow, _article_day()
    stmt = (
        select(
            m.id, m.article_id, day.label("day"), m.sentence_index, m.start, m.end, m.text, m.label,
            m.actor_id, *_actor_cols(ActorRow, "actor"), *_article_ref(),
        )
        .join(ArticleRow, ArticleRow.id == m.article_id)
        .outerjoin(ActorRow, ActorRow.id == m.actor_id)
        .order_by(m.id)
    )
    if f.actor:
        stmt = stmt.where(m.actor_id == f.actor)
    return stmt, day


def _quotes(f: ExportFilter) -> tuple[Select[Any], ColumnElement[Any]]:
    q, day = QuoteRow, _article_day()
    stmt = (
        select(
            q.id, q.article_id, day.label("day"), q.speaker, q.speaker_actor_id,
            ActorRow.name.label("speaker_name"), q.affiliation, q.content, q.start, q.end, q.direct,
            q.cue, q.sentence_index, *_article_ref(),
        )
        .join(ArticleRow, ArticleRow.id == q.article_id)
        .outerjoin(ActorRow, ActorRow.id == q.speaker_actor_id)
        .order_by(q.id)
    )
    if f.actor:
        stmt = stmt.where(q.speaker_actor_id == f.actor)
    return stmt, day


_BUILDERS = {"events": _events, "articles": _articles, "mentions": _mentions, "quotes": _quotes}


def statement(table: str, filters: ExportFilter | None = None) -> Select[Any]:
    """The SELECT that exports ``table`` under ``filters`` (unbounded, primary-key order)."""
    if table not in _BUILDERS:
        raise ValueError(f"unknown table {table!r} (want one of: {', '.join(TABLES)})")
    f = filters or ExportFilter()
    stmt, day = _BUILDERS[table](f)
    if f.since is not None:
        stmt = stmt.where(day >= f.since.isoformat())
    if f.until is not None:
        stmt = stmt.where(day <= f.until.isoformat())
    return stmt


def _normal(row: dict[str, Any]) -> dict[str, Any]:
    for key, value in row.items():
        if isinstance(value, datetime) and value.tzinfo is None:
            row[key] = value.replace(tzinfo=UTC)  # SQLite hands back naive datetimes; we write UTC
    day = row.get("day")
    if isinstance(day, str):
        try:
            row["day"] = date.fromisoformat(day[:10])
        except ValueError:
            row["day"] = None
    return row


def stream_rows(
    engine: Engine, table: str, filters: ExportFilter | None = None, *, batch_size: int = 1000
) -> Generator[dict[str, Any], None, None]:
    """Every row of ``table`` passing ``filters``, streamed ``batch_size`` rows at a time."""
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    stmt = statement(table, filters)
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=batch_size).execute(stmt)
        for row in result.mappings():
            yield _normal(dict(row))
