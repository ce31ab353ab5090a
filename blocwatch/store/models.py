"""The store's tables as SQLAlchemy 2 typed declarative models.

The schema itself is created ONLY by the Alembic migrations in ``migrations/versions``; these
classes describe the same tables for the ORM and for the test that compares the migrated database
with them (``alembic.autogenerate.compare_metadata``).  Change both together.

Layout: an ``articles`` row owns its ``sections``, ``mentions``, ``quotes``, ``events`` and
``article_actors`` rows (``ON DELETE CASCADE``), which are replaced as a whole when the article is
re-analysed.  ``event_days`` sums the events per pair and day for the timelines and is kept in
step by the writer (blocwatch/store/event_days.py).  ``actors`` is shared by all articles and
upserted.  ``article_actors`` is a small denormalised index (actor, article, mention count) that
makes "articles of this actor", "related articles" and "actors by mentions" single indexed
queries instead of scans of ``mentions``.

Raw input bytes (``articles.raw`` and ``raw_inputs.raw``) are stored zlib-compressed
(:func:`compress` / :func:`decompress`): HTML compresses 5-10x and is only read for re-processing.
"""

from __future__ import annotations

import zlib
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "ActorRow",
    "ArticleActorRow",
    "ArticleFingerprintRow",
    "ArticleRow",
    "ArticleVectorRow",
    "Base",
    "EventDayRow",
    "EventPeriodRow",
    "EventRow",
    "FetchLogRow",
    "MentionRow",
    "QuoteRow",
    "RawInputRow",
    "SectionRow",
    "SourceRow",
    "SyndicationClusterRow",
    "compress",
    "decompress",
]

# Named constraints, so a later migration can drop or alter them by name on every back end.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def compress(raw: bytes | None) -> bytes | None:
    return None if raw is None else zlib.compress(raw, 6)


def decompress(stored: bytes | None) -> bytes | None:
    return None if stored is None else zlib.decompress(stored)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: dict[Any, Any] = {
        datetime: DateTime(timezone=True),
        date: Date(),
        str: Text(),
        bytes: LargeBinary(),
    }


def _article_fk() -> Any:
    return ForeignKey("articles.id", ondelete="CASCADE")


def _actor_fk() -> Any:
    return ForeignKey("actors.id", ondelete="SET NULL")


def _span_checks(start: str = "start", end: str = "end") -> list[CheckConstraint]:
    return [CheckConstraint(f'"{start}" >= 0 AND "{end}" >= "{start}"', name="span")]


class SourceRow(Base):
    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(300))
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="url")
    created_at: Mapped[datetime]
    last_fetched_at: Mapped[datetime | None]
    last_error: Mapped[str | None]
    # Polling state (migration 0002): NULL every_seconds means "never polled" (a source the
    # writer made up for an ingested page's site, or a local path).
    every_seconds: Mapped[int | None] = mapped_column(Integer)
    etag: Mapped[str | None]
    last_modified: Mapped[str | None]
    next_due_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (Index("ix_sources_next_due_at", "next_due_at"),)


class ActorRow(Base):
    __tablename__ = "actors"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str]
    kind: Mapped[str] = mapped_column(String(30))
    country: Mapped[str] = mapped_column(String(10), default="")
    sector: Mapped[str] = mapped_column(String(30), default="")
    role: Mapped[str] = mapped_column(default="")
    cameo: Mapped[str] = mapped_column(String(30), default="")


class ArticleRow(Base):
    __tablename__ = "articles"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    url: Mapped[str | None] = mapped_column(String(2000))
    # The identity URL (rel=canonical, else the fetched URL), normalised; NULL for local files.
    canonical_url: Mapped[str | None] = mapped_column(String(2000), unique=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(default="")
    published: Mapped[date | None]
    modified: Mapped[date | None]
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str]
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    raw: Mapped[bytes | None]  # zlib-compressed input bytes
    raw_type: Mapped[str | None] = mapped_column(String(20))
    input_name: Mapped[str | None]
    ingested_at: Mapped[datetime]
    analysed_at: Mapped[datetime | None]
    tone: Mapped[float | None] = mapped_column(Float)  # mean sentence tone, [-10, 10]; 0008
    __table_args__ = (
        Index("ix_articles_published", "published", "ingested_at"),
        Index("ix_articles_ingested_at", "ingested_at"),
        Index("ix_articles_source_id", "source_id"),
        Index("ix_articles_analysed_at", "analysed_at"),  # the page cache's watermark; 0009
        Index("ix_articles_id_content_hash", "id", "content_hash"),  # stale related vectors; 0009
    )


