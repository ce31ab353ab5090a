"""Shifts with reasons: change points in a pair's relation and alignment series, explained.

The series (one value per period, month or ISO week, that has counted events; empty periods are
left out rather than invented as zeros).  Events and days as in
:mod:`blocwatch.analytics.relations` (persons roll up to their country, negated events never
count):

* ``intensity`` — the mean Goldstein intensity of the pair's events that happened (both ways);
* ``cooperation`` — their share of cooperation (quad classes 1 and 2);
* ``alignment`` / ``alignment_reverse`` — the period's alignment of ``a`` toward ``b`` (and of
  ``b`` toward ``a``): the alignment ratio ``sum(g*w) / sum(|g|*w)`` of that side's own acts in
  the period, hypothetical acts at weight 0.5 (see :mod:`blocwatch.analytics.alignment`; no
  recency decay inside one period, and only acts aimed at the other side itself).

Detection: ``ruptures.Pelt`` with the least-squares cost (``model="l2"``, a change of mean),
segments of at least ``min_size`` (2) periods, and the BIC-style penalty for a mean change in
Gaussian noise::

    penalty = penalty_factor * sigma**2 * log(n)        penalty_factor = 2

where ``sigma`` is the noise level estimated robustly from the first differences
(``MAD / 0.6745 / sqrt 2``), floored at the series' unit (1 Goldstein point; 0.1 for shares and
ratios) so a perfectly clean step is not cut at every wobble.  A series shorter than
``2 * min_size`` periods has no shift.  A detected break whose levels differ by less than the
series' ``min_change`` (1 Goldstein point; 0.2 for shares and ratios) is not reported.

Each shift: the first period after the break, the mean level of the segment before and after,
``direction`` (``warming`` when the level rises, else ``cooling``), ``magnitude`` and the events
that drive it: the events of the ``window`` (2) periods from the break whose value departs from
the old level in the direction of the change, ranked by that departure, with their evidence
(article, sentence, offsets).
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import ruptures
from sqlalchemy import select
from sqlalchemy.orm import Session

from blocwatch.analytics.relations import Granularity, PairEvent, fetch_pair_events, period_of
from blocwatch.store.models import ArticleRow, EventRow

__all__ = ["SIGNALS", "PairShifts", "Shift", "ShiftParams", "change_points", "pair_shifts"]

# name -> (label, unit floor of sigma, smallest change reported)
SIGNALS: dict[str, tuple[str, float, float]] = {
    "intensity": ("mean intensity", 1.0, 1.0),
    "cooperation": ("cooperation share", 0.1, 0.2),
    "alignment": ("alignment {a} → {b}", 0.1, 0.2),
    "alignment_reverse": ("alignment {b} → {a}", 0.1, 0.2),
}


@dataclass(frozen=True, slots=True)
class ShiftParams:
    penalty_factor: float = 2.0
    min_size: int = 2
    window: int = 2
    drivers: int = 5
    hypothetical_weight: float = 0.5


DEFAULT = ShiftParams()


def change_points(values: list[float], unit: float, params: ShiftParams = DEFAULT) -> list[int]:
    """Indices where a new segment starts (PELT, l2 cost, penalty of the module doc)."""
    n = len(values)
    if n < 2 * params.min_size:
        return []
    diffs = np.diff(np.asarray(values, dtype=float))
    mad = float(np.median(np.abs(diffs - np.median(diffs))))
    sigma = max(mad / 0.6745 / math.sqrt(2), unit)
    penalty = params.penalty_factor * sigma**2 * math.log(n)
    signal = np.asarray(values, dtype=float).reshape(-1, 1)
    ends = ruptures.Pelt(model="l2", min_size=params.min_size, jump=1).fit(signal).predict(pen=penalty)
    return [int(k) for k in ends[:-1]]


@dataclass(slots=True)
class Shift:
    series: str
    label: str
    period: str
    start: date
    before: float
    after: float
    drivers: list[dict[str, Any]] = field(default_factory=list)

    @property
    def change(self) -> float:
        return round(self.after - self.before, 4)

    def to_json(self) -> dict[str, Any]:
        return {"series": self.series, "label": self.label, "period": self.period,
                "start": self.start.isoformat(), "before": self.before, "after": self.after,
                "change": self.change, "magnitude": abs(self.change),
                "direction": "warming" if self.change > 0 else "cooling", "drivers": self.drivers}


@dataclass(slots=True)
class PairShifts:
    a: str
    b: str
    granularity: Granularity
    params: ShiftParams
    series: dict[str, dict[str, Any]]
    shifts: list[Shift]

    def to_json(self) -> dict[str, Any]:
        p = self.params
        return {"a": self.a, "b": self.b, "granularity": self.granularity,
                "method": {"algorithm": "ruptures.Pelt, l2 cost", "penalty": "factor * sigma^2 * log(n)",
                           "penalty_factor": p.penalty_factor, "min_size": p.min_size,
                           "window": p.window, "hypothetical_weight": p.hypothetical_weight},
                "series": self.series, "shifts": [s.to_json() for s in self.shifts]}


def _ratio(items: list[tuple[float, float]]) -> float | None:
    den = sum(abs(g) * w for g, w in items)
    return sum(g * w for g, w in items) / den if den > 0 else None


def _value(name: str, event: PairEvent) -> float:
    """What one event says on a series' scale (its departure from a level ranks it as a driver)."""
    if name == "cooperation":
        return 1.0 if event.quad_class in (1, 2) else 0.0
    if name == "intensity":
        return event.intensity
    return math.copysign(1.0, event.intensity) if event.intensity else 0.0  # alignment: a signed act


