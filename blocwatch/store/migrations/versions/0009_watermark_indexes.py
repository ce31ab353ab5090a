"""Indexes that make the store's change watermark and the event-type list cheap at scale.

The web site's page cache (blocwatch/web/cache.py) checks on every request whether the store
changed, by reading ``max(articles.analysed_at)`` among a few other maxima; without an index that
is a scan of every article row (150 ms with 29 k articles, their text included).  The search
form lists the distinct PLOVER types of the stored events, a scan of every event row without
``ix_events_plover`` (0.5 s with one million events) and a scan of a narrow index with it.
Related articles look up, on every article page, which articles' cached vectors are stale by
comparing each article's ``content_hash``; ``ix_articles_id_content_hash`` answers that from the
index instead of every article row (0.31 s -> 0.11 s with 29 k articles).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_articles_analysed_at", "articles", ["analysed_at"])
    op.create_index("ix_events_plover", "events", ["plover"])
    op.create_index("ix_articles_id_content_hash", "articles", ["id", "content_hash"])


def downgrade() -> None:
    op.drop_index("ix_articles_id_content_hash", table_name="articles")
    op.drop_index("ix_events_plover", table_name="events")
    op.drop_index("ix_articles_analysed_at", table_name="articles")