class RawInputRow(Base):
    __tablename__ = "raw_inputs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    input_name: Mapped[str]
    raw: Mapped[bytes | None]  # zlib-compressed
    problem: Mapped[str]
    created_at: Mapped[datetime]
    __table_args__ = (Index("ix_raw_inputs_created_at", "created_at"),)


class SectionRow(Base):
    __tablename__ = "sections"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(String(100), _article_fk())
    position: Mapped[int]
    heading: Mapped[str]
    start: Mapped[int]
    end: Mapped[int]
    __table_args__ = (
        Index("ix_sections_article_id", "article_id", "position"),
        *_span_checks(),
    )


class MentionRow(Base):
    __tablename__ = "mentions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(String(100), _article_fk())
    sentence_index: Mapped[int | None]
    start: Mapped[int]
    end: Mapped[int]
    text: Mapped[str]
    label: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[str | None] = mapped_column(String(200), _actor_fk())
    __table_args__ = (
        Index("ix_mentions_article_id", "article_id", "start"),
        Index("ix_mentions_actor_id", "actor_id"),
        *_span_checks(),
    )


class QuoteRow(Base):
    __tablename__ = "quotes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(String(100), _article_fk())
    speaker: Mapped[str]
    speaker_actor_id: Mapped[str | None] = mapped_column(String(200), _actor_fk())
    affiliation: Mapped[str | None]
    content: Mapped[str]
    start: Mapped[int]
    end: Mapped[int]
    direct: Mapped[bool] = mapped_column(Boolean)
    cue: Mapped[str] = mapped_column(default="")
    sentence_index: Mapped[int | None]
    __table_args__ = (
        Index("ix_quotes_article_id", "article_id", "start"),
        Index("ix_quotes_speaker_actor_id", "speaker_actor_id"),
        *_span_checks(),
    )


class EventRow(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = mapped_column(String(100), _article_fk())
    position: Mapped[int]
    source_actor_id: Mapped[str | None] = mapped_column(String(200), _actor_fk())
    target_actor_id: Mapped[str | None] = mapped_column(String(200), _actor_fk())
    source_cameo: Mapped[str] = mapped_column(String(30), default="")
    target_cameo: Mapped[str] = mapped_column(String(30), default="")
    plover: Mapped[str] = mapped_column(String(40))
    cameo: Mapped[str] = mapped_column(String(10))
    quad_class: Mapped[int]
    intensity: Mapped[float] = mapped_column(Float)
    negated: Mapped[bool] = mapped_column(Boolean, default=False)
    hypothetical: Mapped[bool] = mapped_column(Boolean, default=False)
    # ISO date, possibly partial ("2024", "2024-08", "2024-08-19"), so it sorts as text.
    event_date: Mapped[str | None] = mapped_column(String(10))
    location: Mapped[str | None]
    trigger: Mapped[str] = mapped_column(default="")
    sentence: Mapped[str]
    sentence_index: Mapped[int | None]
    sentence_start: Mapped[int]
    sentence_end: Mapped[int]
    tone: Mapped[float | None] = mapped_column(Float)  # evidence sentence tone, [-10, 10]; 0008
    # The day the timelines put the event on (blocwatch/store/event_days.py ``event_day`` of
    # ``event_date`` and the article's ``published``), written with the event; NULL: undated. 0010
    day: Mapped[date | None]
    day_approximate: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    __table_args__ = (
        # A pair's (or an actor's) events, of a period, newest first: timelines and the pair page's
        # list.  0010 replaced the (.., event_date) indexes, which no query ranged over.
        Index("ix_events_source_target_day", "source_actor_id", "target_actor_id", "day"),
        Index("ix_events_target_day", "target_actor_id", "day"),
        Index("ix_events_article_id", "article_id", "position"),
        Index("ix_events_plover", "plover"),  # the search form's event types; 0009
        CheckConstraint("quad_class BETWEEN 1 AND 4", name="quad_class"),
        CheckConstraint("intensity BETWEEN -10 AND 10", name="intensity"),
        *_span_checks("sentence_start", "sentence_end"),
    )


class EventDayRow(Base):
    """The events of one (source, target, day, quad class, negated, hypothetical, approximate):
    how many, and their summed intensity and tone.  Maintained by the writer in the events'
    transaction; ``''`` stands for no actor and 0001-01-01 for no day, so the key has no NULLs
    (why: blocwatch/store/event_days.py).  Migration 0010."""

    __tablename__ = "event_days"
    source_actor_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    target_actor_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    quad_class: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    negated: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    hypothetical: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    approximate: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    events: Mapped[int] = mapped_column(Integer)
    intensity_sum: Mapped[float] = mapped_column(Float)
    tone_sum: Mapped[float] = mapped_column(Float)
    toned: Mapped[int] = mapped_column(Integer)
    __table_args__ = (Index("ix_event_days_target_day", "target_actor_id", "day"),)


#: The columns ``ix_event_periods_target_source`` carries besides its keys (PostgreSQL INCLUDE).
PERIOD_PAYLOAD = ("quad_class", "negated", "hypothetical", "approximate", "events", "intensity_sum",
                  "tone_sum", "toned")  # fmt: skip


class EventPeriodRow(Base):
    """``event_days`` summed per calendar month or ISO week (``granularity`` "month"/"week",
    ``start`` the period's first day, 0001-01-01 for no day): what an unbounded timeline reads.
    Kept in step with ``event_days`` by the same writer calls.  Migration 0011."""

    __tablename__ = "event_periods"
    source_actor_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    target_actor_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    granularity: Mapped[str] = mapped_column(String(5), primary_key=True)
    start: Mapped[date] = mapped_column(Date, primary_key=True)
    quad_class: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    negated: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    hypothetical: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    approximate: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    events: Mapped[int] = mapped_column(Integer)
    intensity_sum: Mapped[float] = mapped_column(Float)
    tone_sum: Mapped[float] = mapped_column(Float)
    toned: Mapped[int] = mapped_column(Integer)
    # Covering on PostgreSQL (INCLUDE): a pair's rows are read by index-only scans (migration 0011).
    __table_args__ = (
        Index("ix_event_periods_target_source", "target_actor_id", "source_actor_id", "granularity", "start",
              postgresql_include=list(PERIOD_PAYLOAD)),
    )  # fmt: skip


class ArticleActorRow(Base):
    __tablename__ = "article_actors"
    article_id: Mapped[str] = mapped_column(String(100), _article_fk(), primary_key=True)
    actor_id: Mapped[str] = mapped_column(
        String(200), ForeignKey("actors.id", ondelete="CASCADE"), primary_key=True
    )
    mention_count: Mapped[int] = mapped_column(Integer, default=0)
    __table_args__ = (Index("ix_article_actors_actor_id", "actor_id", "mention_count"),)


class FetchLogRow(Base):
    """One poll of a source by the collector: ``status`` is ok | not_modified | error."""

    __tablename__ = "fetch_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(20))
    articles: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None]
    __table_args__ = (Index("ix_fetch_log_source_id", "source_id", "at"),)


