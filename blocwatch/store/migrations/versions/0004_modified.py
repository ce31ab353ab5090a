"""Articles keep their last modification date.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both back ends: a batch rebuild on SQLite would drop the full-text
    # triggers of migration 0003 along with the old table.
    op.add_column("articles", sa.Column("modified", sa.Date(), nullable=True))


def downgrade() -> None:
    op.drop_column("articles", "modified")
