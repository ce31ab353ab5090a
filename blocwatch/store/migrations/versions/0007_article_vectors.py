"""Cached article vectors for related articles ("You may also like").

``article_vectors`` holds one vector per (article, method): an all-MiniLM-L6-v2 embedding of the
title and lead, or hashed term counts for the TF-IDF baseline (blocwatch/analytics/related.py).
They are computed lazily, on first need, and deleted with their article.

Written by hand to match blocwatch/store/models.py (a test compares the two).

Revision ID: 0007
Revises: 0004 (numbers 0005 and 0006 were never used)
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
# TEMPORARY: 0005 and 0006 are being written by other helpers; the lead sets this to "0006".
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "article_vectors",
        sa.Column("article_id", sa.String(100), nullable=False),
        sa.Column("method", sa.String(60), nullable=False),
        sa.Column("input_hash", sa.String(64), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("article_id", "method", name=op.f("pk_article_vectors")),
        sa.ForeignKeyConstraint(
            ["article_id"], ["articles.id"], ondelete="CASCADE",
            name=op.f("fk_article_vectors_article_id_articles"),
        ),
    )
    op.create_index("ix_article_vectors_method", "article_vectors", ["method", "computed_at"])


def downgrade() -> None:
    op.drop_index("ix_article_vectors_method", table_name="article_vectors")
    op.drop_table("article_vectors")
