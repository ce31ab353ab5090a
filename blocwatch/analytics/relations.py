"""Relations over time between two actors (or one actor and everyone): counts and intensity.

:func:`relations` answers "what happened between A and B, month by month (or ISO week by week)":
per period, event counts by CAMEO quad class (1 verbal cooperation, 2 material cooperation,
3 verbal conflict, 4 material conflict), and the summed and mean Goldstein intensity.  Every
point carries the ids of its events, so a page can link each bar of a chart to the sentences
it was read from.  Each point also has ``tone_mean``, the mean tone of its counted events'
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

Everything is plain SQLAlchemy over ``events``, ``articles`` and ``actors`` (each side's ids, then
one query on the events indexes; bucketing happens in Python so it behaves the same on SQLite and
PostgreSQL).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import Session, aliased

from blocwatch.store.models import ActorRow, ArticleRow, EventRow

__all__ = [
    "QUAD_CLASSES",
    "ROLLUP_KINDS",
    "Granularity",
    "PairEvent",
    "RelationPoint",
    "Relations",
    "event_day",
    "fetch_pair_events",
    "period_of",
    "relations",
]

Granularity = Literal["month", "week"]
QUAD_CLASSES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict",
                4: "material conflict"}
ROLLUP_KINDS: tuple[str, ...] = ("person",)


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


def event_day(event_date: str | None, published: date | None) -> tuple[date | None, bool]:
    """The day an event is placed on and whether that day is an approximation (see module doc)."""
    text = (event_date or "").strip()
    if not text:
        return published, False
    try:
        if len(text) >= 10:
            return date.fromisoformat(text[:10]), False
        if len(text) == 8 and text[4:6] == "-W":
            # An ISO week: the publication day when it falls in that week, else the week's Monday.
            year, week = int(text[:4]), int(text[6:8])
            monday = date.fromisocalendar(year, week, 1)
            if published is not None and published.isocalendar()[:2] == (year, week):
                return published, False
            return monday, True
        if len(text) == 7:
            first = date(int(text[:4]), int(text[5:7]), 1)
        elif len(text) == 4:
            first = date(int(text), 1, 1)
        else:
            return published, published is not None
    except ValueError:
        return published, published is not None
    if published is not None and published.isoformat().startswith(text):
        return published, False
    return first, True


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


def _side_ids(session: Session, actor_id: str, rollup: bool) -> list[str]:
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


def fetch_pair_events(
    session: Session, a: str, b: str | None = None, *, directed: bool = False, rollup: bool = False
) -> list[PairEvent]:
    """The events between ``a`` and ``b`` (``a`` -> ``b`` only when ``directed``), oldest first.

    With ``b=None`` every event involving ``a`` (as source, when ``directed``) is returned.
    Negated and hypothetical events are included (flagged); self-relations are not.
    """
    src, tgt = aliased(ActorRow), aliased(ActorRow)
    e = EventRow
    a_ids = _side_ids(session, a, rollup)
    b_ids = _side_ids(session, b, rollup) if b is not None else []
    forward: ColumnElement[bool] = e.source_actor_id.in_(a_ids)
    if b is not None:
        forward = and_(forward, e.target_actor_id.in_(b_ids))
    if directed:
        where = forward
    elif b is not None:
        where = or_(forward, and_(e.source_actor_id.in_(b_ids), e.target_actor_id.in_(a_ids)))
    else:
        where = or_(forward, e.target_actor_id.in_(a_ids))
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
        .where(where)
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


@dataclass(slots=True)
class RelationPoint:
    """One period of a relation series; only events that happened enter counts and intensity."""

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

    @property
    def tone_mean(self) -> float | None:
        """Mean tone of the counted events with a tone (GDELT's AvgTone per point), or None."""
        return round(self.tone_sum / self.toned, 3) if self.toned else None

    @property
    def events(self) -> int:
        return len(self.event_ids)

    @property
    def intensity_mean(self) -> float | None:
        return round(self.intensity_sum / self.events, 3) if self.events else None

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
            "hypothetical": len(self.hypothetical_ids),
            "negated": len(self.negated_ids),
            "approximate": self.approximate,
            "event_ids": self.event_ids,
            "hypothetical_ids": self.hypothetical_ids,
            "negated_ids": self.negated_ids,
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
            "hypothetical": sum(len(p.hypothetical_ids) for p in self.points),
            "negated": sum(len(p.negated_ids) for p in self.points),
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
            "points": [p.to_json() for p in self.points],
        }


def bucket(
    events: list[PairEvent], granularity: Granularity, fill: bool = True
) -> tuple[list[RelationPoint], int]:
    """Events into period points (empty periods between the first and last filled in when
    ``fill``, so a chart's time axis has no holes); returns the points and the undated count."""
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
        if ev.negated:
            point.negated_ids.append(ev.id)
            continue
        if ev.hypothetical:
            point.hypothetical_ids.append(ev.id)
            continue
        point.counts[ev.quad_class] = point.counts.get(ev.quad_class, 0) + 1
        point.intensity_sum += ev.intensity
        if ev.tone is not None:
            point.tone_sum += ev.tone
            point.toned += 1
        point.event_ids.append(ev.id)
        point.approximate += ev.approximate
    ordered = sorted(points.values(), key=lambda p: p.start)
    if fill and ordered:
        filled, at = [], ordered[0].start
        by_start = {p.start: p for p in ordered}
        while at <= ordered[-1].start:
            filled.append(by_start.get(at) or RelationPoint(period_of(at, granularity)[0], at))
            at = _next_period(at, granularity)
        ordered = filled
    return ordered, undated


def relations(
    session: Session,
    a: str,
    b: str | None = None,
    *,
    directed: bool = False,
    granularity: Granularity = "month",
    rollup: bool = False,
    since: date | None = None,
    until: date | None = None,
    fill: bool = True,
) -> Relations:
    """The relation series of ``a`` and ``b`` by ``granularity`` ("month" or "week").

    ``directed`` keeps only ``a`` -> ``b`` events (``a`` as source when ``b`` is None);
    ``rollup`` counts persons for their country; ``since``/``until`` bound the days (inclusive).
    """
    if granularity not in ("month", "week"):
        raise ValueError(f"granularity must be 'month' or 'week', not {granularity!r}")
    events = fetch_pair_events(session, a, b, directed=directed, rollup=rollup)
    if since is not None or until is not None:
        events = [
            ev for ev in events
            if ev.day is not None
            and (since is None or ev.day >= since)
            and (until is None or ev.day <= until)
        ]
    points, undated = bucket(events, granularity, fill)
    return Relations(a, b, directed, granularity, rollup, points, undated)
