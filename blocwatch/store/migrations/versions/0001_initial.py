"""The initial schema: sources, articles, raw inputs, sections, actors, mentions, quotes, events.

Written by hand to match blocwatch/store/models.py (a test compares the two).  Raw bytes columns
hold zlib-compressed data.

Revision ID: 0001
Revises:
Create Date: 2024-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


# Every constraint is named explicitly, following the naming convention of models.Base, so later
# migrations can refer to them by name on every back end (SQLite would otherwise leave them unnamed).


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), autoincrement=True, nullable=False)


def _fk(table: str, column: str, referred: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{referred}.id"], ondelete=ondelete, name=op.f(f"fk_{table}_{column}_{referred}")
    )


def _article_id() -> sa.Column:
    return sa.Column("article_id", sa.String(100), nullable=False)


def _actor_ref(name: str) -> sa.Column:
    return sa.Column(name, sa.String(200), nullable=True)


def _span(table: str, start: str = "start", end: str = "end") -> sa.CheckConstraint:
    return sa.CheckConstraint(f'"{start}" >= 0 AND "{end}" >= "{start}"', name=op.f(f"ck_{table}_span"))


def upgrade() -> None:
    op.create_table(
        "sources",
        _id(),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_fetched_at", TS, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        _pk("sources"),
        sa.UniqueConstraint("url", name=op.f("uq_sources_url")),
    )
    op.create_table(
        "actors",
        sa.Column("id", sa.String(200), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("country", sa.String(10), nullable=False),
        sa.Column("sector", sa.String(30), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("cameo", sa.String(30), nullable=False),
        _pk("actors"),
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.String(100), nullable=False),
        sa.Column("url", sa.String(2000), nullable=True),
        sa.Column("canonical_url", sa.String(2000), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("authors", sa.JSON(), nullable=False),
        sa.Column("language", sa.String(20), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=True),  # zlib-compressed
        sa.Column("raw_type", sa.String(20), nullable=True),
        sa.Column("input_name", sa.Text(), nullable=True),
        sa.Column("ingested_at", TS, nullable=False),
        sa.Column("analysed_at", TS, nullable=True),
        _pk("articles"),
        _fk("articles", "source_id", "sources", "SET NULL"),
        sa.UniqueConstraint("canonical_url", name=op.f("uq_articles_canonical_url")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_articles_content_hash")),
    )
    op.create_index("ix_articles_published", "articles", ["published", "ingested_at"])
    op.create_index("ix_articles_ingested_at", "articles", ["ingested_at"])
    op.create_index("ix_articles_source_id", "articles", ["source_id"])

    op.create_table(
        "raw_inputs",
        _id(),
        sa.Column("input_name", sa.Text(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=True),  # zlib-compressed
        sa.Column("problem", sa.Text(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        _pk("raw_inputs"),
    )
    op.create_index("ix_raw_inputs_created_at", "raw_inputs", ["created_at"])

    op.create_table(
        "sections",
        _id(),
        _article_id(),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("heading", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        _pk("sections"),
        _fk("sections", "article_id", "articles", "CASCADE"),
        _span("sections"),
    )
    op.create_index("ix_sections_article_id", "sections", ["article_id", "position"])

    op.create_table(
        "mentions",
        _id(),
        _article_id(),
        sa.Column("sentence_index", sa.Integer(), nullable=True),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("label", sa.String(20), nullable=False),
        _actor_ref("actor_id"),
        _pk("mentions"),
        _fk("mentions", "article_id", "articles", "CASCADE"),
        _fk("mentions", "actor_id", "actors", "SET NULL"),
        _span("mentions"),
    )
    op.create_index("ix_mentions_article_id", "mentions", ["article_id", "start"])
    op.create_index("ix_mentions_actor_id", "mentions", ["actor_id"])

    op.create_table(
        "quotes",
        _id(),
        _article_id(),
        sa.Column("speaker", sa.Text(), nullable=False),
        _actor_ref("speaker_actor_id"),
        sa.Column("affiliation", sa.Text(), nullable=True),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("direct", sa.Boolean(), nullable=False),
        sa.Column("cue", sa.Text(), nullable=False),
        sa.Column("sentence_index", sa.Integer(), nullable=True),
        _pk("quotes"),
        _fk("quotes", "article_id", "articles", "CASCADE"),
        _fk("quotes", "speaker_actor_id", "actors", "SET NULL"),
        _span("quotes"),
    )
    op.create_index("ix_quotes_article_id", "quotes", ["article_id", "start"])
    op.create_index("ix_quotes_speaker_actor_id", "quotes", ["speaker_actor_id"])

    op.create_table(
        "events",
        _id(),
        _article_id(),
        sa.Column("position", sa.Integer(), nullable=False),
        _actor_ref("source_actor_id"),
        _actor_ref("target_actor_id"),
        sa.Column("source_cameo", sa.String(30), nullable=False),
        sa.Column("target_cameo", sa.String(30), nullable=False),
        sa.Column("plover", sa.String(40), nullable=False),
        sa.Column("cameo", sa.String(10), nullable=False),
        sa.Column("quad_class", sa.Integer(), nullable=False),
        sa.Column("intensity", sa.Float(), nullable=False),
        sa.Column("negated", sa.Boolean(), nullable=False),
        sa.Column("hypothetical", sa.Boolean(), nullable=False),
        sa.Column("event_date", sa.String(10), nullable=True),  # ISO, possibly partial
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("trigger", sa.Text(), nullable=False),
        sa.Column("sentence", sa.Text(), nullable=False),
        sa.Column("sentence_index", sa.Integer(), nullable=True),
        sa.Column("sentence_start", sa.Integer(), nullable=False),
        sa.Column("sentence_end", sa.Integer(), nullable=False),
        _pk("events"),
        _fk("events", "article_id", "articles", "CASCADE"),
        _fk("events", "source_actor_id", "actors", "SET NULL"),
        _fk("events", "target_actor_id", "actors", "SET NULL"),
        sa.CheckConstraint("quad_class BETWEEN 1 AND 4", name=op.f("ck_events_quad_class")),
        sa.CheckConstraint("intensity BETWEEN -10 AND 10", name=op.f("ck_events_intensity")),
        _span("events", "sentence_start", "sentence_end"),
    )
    op.create_index(
        "ix_events_source_target_date", "events", ["source_actor_id", "target_actor_id", "event_date"]
    )
    op.create_index("ix_events_target_date", "events", ["target_actor_id", "event_date"])
    op.create_index("ix_events_article_id", "events", ["article_id", "position"])

    op.create_table(
        "article_actors",
        sa.Column("article_id", sa.String(100), nullable=False),
        sa.Column("actor_id", sa.String(200), nullable=False),
        sa.Column("mention_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("article_id", "actor_id", name=op.f("pk_article_actors")),
        _fk("article_actors", "article_id", "articles", "CASCADE"),
        _fk("article_actors", "actor_id", "actors", "CASCADE"),
    )
    op.create_index("ix_article_actors_actor_id", "article_actors", ["actor_id", "mention_count"])


def downgrade() -> None:
    for table in (
        "article_actors",
        "events",
        "quotes",
        "mentions",
        "sections",
        "raw_inputs",
        "articles",
        "actors",
        "sources",
    ):
        op.drop_table(table)
