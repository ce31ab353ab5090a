"""The summary side of :mod:`blocwatch.analytics.relations`: a pair's period rows, summed in SQL.

:func:`fetch_period_rows` answers "how many events of each kind did ``a`` and ``b`` have in each
month (or ISO week)" from the summaries the writer keeps exact (blocwatch/store/event_days.py):

* unbounded (no ``since``/``until``, the pair page's and the API's usual call) from
  ``event_periods``, the sums per month and per week: a busy pair at ten million events is 8 k
  month rows or 18 k week rows to add up instead of 50 k day rows, whose GROUP BY spilled to
  disk on PostgreSQL (bench/bench_pg_timeline.py);
* bounded by days from ``event_days``, grouped by the day's period start in SQL
  (:func:`blocwatch.store.event_days.period_start_sql`): a bound need not fall on a period's start.

Both give the rows a GROUP BY over the events would.  The side and pair conditions
(:func:`side_ids`, :func:`pair_where`) and the self-relation rules (:func:`without_self`,
:func:`one_actor`) are shared with the events path in relations.py.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, Literal, NamedTuple

from sqlalchemy import ColumnElement, Date, and_, case, func, literal_column, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from blocwatch.store.event_days import NO_ACTOR, UNDATED, period_start_sql
from blocwatch.store.models import ActorRow, EventDayRow, EventPeriodRow

__all__ = [
    "ROLLUP_KINDS",
    "Granularity",
    "PeriodRow",
    "fetch_period_rows",
    "gc_paused",
    "one_actor",
    "pair_sides",
    "pair_where",
    "side_ids",
    "without_self",
]

Granularity = Literal["month", "week"]
ROLLUP_KINDS: tuple[str, ...] = ("person",)
_SUMS = ("events", "intensity_sum", "tone_sum", "toned")


class PeriodRow(NamedTuple):
    """Summed summary rows of one period and kind of event (``start`` None: undated).  A named
    tuple: a busy pair's week series is thousands of them, a seventh of a dataclass's cost each."""

    start: date | None
    quad_class: int
    negated: bool
    hypothetical: bool
    approximate: bool
    events: int
    intensity_sum: float
    tone_sum: float
    toned: int


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block (unless it was off already).

    A series is built from thousands of fresh objects — rows, points with their lists, a busy
    pair's decades of empty weeks — and none of them is garbage while it is built, yet every 700
    allocations the collector runs and walks them, and the interpreter's other objects now and
    then: two thirds of the time of 5,000 weekly points (bench/bench_pg_timeline.py).  Collection
    resumes on leaving; nested and concurrent uses only ever turn it back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def side_ids(session: Session, actor_id: str, rollup: bool) -> list[str]:
    """The stored ids that count as ``actor_id``: itself and, with roll-up, its persons.

    Looked up first and handed to the events query as a list (``IN (...)``) rather than as a
    subquery: a list is an index condition, so PostgreSQL reads the pair's rows from the
    (source, target) and (target) indexes.  With ``IN (subquery)`` inside the ORs it scanned the
    whole table in id order instead — seconds at ten million events (bench/bench_pg_timeline.py)."""
    if not rollup:
        return [actor_id]
    persons = session.scalars(
        select(ActorRow.id).where(ActorRow.kind.in_(ROLLUP_KINDS), ActorRow.country == actor_id)
    )
    return [actor_id, *sorted(set(persons) - {actor_id})]


def _effective(actor_id: str | None, kind: str | None, country: str | None, rollup: bool) -> str | None:
    if rollup and actor_id and kind in ROLLUP_KINDS and country:
        return country
    return actor_id


def pair_sides(
    session: Session, a: str, b: str | None, rollup: bool
) -> tuple[list[str], list[str] | None, bool]:
    """:func:`side_ids` of ``a`` and of ``b`` (None when ``b`` is None) and whether they are
    :func:`one_actor`, from one query instead of three: each round trip is a wake-up of two
    processes, which a loaded machine makes the slowest part of a short call."""
    if not rollup:
        return [a], None if b is None else [b], a == b
    wanted = [a] if b is None else [a, b]
    rows = session.execute(
        select(ActorRow.id, ActorRow.kind, ActorRow.country).where(
            or_(ActorRow.id.in_(wanted), and_(ActorRow.kind.in_(ROLLUP_KINDS), ActorRow.country.in_(wanted)))
        )
    ).all()
    found: dict[str, tuple[str | None, str | None]] = {}
    persons: dict[str, set[str]] = {x: set() for x in wanted}
    for actor_id, kind, country in rows:
        if actor_id in persons:
            found[actor_id] = (kind, country)
        if kind in ROLLUP_KINDS and country in persons:
            persons[country].add(actor_id)
    ids = {x: [x, *sorted(persons[x] - {x})] for x in wanted}
    if b is None:
        return ids[a], None, False
    effective = {x: _effective(x, *found.get(x, (None, None)), True) for x in wanted}
    return ids[a], ids[b], effective[a] == effective[b]


def pair_where(
    source: Any, target: Any, a_ids: list[str], b_ids: list[str] | None, directed: bool
) -> ColumnElement[bool]:
    """Rows between the ``a_ids`` and ``b_ids`` sides (``b_ids`` None: ``a`` and anyone)."""
    forward: ColumnElement[bool] = source.in_(a_ids)
    if b_ids is not None:
        forward = and_(forward, target.in_(b_ids))
    if directed:
        return forward
    if b_ids is not None:
        return or_(forward, and_(source.in_(b_ids), target.in_(a_ids)))
    return or_(forward, target.in_(a_ids))


def without_self(query: Any, source: Any, target: Any, rollup: bool) -> Any:
    """``query`` without the rows whose two sides are one actor after roll-up (self-relations):
    :func:`_effective` in SQL, with ``''`` (the summary's no-actor) as no actor."""
    if rollup:
        src, tgt = aliased(ActorRow), aliased(ActorRow)
        query = query.outerjoin(src, src.id == source).outerjoin(tgt, tgt.id == target)
        source, target = (
            case((and_(side.kind.in_(ROLLUP_KINDS), side.country != ""), side.country),
                 else_=func.nullif(column, NO_ACTOR))
            for side, column in ((src, source), (tgt, target))
        )  # fmt: skip
    else:
        source, target = func.nullif(source, NO_ACTOR), func.nullif(target, NO_ACTOR)
    return query.where(or_(source.is_(None), target.is_(None), source != target))


def one_actor(session: Session, a: str, b: str, rollup: bool) -> bool:
    """Whether ``a`` and ``b`` are one actor after roll-up.  Every row between their sides then
    is a self-relation, and otherwise none is: each side's ids roll up to that side (so a pair's
    queries need no self-relation filter and no join with ``actors``)."""
    found = {r.id: r for r in session.scalars(select(ActorRow).where(ActorRow.id.in_([a, b])))}
    kind, country = ({x: getattr(found.get(x), name, None) for x in (a, b)} for name in ("kind", "country"))
    return _effective(a, kind[a], country[a], rollup) == _effective(b, kind[b], country[b], rollup)


def fetch_period_rows(
    session: Session, a: str, b: str | None = None, *, directed: bool = False, rollup: bool = False,
    granularity: Granularity = "month", since: date | None = None, until: date | None = None,
) -> list[PeriodRow]:  # fmt: skip
    """The summary between ``a`` and ``b`` (the events ``fetch_pair_events`` selects), summed in
    SQL per period and kind; days within ``since``..``until`` when given (undated then left out)."""
    with gc_paused():
        return _fetch_period_rows(session, a, b, directed, rollup, granularity, since, until)


def _fetch_period_rows(
    session: Session, a: str, b: str | None, directed: bool, rollup: bool, granularity: Granularity,
    since: date | None, until: date | None,
) -> list[PeriodRow]:  # fmt: skip
    a_ids, b_ids, same = pair_sides(session, a, b, rollup)
    if same:
        return []
    if since is None and until is None:
        query = _from_periods(a_ids, b_ids, directed, rollup, granularity)
    else:
        query = _from_days(session, a_ids, b_ids, directed, rollup, granularity, since, until)
    # .all() is one fetchall: iterating the result fetches row by row, which psycopg makes cost
    # more than the query itself at a busy pair's thousands of rows; and the rows are taken as
    # the driver typed them (the columns' SQLAlchemy types: dates, ints, bools, floats), without a
    # conversion per value (bench/bench_pg_timeline.py).
    rows = list(map(PeriodRow._make, session.connection().execute(query).all()))
    return [row if row.start != UNDATED else row._replace(start=None) for row in rows]


def _summed(rows: Any) -> Any:
    """``rows`` (start, kind, sums) summed per start and kind."""
    kind = (rows.c.start, rows.c.quad_class, rows.c.negated, rows.c.hypothetical, rows.c.approximate)
    return select(*kind, *(func.sum(rows.c[c]) for c in _SUMS)).group_by(*kind)


def _from_periods(
    a_ids: list[str], b_ids: list[str] | None, directed: bool, rollup: bool, granularity: Granularity
) -> Any:
    """The unbounded query, over ``event_periods``.  An undirected pair is read as two directions
    (UNION ALL), each an index-only range of the covering ``ix_event_periods_target_source`` on
    PostgreSQL; their OR would be a bitmap scan, which always visits the table — at ten million
    events a busy pair's 19 k week rows lay on 14 k pages (bench/bench_pg_timeline.py).  The
    directions are disjoint: a pair's two sides share no id (else :func:`one_actor`)."""
    p = EventPeriodRow
    columns = [p.start, p.quad_class, p.negated, p.hypothetical, p.approximate,
               *(p.__table__.c[c] for c in _SUMS)]  # fmt: skip

    def read(where: Any) -> Any:
        return select(*columns).where(where, p.granularity == granularity)

    source, target = p.source_actor_id, p.target_actor_id
    if b_ids is not None and not directed and not set(a_ids) & set(b_ids):
        both = union_all(read(pair_where(source, target, a_ids, b_ids, True)),
                         read(pair_where(source, target, b_ids, a_ids, True)))  # fmt: skip
        return _summed(both.subquery())
    query = read(pair_where(source, target, a_ids, b_ids, directed))
    if b_ids is None:
        query = without_self(query, source, target, rollup)
    return _summed(query.subquery())


def _from_days(
    session: Session, a_ids: list[str], b_ids: list[str] | None, directed: bool, rollup: bool,
    granularity: Granularity, since: date | None, until: date | None,
) -> Any:  # fmt: skip
    """The query bounded by days, over ``event_days`` grouped by each day's period start."""
    d = EventDayRow
    dialect = session.get_bind().dialect.name
    start = literal_column(period_start_sql(dialect, granularity, "event_days.day"), type_=Date())
    query = select(start.label("start"), d.quad_class, d.negated, d.hypothetical, d.approximate,
                   *(d.__table__.c[c] for c in _SUMS))  # fmt: skip
    query = query.where(pair_where(d.source_actor_id, d.target_actor_id, a_ids, b_ids, directed))
    if b_ids is None:
        query = without_self(query, d.source_actor_id, d.target_actor_id, rollup)
    if since is not None:
        query = query.where(d.day >= since)
    if until is not None:
        query = query.where(d.day <= until, d.day > UNDATED)
    return _summed(query.subquery())
