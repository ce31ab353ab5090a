"""The timelines' per-month and per-ISO-week summary ``event_periods``.

``event_days`` summed per (source, target, granularity, period start, quad class, negated,
hypothetical, approximate), ``granularity`` "month" or "week": an unbounded timeline reads one row
per period and kind instead of one per day (why: blocwatch/store/event_days.py, figures:
bench/bench_pg_timeline.py).  Filled from ``event_days`` in SQL by
:func:`blocwatch.store.event_days.rebuild_event_periods`; the writer keeps it in step from then on.
Keys without NULLs, as in 0010, so the composite primary key is the upsert target on both back
ends.  The (target, source, granularity, start) index, covering on PostgreSQL, is what the
timelines read (blocwatch/analytics/relations_fetch.py).

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from blocwatch.store.event_days import rebuild_event_periods

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_periods",
        sa.Column("source_actor_id", sa.String(200), nullable=False),  # '' = no actor
        sa.Column("target_actor_id", sa.String(200), nullable=False),
        sa.Column("granularity", sa.String(5), nullable=False),  # "month" or "week"
        sa.Column("start", sa.Date(), nullable=False),  # the period's first day; 0001-01-01 = undated
        sa.Column("quad_class", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("negated", sa.Boolean(), nullable=False),
        sa.Column("hypothetical", sa.Boolean(), nullable=False),
        sa.Column("approximate", sa.Boolean(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("intensity_sum", sa.Float(), nullable=False),
        sa.Column("tone_sum", sa.Float(), nullable=False),
        sa.Column("toned", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "source_actor_id", "target_actor_id", "granularity", "start", "quad_class", "negated",
            "hypothetical", "approximate", name=op.f("pk_event_periods"),
        ),  # fmt: skip
    )
    # Target first, so the index serves "this actor and anyone" (target IN ...) as well as a pair
    # (target IN ... AND source IN ...); covering on PostgreSQL so those reads never visit the heap.
    # The payload is spelled out: a migration does not follow later edits of the models.
    op.create_index(
        "ix_event_periods_target_source", "event_periods",
        ["target_actor_id", "source_actor_id", "granularity", "start"],
        postgresql_include=["quad_class", "negated", "hypothetical", "approximate", "events",
                            "intensity_sum", "tone_sum", "toned"],
    )  # fmt: skip
    rebuild_event_periods(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_event_periods_target_source", table_name="event_periods")
    op.drop_table("event_periods")
