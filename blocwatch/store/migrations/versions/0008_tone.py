"""Tone of articles and events (blocwatch/nlp/tone.py), on GDELT's [-10, 10] scale.

Existing rows keep NULL (no tone read yet); ``blocwatch reprocess`` re-analyses the stored raw
inputs and fills them.  The range is enforced by the store writer, not by a CHECK constraint:
adding one on SQLite needs a batch table rebuild, which would drop the full-text triggers of 0003.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN on both back ends (see 0004 for why not a batch rebuild).
    op.add_column("articles", sa.Column("tone", sa.Float(), nullable=True))
    op.add_column("events", sa.Column("tone", sa.Float(), nullable=True))


def downgrade() -> None:
    op.drop_column("events", "tone")
    op.drop_column("articles", "tone")
