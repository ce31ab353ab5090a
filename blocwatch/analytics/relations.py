"""Relations over time between two actors (or one actor and everyone): counts and intensity.

:func:`relations` answers "what happened between A and B, month by month (or ISO week by week)":
per period, event counts by CAMEO quad class (1 verbal cooperation, 2 material cooperation,
3 verbal conflict, 4 material conflict), and the summed and mean Goldstein intensity.  Every
point leads to its events, so a page can link each bar of a chart to the sentences it was read
from (see "Evidence at scale" below).  Each point also has ``tone_mean``, the mean tone of its counted events'
evidence sentences (blocwatch/nlp/tone.py, [-10, 10], GDELT's AvgTone), over the ``toned``
events that have one: rows stored before migration 0008 have none until ``blocwatch reprocess``.

Rules, chosen so that a number on the site never overstates what the news said:

* **Negated events never happened** ("Chile did not threaten..."): they are left out of every
  count and intensity, and only listed (``negated_ids``) so a reader can see they were read.
* **Hypothetical events** (intentions, conditionals: "could sanction", "seeks to join") are not
  facts either: they are counted separately (``hypothetical``, ``hypothetical_ids``) and do not
  enter the quad-class counts or the intensities.
* **Dates**: an event is placed on its own ``event_date``; when that is missing it falls back to
  its article's publication date.  A partial date ("2024-08", "2024") is made precise with the
  publication date when that lies inside it (the article reports on its own month), otherwise
  it is placed on the first day of the stated period; such points count ``approximate`` events.
  Events with neither date are counted in :attr:`Relations.undated` only.
* **Roll-up** (``rollup=True``): actors of the kinds in ``ROLLUP_KINDS`` (persons) count for
  their country (``actors.country``) — a foreign minister's visit is North Korea's visit, as in
  CAMEO/GDELT country-level aggregation.  Organisations and groups keep their own identity:
  a think-tank's report is not the state's act.  Without roll-up only the exact ids count.
* Self-relations (both sides the same actor after roll-up) are left out.

**Evidence at scale.** Counts come from the summaries the writer keeps exact
(blocwatch/store/event_days.py): per month and ISO week (``event_periods``) for a whole series,
per day (``event_days``) when ``since``/``until`` bound it, summed per period and kind of event in
SQL (:func:`fetch_period_rows`, blocwatch/analytics/relations_fetch.py): a busy pair's 170 k
events among ten million are a few thousand rows for Python.  Self-relations after roll-up are
left out in SQL (:func:`without_self`) or, for a pair, known in advance (:func:`one_actor`). When
the series has at most ``id_bound`` events (:data:`ID_BOUND`, 5,000) the events themselves are
read as well (:func:`fetch_pair_events`) and every point carries the complete ids of its counted,
hypothetical and negated events.  Above the bound a point carries its counts only, its id lists
are empty and marked ``event_ids_complete: false`` in ``to_json``: its events are reached through
its period — the pair page's ``?period=`` lists them a page at a time with SQL on ``events.day``
(blocwatch/web/pair_data.py ``period_event_ids``). Both paths give the same counts (the summary is
what a GROUP BY over the events gives).

Plain SQLAlchemy over ``event_periods``, ``event_days``, ``events`` and ``actors``; the periods'
labels and filling are Python's, so SQLite and PostgreSQL give the same series.  A series is
built with the cyclic garbage collector paused (:func:`gc_paused`, why there).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, NamedTuple

from sqlalchemy import select, true
from sqlalchemy.orm import Session, aliased

from blocwatch.analytics.relations_fetch import (
    ROLLUP_KINDS,
    Granularity,
    PeriodRow,
    _effective,
    fetch_period_rows,
    gc_paused,
    one_actor,
    pair_sides,
    pair_where,
    side_ids,
    without_self,
)
from blocwatch.store.event_days import event_day
from blocwatch.store.models import ActorRow, EventRow

__all__ = [
    "ID_BOUND",
    "QUAD_CLASSES",
    "ROLLUP_KINDS",
    "Granularity",
    "PeriodRow",
    "PairEvent",
    "RelationPoint",
    "Relations",
    "bucket",
    "bucket_days",
    "event_day",
    "fetch_period_rows",
    "fetch_pair_events",
    "gc_paused",
    "one_actor",
    "pair_sides",
    "pair_where",
    "period_of",
    "relations",
    "series_of",
    "side_ids",
    "without_self",
]

QUAD_CLASSES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
                4: "material conflict"}
#: Above this many events a series' points carry counts only (see the module docstring).
ID_BOUND = 5000


class PairEvent(NamedTuple):
    """One stored event as the analytics see it: sides after roll-up and a resolved day.

    A named tuple rather than a frozen dataclass: built in thousands per series, it costs a
    seventh of the time to make (bench/bench_pg_timeline.py)."""

    id: int
    article_id: str
    source: str | None  # effective ids (after roll-up)
    target: str | None
    source_actor: str | None  # the stored ids, as read
    target_actor: str | None
    plover: str
    quad_class: int
    intensity: float
    negated: bool
    hypothetical: bool
    day: date | None
    approximate: bool
    tone: float | None = None  # evidence sentence tone, [-10, 10]; None until old rows are reprocessed


def period_of(day: date, granularity: Granularity) -> tuple[str, date]:
    """The period label (``2024-09`` / ``2024-W39``) of a day and the period's first day."""
    if granularity == "week":
        year, week, _ = day.isocalendar()
        return f"{year}-W{week:02d}", date.fromisocalendar(year, week, 1)
    return f"{day.year:04d}-{day.month:02d}", day.replace(day=1)


