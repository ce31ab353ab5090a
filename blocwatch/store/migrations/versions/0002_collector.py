"""The collector: polling state on sources, the fetch log, syndication clusters and fingerprints.

* ``sources`` gains ``every_seconds`` (NULL: never polled), the conditional-GET validators
  ``etag`` / ``last_modified`` as the server sent them, ``next_due_at`` (indexed: the collector
  asks "which sources are due" every few seconds) and ``consecutive_failures``.
* ``fetch_log``: one row per poll of a source (ok | not_modified | error, articles, error text).
* ``syndication_clusters`` and ``article_fingerprints``: an article's MinHash and the cluster of
  near-duplicates it belongs to (see blocwatch/store/syndication.py).

Written by hand to match blocwatch/store/models.py (a test compares the two).  SQLite cannot drop
columns in place, so the downgrade uses Alembic's batch mode there.

Revision ID: 0002
Revises: 0001
Create Date: 2024-12-10
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("every_seconds", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("etag", sa.Text(), nullable=True))
        batch.add_column(sa.Column("last_modified", sa.Text(), nullable=True))
        batch.add_column(sa.Column("next_due_at", TS, nullable=True))
        # server_default fills the rows that already exist; the ORM always writes a value.
        batch.add_column(
            sa.Column("consecutive_failures", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_index("ix_sources_next_due_at", "sources", ["next_due_at"])

    op.create_table(
        "fetch_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fetch_log")),
        sa.ForeignKeyConstraint(
            ["source_id"], ["sources.id"], ondelete="CASCADE", name=op.f("fk_fetch_log_source_id_sources")
        ),
    )
    op.create_index("ix_fetch_log_source_id", "fetch_log", ["source_id", "at"])

    op.create_table(
        "syndication_clusters",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_syndication_clusters")),
    )
    op.create_table(
        "article_fingerprints",
        sa.Column("article_id", sa.String(100), nullable=False),
        sa.Column("method", sa.String(40), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("minhash", sa.LargeBinary(), nullable=True),
        sa.Column("cluster_id", sa.Integer(), nullable=True),
        sa.Column("similarity", sa.Float(), nullable=True),
        sa.Column("computed_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_article_fingerprints")),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], ondelete="CASCADE",
            name=op.f("fk_article_fingerprints_article_id_articles"),
        ),
        sa.ForeignKeyConstraint(
            ["cluster_id"], ["syndication_clusters.id"], ondelete="SET NULL",
            name=op.f("fk_article_fingerprints_cluster_id_syndication_clusters"),
        ),
    )
    op.create_index("ix_article_fingerprints_cluster_id", "article_fingerprints", ["cluster_id"])
    op.create_index("ix_article_fingerprints_computed_at", "article_fingerprints", ["computed_at"])


def downgrade() -> None:
    op.drop_table("article_fingerprints")
    op.drop_table("syndication_clusters")
    op.drop_table("fetch_log")
    op.drop_index("ix_sources_next_due_at", table_name="sources")
    with op.batch_alter_table("sources") as batch:
        for column in ("consecutive_failures", "next_due_at", "last_modified", "etag", "every_seconds"):
            batch.drop_column(column)
