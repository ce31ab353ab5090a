"""Each event's timeline day, and the per-pair per-day summary the timelines read.

``events.day`` / ``events.day_approximate`` hold the day a timeline puts the event on (its own
date, else its article's publication date, partial dates resolved as
:func:`blocwatch.store.event_days.event_day` says); ``event_days`` sums the events per (source,
target, day, quad class, negated, hypothetical, approximate).  Existing rows are back-filled:
undated events take their article's ``published`` in one UPDATE (that is the whole rule for
them), dated ones are resolved in Python batches with ``event_day`` itself — the rule has ISO
weeks and invalid days in it, which SQL would have to reproduce twice, once per dialect.  The
summary is then built by :func:`blocwatch.store.event_days.rebuild_event_days`.

Plain ADD COLUMN on both back ends (see 0004 for why not a batch rebuild).  The pair indexes
move from ``event_date`` to ``day``: the (source, target) and (target) prefixes serve the same
lookups, and no query ranged or ordered over ``event_date`` through them (actor events are an OR
of both sides, sorted after the read), whereas the pair page lists a period's events by ``day``.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from blocwatch.store.event_days import event_day, rebuild_event_days

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_BATCH = 5000

_events = sa.table(
    "events",
    sa.column("id", sa.Integer), sa.column("article_id", sa.String), sa.column("event_date", sa.String),
    sa.column("day", sa.Date), sa.column("day_approximate", sa.Boolean),
)  # fmt: skip
_articles = sa.table("articles", sa.column("id", sa.String), sa.column("published", sa.Date))


def _backfill(conn: sa.Connection) -> None:
    undated = sa.or_(_events.c.event_date.is_(None), _events.c.event_date == "")
    published = (
        sa.select(_articles.c.published).where(_articles.c.id == _events.c.article_id).scalar_subquery()
    )
    conn.execute(sa.update(_events).where(undated).values(day=published, day_approximate=False))
    update = (
        sa.update(_events)
        .where(_events.c.id == sa.bindparam("event_id"))
        .values(day=sa.bindparam("new_day"), day_approximate=sa.bindparam("new_approximate"))
    )
    after = 0
    while True:
        rows = conn.execute(
            sa.select(_events.c.id, _events.c.event_date, _articles.c.published)
            .join(_articles, _articles.c.id == _events.c.article_id)
            .where(_events.c.id > after, sa.not_(undated))
            .order_by(_events.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        values = []
        for event_id, event_date, day_published in rows:
            day, approximate = event_day(event_date, day_published)
            values.append({"event_id": event_id, "new_day": day, "new_approximate": approximate})
        conn.execute(update, values)
        after = rows[-1][0]


def upgrade() -> None:
    op.add_column("events", sa.Column("day", sa.Date(), nullable=True))
    op.add_column(
        "events", sa.Column("day_approximate", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    _backfill(op.get_bind())
    op.drop_index("ix_events_target_date", table_name="events")
    op.drop_index("ix_events_source_target_date", table_name="events")
    op.create_index("ix_events_source_target_day", "events", ["source_actor_id", "target_actor_id", "day"])
    op.create_index("ix_events_target_day", "events", ["target_actor_id", "day"])
    op.create_table(
        "event_days",
        sa.Column("source_actor_id", sa.String(200), nullable=False),  # '' = no actor
        sa.Column("target_actor_id", sa.String(200), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),  # 0001-01-01 = undated
        sa.Column("quad_class", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("negated", sa.Boolean(), nullable=False),
        sa.Column("hypothetical", sa.Boolean(), nullable=False),
        sa.Column("approximate", sa.Boolean(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("intensity_sum", sa.Float(), nullable=False),
        sa.Column("tone_sum", sa.Float(), nullable=False),
        sa.Column("toned", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "source_actor_id", "target_actor_id", "day", "quad_class", "negated", "hypothetical",
            "approximate", name=op.f("pk_event_days"),
        ),  # fmt: skip
    )
    op.create_index("ix_event_days_target_day", "event_days", ["target_actor_id", "day"])
    rebuild_event_days(op.get_bind(), periods=False)  # event_periods comes with 0011


def downgrade() -> None:
    op.drop_index("ix_event_days_target_day", table_name="event_days")
    op.drop_table("event_days")
    op.drop_index("ix_events_target_day", table_name="events")
    op.drop_index("ix_events_source_target_day", table_name="events")
    op.create_index(
        "ix_events_source_target_date", "events", ["source_actor_id", "target_actor_id", "event_date"]
    )
    op.create_index("ix_events_target_date", "events", ["target_actor_id", "event_date"])
    op.drop_column("events", "day_approximate")
    op.drop_column("events", "day")