_WEEK = timedelta(days=7)


def _next_period(start: date, granularity: Granularity) -> date:
    if granularity == "week":
        return start + timedelta(days=7)
    return date(start.year + (start.month == 12), start.month % 12 + 1, 1)


def fetch_pair_events(
    session: Session, a: str, b: str | None = None, *, directed: bool = False, rollup: bool = False,
    plover: str | None = None,
) -> list[PairEvent]:
    """The events between ``a`` and ``b`` (``a`` -> ``b`` only when ``directed``), oldest first.

    With ``b=None`` every event involving ``a`` (as source, when ``directed``) is returned;
    ``plover`` keeps the events of that PLOVER type only.  Negated and hypothetical events are
    included (flagged); self-relations are not.
    """
    src, tgt = aliased(ActorRow), aliased(ActorRow)
    e = EventRow
    a_ids, b_ids, _ = pair_sides(session, a, b, rollup)
    # Core execution on the session's connection, unpacked by position: the ORM's row handling
    # was two thirds of a busy pair's timeline (thousands of rows; bench/bench_pg_timeline.py).
    # The day is the stored ``events.day`` (event_day of the event's date and its article's
    # publication day, resolved by the writer): no join with articles, no parsing per row.
    rows = session.connection().execute(
        select(
            e.id, e.article_id, e.source_actor_id, e.target_actor_id, e.plover, e.quad_class,
            e.intensity, e.negated, e.hypothetical, e.day, e.day_approximate,
            src.kind, src.country, tgt.kind, tgt.country, e.tone,
        )
        .outerjoin(src, src.id == e.source_actor_id)
        .outerjoin(tgt, tgt.id == e.target_actor_id)
        .where(pair_where(e.source_actor_id, e.target_actor_id, a_ids, b_ids, directed))
        .where(e.plover == plover if plover is not None else true())
        .order_by(e.id)
    ).all()  # one fetchall, not a fetch per row
    out = []
    for (event_id, article_id, source_actor, target_actor, plover, quad_class, intensity, negated,
         hypothetical, day, approximate, source_kind, source_country, target_kind, target_country,
         tone) in rows:  # fmt: skip
        source = _effective(source_actor, source_kind, source_country, rollup)
        target = _effective(target_actor, target_kind, target_country, rollup)
        if source is not None and source == target:
            continue  # e.g. a minister addressing her own government
        # As the driver typed them (the columns' types), positionally: no conversion per value.
        out.append(PairEvent(event_id, article_id, source, target, source_actor, target_actor, plover,
                             quad_class, intensity, negated, hypothetical, day, approximate, tone))
    out.sort(key=lambda ev: (ev.day or date.max, ev.id))
    return out