def _series_events(name: str, a: str, b: str, events: list[PairEvent]) -> list[PairEvent]:
    if name == "alignment":
        return [ev for ev in events if ev.source == a and ev.target == b]
    if name == "alignment_reverse":
        return [ev for ev in events if ev.source == b and ev.target == a]
    return [ev for ev in events if not ev.hypothetical]


def _level(name: str, events: list[PairEvent], params: ShiftParams) -> float | None:
    if name == "intensity":
        return statistics.fmean(ev.intensity for ev in events) if events else None
    if name == "cooperation":
        return statistics.fmean(_value(name, ev) for ev in events) if events else None
    return _ratio([(ev.intensity, params.hypothetical_weight if ev.hypothetical else 1.0) for ev in events])


def _evidence(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = session.execute(
        select(EventRow.id, EventRow.sentence, EventRow.sentence_start, EventRow.sentence_end,
               EventRow.trigger, ArticleRow.title)
        .join(ArticleRow, ArticleRow.id == EventRow.article_id).where(EventRow.id.in_(ids)))
    return {int(r.id): {"sentence": r.sentence, "start": r.sentence_start, "end": r.sentence_end,
                        "trigger": r.trigger or "", "article_title": r.title} for r in rows}


def _detect(name: str, label: str, by_period: dict[str, list[PairEvent]], params: ShiftParams,
            granularity: Granularity) -> tuple[dict[str, Any], list[Shift]]:
    _, unit, min_change = SIGNALS[name]
    periods, values = [], []
    for period in sorted(by_period, key=lambda p: period_of_label(p, granularity)):
        level = _level(name, by_period[period], params)
        if level is not None:
            periods.append(period)
            values.append(level)
    breaks = change_points(values, unit, params)
    bounds = [0, *breaks, len(values)]
    shifts = []
    for i, k in enumerate(breaks):
        before = round(statistics.fmean(values[bounds[i]:k]), 4)
        after = round(statistics.fmean(values[k:bounds[i + 2]]), 4)
        if abs(after - before) < min_change:
            continue
        shift = Shift(name, label, periods[k], period_of_label(periods[k], granularity), before, after)
        sign = 1.0 if after > before else -1.0
        scored = [(round((_value(name, ev) - before) * sign, 4), ev)
                  for p in periods[k:k + params.window] for ev in by_period[p]]
        scored = [(c, ev) for c, ev in scored if c > 0]
        scored.sort(key=lambda item: (-item[0], item[1].day or date.min, item[1].id))
        shift.drivers = [{"event_id": ev.id, "article_id": ev.article_id,
                          "date": ev.day.isoformat() if ev.day else None,
                          "source": ev.source_actor, "target": ev.target_actor, "plover": ev.plover,
                          "quad_class": ev.quad_class, "intensity": ev.intensity,
                          "hypothetical": ev.hypothetical, "contribution": c}
                         for c, ev in scored[:params.drivers]]
        shifts.append(shift)
    summary = {"label": label, "periods": periods, "values": [round(v, 4) for v in values],
               "too_short": len(values) < 2 * params.min_size}
    return summary, shifts


def period_of_label(label: str, granularity: Granularity) -> date:
    """The first day of a period label made by :func:`period_of`."""
    if granularity == "week":
        year, week = label.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    return date(int(label[:4]), int(label[5:7]), 1)


def pair_shifts(
    session: Session, a: str, b: str, *, granularity: Granularity = "month",
    since: date | None = None, until: date | None = None, params: ShiftParams = DEFAULT,
    names: dict[str, str] | None = None,
) -> PairShifts:
    """The shifts in the relation and alignment series of ``a`` and ``b`` (see module doc);
    ``names`` (id -> display name) words the alignment series' labels."""
    if granularity not in ("month", "week"):
        raise ValueError(f"granularity must be 'month' or 'week', not {granularity!r}")
    if params.min_size < 1 or params.window < 1:
        raise ValueError("min_size and window must be at least 1")
    events = [ev for ev in fetch_pair_events(session, a, b, directed=False, rollup=True)
              if not ev.negated and ev.day is not None
              and (since is None or ev.day >= since) and (until is None or ev.day <= until)]
    names = names or {}
    series: dict[str, dict[str, Any]] = {}
    shifts: list[Shift] = []
    for name, (template, _, _) in SIGNALS.items():
        by_period: dict[str, list[PairEvent]] = defaultdict(list)
        for ev in _series_events(name, a, b, events):
            assert ev.day is not None
            by_period[period_of(ev.day, granularity)[0]].append(ev)
        label = template.format(a=names.get(a, a), b=names.get(b, b))
        series[name], found = _detect(name, label, by_period, params, granularity)
        shifts += found
    evidence = _evidence(session, sorted({d["event_id"] for s in shifts for d in s.drivers}))
    for shift in shifts:
        for driver in shift.drivers:
            driver.update(evidence.get(driver["event_id"], {}))
    shifts.sort(key=lambda s: (s.start, list(SIGNALS).index(s.series)))
    return PairShifts(a, b, granularity, params, series, shifts)
