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

**Evidence at scale.**  Counts come from the per-pair per-day summary ``event_days``
(blocwatch/store/event_days.py, kept exact by the writer), summed per period and kind of event
in SQL (:func:`fetch_period_rows`): a busy pair's 190 k events among ten million are a few
thousand rows for Python.  Self-relations after roll-up are left out in SQL
(:func:`without_self`) or, for a pair, known in advance (:func:`one_actor`).  When the series has
at most ``id_bound`` events (:data:`ID_BOUND`, 5,000) the events themselves are read as well
(:func:`fetch_pair_events`) and every point carries the complete ids of its counted, hypothetical
and negated events.  Above the bound a point carries its counts only, its id lists are empty and
marked ``event_ids_complete: false`` in ``to_json``: its events are reached through its period —
the pair page's ``?period=`` lists them a page at a time with SQL on ``events.day``
(blocwatch/web/pair_data.py ``period_event_ids``).  Both paths give the same counts (the summary
is what a GROUP BY over the events gives).

Plain SQLAlchemy over ``event_days``, ``events``, ``articles`` and ``actors``; the periods' labels
and filling are Python's, so SQLite and PostgreSQL give the same series.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, Date, and_, case, func, literal_column, or_, select
from sqlalchemy.orm import Session, aliased

from blocwatch.store.event_days import NO_ACTOR, UNDATED, event_day
from blocwatch.store.models import ActorRow, ArticleRow, EventDayRow, EventRow

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
    "one_actor",
    "pair_where",
    "period_of",
    "relations",
    "series_of",
    "side_ids",
    "without_self",
]

Granularity = Literal["month", "week"]
QUAD_CLASSES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
                4: "material conflict"}
ROLLUP_KINDS: tuple[str, ...] = ("person",)
#: Above this many events a series' points carry counts only (see the module docstring).
ID_BOUND = 5000


@dataclass(frozen=True, slots=True)
class PairEvent:
    """One stored event as the analytics see it: sides after roll-up and a resolved day."""

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


def _next_period(start: date, granularity: Granularity) -> date:
    if granularity == "week":
        return start + timedelta(days=7)
    return date(start.year + (start.month == 12), start.month % 12 + 1, 1)


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


def fetch_pair_events(
    session: Session, a: str, b: str | None = None, *, directed: bool = False, rollup: bool = False
) -> list[PairEvent]:
    """The events between ``a`` and ``b`` (``a`` -> ``b`` only when ``directed``), oldest first.

    With ``b=None`` every event involving ``a`` (as source, when ``directed``) is returned.
    Negated and hypothetical events are included (flagged); self-relations are not.
    """
    src, tgt = aliased(ActorRow), aliased(ActorRow)
    e = EventRow
    a_ids = side_ids(session, a, rollup)
    b_ids = side_ids(session, b, rollup) if b is not None else None
    # Core execution on the session's connection, unpacked by position: the ORM's row handling
    # was two thirds of a busy pair's timeline (thousands of rows; bench/bench_pg_timeline.py).
    rows = session.connection().execute(
        select(
            e.id, e.article_id, e.source_actor_id, e.target_actor_id, e.plover, e.quad_class,
            e.intensity, e.negated, e.hypothetical, e.event_date, ArticleRow.published,
            src.kind, src.country, tgt.kind, tgt.country, e.tone,
        )
        .join(ArticleRow, ArticleRow.id == e.article_id)
        .outerjoin(src, src.id == e.source_actor_id)
        .outerjoin(tgt, tgt.id == e.target_actor_id)
        .where(pair_where(e.source_actor_id, e.target_actor_id, a_ids, b_ids, directed))
        .order_by(e.id)
    )
    out = []
    for (event_id, article_id, source_actor, target_actor, plover, quad_class, intensity, negated,
         hypothetical, event_date, published, source_kind, source_country, target_kind, target_country,
         tone) in rows:  # fmt: skip
        source = _effective(source_actor, source_kind, source_country, rollup)
        target = _effective(target_actor, target_kind, target_country, rollup)
        if source is not None and source == target:
            continue  # e.g. a minister addressing her own government
        day, approximate = event_day(event_date, published)
        out.append(PairEvent(
            id=int(event_id), article_id=str(article_id), source=source, target=target,
            source_actor=source_actor, target_actor=target_actor, plover=str(plover),
            quad_class=int(quad_class), intensity=float(intensity), negated=bool(negated),
            hypothetical=bool(hypothetical), day=day, approximate=approximate,
            tone=None if tone is None else float(tone),
        ))
    out.sort(key=lambda ev: (ev.day or date.max, ev.id))
    return out


@dataclass(frozen=True, slots=True)
class PeriodRow:
    """Summed ``event_days`` rows of one period and kind of event (``start`` None: undated)."""

    start: date | None
    quad_class: int
    negated: bool
    hypothetical: bool
    approximate: bool
    events: int
    intensity_sum: float
    tone_sum: float
    toned: int


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