@dataclass(slots=True)
class RelationPoint:
    """One period of a relation series; only events that happened enter counts and intensity.

    ``events``, ``hypothetical`` and ``negated`` are counts; the id lists hold those events' ids
    when ``ids_complete`` (series of at most :data:`ID_BOUND` events), else they are empty."""

    period: str
    start: date
    counts: dict[int, int] = field(default_factory=dict.fromkeys(QUAD_CLASSES, 0).copy)
    intensity_sum: float = 0.0
    event_ids: list[int] = field(default_factory=list)
    hypothetical_ids: list[int] = field(default_factory=list)
    negated_ids: list[int] = field(default_factory=list)
    approximate: int = 0
    tone_sum: float = 0.0  # over the counted events that have a tone (``toned`` of them)
    toned: int = 0
    events: int = 0
    hypothetical: int = 0
    negated: int = 0
    ids_complete: bool = True

    @property
    def tone_mean(self) -> float | None:
        """Mean tone of the counted events with a tone (GDELT's AvgTone per point), or None."""
        return round(self.tone_sum / self.toned, 3) if self.toned else None

    @property
    def intensity_mean(self) -> float | None:
        return round(self.intensity_sum / self.events, 3) if self.events else None

    def add(self, quad_class: int, negated: bool, hypothetical: bool, approximate: bool, events: int,
            intensity_sum: float, tone_sum: float, toned: int) -> None:  # fmt: skip
        """Count ``events`` events of one kind (the negated and hypothetical apart)."""
        if negated:
            self.negated += events
        elif hypothetical:
            self.hypothetical += events
        else:
            self.counts[quad_class] = self.counts.get(quad_class, 0) + events
            self.intensity_sum += intensity_sum
            self.tone_sum += tone_sum
            self.toned += toned
            self.events += events
            self.approximate += events if approximate else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "period": self.period,
            "start": self.start.isoformat(),
            "events": self.events,
            "counts": {str(q): n for q, n in self.counts.items()},
            "intensity_sum": round(self.intensity_sum, 3),
            "intensity_mean": self.intensity_mean,
            "tone_mean": self.tone_mean,
            "toned": self.toned,
            "hypothetical": self.hypothetical,
            "negated": self.negated,
            "approximate": self.approximate,
            "event_ids": self.event_ids,
            "hypothetical_ids": self.hypothetical_ids,
            "negated_ids": self.negated_ids,
            "event_ids_complete": self.ids_complete,
        }


@dataclass(slots=True)
class Relations:
    """A relation series between ``a`` and ``b`` (``b`` None: ``a`` and everyone)."""

    a: str
    b: str | None
    directed: bool
    granularity: Granularity
    rollup: bool
    points: list[RelationPoint]
    undated: int = 0

    @property
    def ids_complete(self) -> bool:
        return all(p.ids_complete for p in self.points)

    @property
    def totals(self) -> dict[str, Any]:
        counts = {q: sum(p.counts[q] for p in self.points) for q in QUAD_CLASSES}
        events = sum(p.events for p in self.points)
        total = sum(p.intensity_sum for p in self.points)
        toned = sum(p.toned for p in self.points)
        tone_total = sum(p.tone_sum for p in self.points)
        return {
            "events": events,
            "counts": {str(q): n for q, n in counts.items()},
            "intensity_sum": round(total, 3),
            "intensity_mean": round(total / events, 3) if events else None,
            "tone_mean": round(tone_total / toned, 3) if toned else None,
            "toned": toned,
            "hypothetical": sum(p.hypothetical for p in self.points),
            "negated": sum(p.negated for p in self.points),
            "undated": self.undated,
        }

    def point(self, period: str) -> RelationPoint | None:
        return next((p for p in self.points if p.period == period), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "directed": self.directed,
            "granularity": self.granularity,
            "rollup": self.rollup,
            "quad_classes": {str(q): name for q, name in QUAD_CLASSES.items()},
            "totals": self.totals,
            "event_ids_complete": self.ids_complete,
            "points": [p.to_json() for p in self.points],
        }


@lru_cache(maxsize=1 << 16)  # a label never changes; there are ~52 weeks and 12 months a year
def _label(start: date, granularity: Granularity) -> str:
    """The label of the period starting on ``start`` (a first of the month, or a Monday)."""
    if granularity == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{start.year:04d}-{start.month:02d}"


def _ordered(points: dict[Any, RelationPoint], granularity: Granularity, fill: bool) -> list[RelationPoint]:
    """The points by start, the empty periods between the first and last filled in when ``fill``
    (so a chart's time axis has no holes).  A pair reaching back decades has thousands of empty
    weeks: each costs one label and one point, nothing more (bench/bench_pg_timeline.py)."""
    ordered = sorted(points.values(), key=lambda p: p.start)
    if fill and ordered:
        complete = ordered[0].ids_complete
        filled: list[RelationPoint] = []
        by_start = {p.start: p for p in ordered}
        at, last = ordered[0].start, ordered[-1].start
        while at <= last:
            point = by_start.get(at)
            filled.append(point if point is not None else
                          RelationPoint(_label(at, granularity), at, ids_complete=complete))  # fmt: skip
            at = at + _WEEK if granularity == "week" else _next_period(at, granularity)
        ordered = filled
    return ordered