class SyndicationClusterRow(Base):
    """A set of near-duplicate articles (the same story, syndicated or lightly re-edited)."""

    __tablename__ = "syndication_clusters"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime]


class ArticleFingerprintRow(Base):
    """An article's MinHash (NULL when the text is too short to compare) and its cluster, if any.

    ``method`` and ``content_hash`` say what the fingerprint was computed with and from, so a
    re-analysed article or a change of MinHash parameters is noticed and recomputed."""

    __tablename__ = "article_fingerprints"
    article_id: Mapped[str] = mapped_column(String(100), _article_fk(), primary_key=True)
    method: Mapped[str] = mapped_column(String(40))
    content_hash: Mapped[str] = mapped_column(String(64))
    minhash: Mapped[bytes | None]
    cluster_id: Mapped[int | None] = mapped_column(
        ForeignKey("syndication_clusters.id", ondelete="SET NULL")
    )
    similarity: Mapped[float | None] = mapped_column(Float)
    computed_at: Mapped[datetime]
    __table_args__ = (
        Index("ix_article_fingerprints_cluster_id", "cluster_id"),
        Index("ix_article_fingerprints_computed_at", "computed_at"),
    )


class ArticleVectorRow(Base):
    """A cached vector of an article for related articles (blocwatch/analytics/related.py).

    ``method`` names what computed it (model and input, e.g. a MiniLM embedding of title + lead,
    or hashed term counts) and ``input_hash`` the text it was computed from, so a re-analysed
    article or a new method is noticed and recomputed.  ``vector`` is the raw little-endian
    bytes (float32 for embeddings; int32 index / float32 count pairs for term vectors)."""

    __tablename__ = "article_vectors"
    article_id: Mapped[str] = mapped_column(String(100), _article_fk(), primary_key=True)
    method: Mapped[str] = mapped_column(String(60), primary_key=True)
    input_hash: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes]
    computed_at: Mapped[datetime]
    __table_args__ = (Index("ix_article_vectors_method", "method", "computed_at"),)