def _period_start(session: Session, granularity: Granularity) -> Any:
    """SQL for the first day of ``event_days.day``'s period (month, or ISO week's Monday), as text
    without bound parameters so that PostgreSQL sees the same expression in GROUP BY."""
    column = "event_days.day"
    if session.get_bind().dialect.name == "postgresql":
        # date - integer is a date: cheaper than date_trunc, which goes through timestamptz.
        field = "ISODOW" if granularity == "week" else "DAY"
        sql = f"{column} - CAST(EXTRACT({field} FROM {column}) AS integer) + 1"
    elif granularity == "week":
        sql = f"date({column}, '-' || ((CAST(strftime('%w', {column}) AS INTEGER) + 6) % 7) || ' days')"
    else:
        sql = f"date({column}, 'start of month')"
    return literal_column(sql, type_=Date())


def fetch_period_rows(
    session: Session, a: str, b: str | None = None, *, directed: bool = False, rollup: bool = False,
    granularity: Granularity = "month", since: date | None = None, until: date | None = None,
) -> list[PeriodRow]:  # fmt: skip
    """The summary between ``a`` and ``b`` (the events :func:`fetch_pair_events` selects), summed
    in SQL per period and kind; days within ``since``..``until`` when given (undated then left out)."""
    d = EventDayRow
    a_ids = side_ids(session, a, rollup)
    b_ids = side_ids(session, b, rollup) if b is not None else None
    if b is not None and one_actor(session, a, b, rollup):
        return []
    start = _period_start(session, granularity).label("start")
    query = select(start, d.quad_class, d.negated, d.hypothetical, d.approximate, func.sum(d.events),
                   func.sum(d.intensity_sum), func.sum(d.tone_sum), func.sum(d.toned))  # fmt: skip
    query = query.where(pair_where(d.source_actor_id, d.target_actor_id, a_ids, b_ids, directed))
    if b is None:
        query = without_self(query, d.source_actor_id, d.target_actor_id, rollup)
    if since is not None:
        query = query.where(d.day >= since)
    if until is not None:
        query = query.where(d.day <= until, d.day > UNDATED)
    query = query.group_by(start, d.quad_class, d.negated, d.hypothetical, d.approximate)
    return [
        PeriodRow(None if day == UNDATED else day, int(quad_class), bool(negated), bool(hypothetical),
                  bool(approximate), int(events), float(intensity_sum), float(tone_sum), int(toned))
        for (day, quad_class, negated, hypothetical, approximate, events, intensity_sum, tone_sum,
             toned) in session.connection().execute(query)
    ]  # fmt: skip


@dataclass(slots=True)
class RelationPoint:
    """One period of a relation series; only events that happened enter counts and intensity.

    ``events``, ``hypothetical`` and ``negated`` are counts; the id lists hold those events' ids
    when ``ids_complete`` (series of at most :data:`ID_BOUND` events), else they are empty."""

    period: str
    start: date
    counts: dict[int, int] = field(default_factory=lambda: dict.fromkeys(QUAD_CLASSES, 0))
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


def _ordered(points: dict[Any, RelationPoint], granularity: Granularity, fill: bool) -> list[RelationPoint]:
    """The points by start, the empty periods between the first and last filled in when ``fill``
    (so a chart's time axis has no holes)."""
    ordered = sorted(points.values(), key=lambda p: p.start)
    if fill and ordered:
        complete = ordered[0].ids_complete
        filled, at = [], ordered[0].start
        by_start = {p.start: p for p in ordered}
        while at <= ordered[-1].start:
            empty = RelationPoint(period_of(at, granularity)[0], at, ids_complete=complete)
            filled.append(by_start.get(at) or empty)
            at = _next_period(at, granularity)
        ordered = filled
    return ordered


def bucket(
    events: list[PairEvent], granularity: Granularity, fill: bool = True
) -> tuple[list[RelationPoint], int]:
    """Events into period points, with their ids; returns the points and the undated count."""
    points: dict[str, RelationPoint] = {}
    undated = 0
    for ev in events:
        if ev.day is None:
            undated += 1
            continue
        label, start = period_of(ev.day, granularity)
        point = points.get(label)
        if point is None:
            point = points[label] = RelationPoint(label, start)
        tone = ev.tone if not (ev.negated or ev.hypothetical) else None
        point.add(ev.quad_class, ev.negated, ev.hypothetical, ev.approximate, 1, ev.intensity,
                  tone or 0.0, tone is not None)  # fmt: skip
        kind = point.negated_ids if ev.negated else point.hypothetical_ids if ev.hypothetical else None
        (point.event_ids if kind is None else kind).append(ev.id)
    return _ordered(points, granularity, fill), undated


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
            label, start = period_of(row.start, granularity)
            point = points[row.start] = RelationPoint(label, start, ids_complete=False)
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