def bucket(
    events: list[PairEvent], granularity: Granularity, fill: bool = True
) -> tuple[list[RelationPoint], int]:
    """Events into period points, with their ids; returns the points and the undated count."""
    points: dict[date, RelationPoint] = {}  # by the event's day: events share days
    undated = 0
    for ev in events:
        if ev.day is None:
            undated += 1
            continue
        point = points.get(ev.day)
        if point is None:
            label, start = period_of(ev.day, granularity)
            point = points.get(start) or RelationPoint(label, start)
            points[start] = points[ev.day] = point
        tone = ev.tone if not (ev.negated or ev.hypothetical) else None
        point.add(ev.quad_class, ev.negated, ev.hypothetical, ev.approximate, 1, ev.intensity,
                  tone or 0.0, tone is not None)  # fmt: skip
        kind = point.negated_ids if ev.negated else point.hypothetical_ids if ev.hypothetical else None
        (point.event_ids if kind is None else kind).append(ev.id)
    return _ordered({p.start: p for p in points.values()}, granularity, fill), undated


def bucket_days(
    days: list[PeriodRow], granularity: Granularity, fill: bool = True
) -> tuple[list[RelationPoint], int]:
    """Summary rows into points with counts only (``ids_complete`` False), and the undated count."""
    points: dict[date, RelationPoint] = {}  # by start: the rows' starts are their periods' first days
    undated = 0
    for row in days:
        if row.start is None:
            undated += row.events
            continue
        point = points.get(row.start)
        if point is None:
            point = points[row.start] = RelationPoint(_label(row.start, granularity), row.start,
                                                      ids_complete=False)  # fmt: skip
        point.add(row.quad_class, row.negated, row.hypothetical, row.approximate, row.events,
                  row.intensity_sum, row.tone_sum, row.toned)  # fmt: skip
    return _ordered(points, granularity, fill), undated


def relations(
    session: Session, a: str, b: str | None = None, *, directed: bool = False,
    granularity: Granularity = "month", rollup: bool = False, since: date | None = None,
    until: date | None = None, fill: bool = True, id_bound: int | None = None,
) -> Relations:  # fmt: skip
    """The relation series of ``a`` and ``b`` by ``granularity`` ("month" or "week").

    ``directed`` keeps only ``a`` -> ``b`` events (``a`` as source when ``b`` is None);
    ``rollup`` counts persons for their country; ``since``/``until`` bound the days (inclusive).
    The points carry their event ids when the series has at most ``id_bound`` events (default
    :data:`ID_BOUND`; see the module docstring); ``id_bound=0`` asks for counts only.
    """
    if granularity not in ("month", "week"):
        raise ValueError(f"granularity must be 'month' or 'week', not {granularity!r}")
    with gc_paused():
        days = fetch_period_rows(session, a, b, directed=directed, rollup=rollup, granularity=granularity,
                                 since=since, until=until)  # fmt: skip
        return series_of(session, a, b, days, directed=directed, granularity=granularity, rollup=rollup,
                         since=since, until=until, fill=fill, id_bound=id_bound)  # fmt: skip


def series_of(
    session: Session, a: str, b: str | None, days: list[PeriodRow], *, directed: bool = False,
    granularity: Granularity = "month", rollup: bool = False, since: date | None = None,
    until: date | None = None, fill: bool = True, id_bound: int | None = None,
) -> Relations:  # fmt: skip
    """:func:`relations` from already fetched summary rows ``days`` (:func:`fetch_period_rows` by
    ``granularity``; the pair page needs both)."""
    with gc_paused():
        return _series_of(session, a, b, days, directed, granularity, rollup, since, until, fill, id_bound)


def _series_of(
    session: Session, a: str, b: str | None, days: list[PeriodRow], directed: bool,
    granularity: Granularity, rollup: bool, since: date | None, until: date | None, fill: bool,
    id_bound: int | None,
) -> Relations:  # fmt: skip
    bound = ID_BOUND if id_bound is None else id_bound
    if sum(row.events for row in days) > bound:
        points, undated = bucket_days(days, granularity, fill)
        return Relations(a, b, directed, granularity, rollup, points, undated)
    events = fetch_pair_events(session, a, b, directed=directed, rollup=rollup)
    if since is not None or until is not None:
        low, high = since or date.min, until or date.max
        events = [ev for ev in events if ev.day is not None and low <= ev.day <= high]
    points, undated = bucket(events, granularity, fill)
    return Relations(a, b, directed, granularity, rollup, points, undated)
