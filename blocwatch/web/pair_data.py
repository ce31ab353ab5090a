"""Data functions for the pair page and the actor page's relations block.

Like :mod:`blocwatch.web.data`, each function returns JSON-ready data only: the page and its
``.json`` twin are the same dict.  Links a page needs (pair pages, a chart point's events) are
part of the data, so API clients get them too.

The pair page shows the relation of two actors with persons rolled up to their country (a
foreign minister's acts are her state's), undirected, by month: quad-class counts and mean
Goldstein intensity for the chart, each month linking to ``?period=YYYY-MM`` where the events of
that month are listed with their evidence sentences; and the alignment of each side toward the
other (see :mod:`blocwatch.analytics.alignment`); and the shifts of the pair's relation and
alignment series (:mod:`blocwatch.analytics.shifts`), each with the events that drive it, whose
periods the chart marks with a vertical line.

The chart and the counts come from the per-day summary (:func:`fetch_period_rows`, see
:mod:`blocwatch.analytics.relations`); a busy pair's points carry counts without ids, and every
point has ``events_url``, its period's list.  That list is one page of SQL on ``events.day``
(:func:`period_event_ids`: ORDER BY day DESC, id DESC with LIMIT/OFFSET); without a period the
summary tells from which month on the page's events lie, so only that range of the pair index
is read.  ``events_total`` is summed from the summary, so nothing loads all the pair's events.
(Alignment and shifts still read the pair's events themselves.)
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from blocwatch.analytics import QUAD_CLASSES, AlignmentParams, alignment, partners
from blocwatch.analytics.relations import (
    ROLLUP_KINDS,
    PeriodRow,
    Relations,
    fetch_period_rows,
    one_actor,
    pair_where,
    relations,
    series_of,
    side_ids,
    without_self,
)
from blocwatch.analytics.shifts import pair_shifts
from blocwatch.knowledge import shared_knowledge_base
from blocwatch.store.models import ActorRow, ArticleRow, EventDayRow, EventRow
from blocwatch.web.data import actor_names
from blocwatch.web.layout import mark_parts

__all__ = [
    "actor_relations",
    "chart_data",
    "newest_bound",
    "pair_data",
    "pair_url",
    "period_event_ids",
    "period_range",
]

EVIDENCE_SHOWN = 10


def pair_url(a: str, b: str, period: str | None = None) -> str:
    """The pair page of ``a`` and ``b`` (ids keep their colon, as on actor pages)."""
    url = "/pairs/" + quote(a, safe=":-_.~") + "/" + quote(b, safe=":-_.~")
    return url + (f"?period={quote(period)}" if period else "")


def _actor(session: Session, actor_id: str) -> dict[str, Any] | None:
    row = session.get(ActorRow, actor_id)
    if row is not None:
        return {"id": row.id, "name": row.name, "kind": row.kind, "country": row.country}
    entry = shared_knowledge_base().get(actor_id)
    if entry is None:
        return None
    return {"id": entry.id, "name": entry.name, "kind": entry.kind, "country": entry.country}


def chart_data(series: Relations, link: Any = None) -> dict[str, Any]:
    """What ``charts.js`` draws: periods, one count series per quad class, the mean intensity,
    and (when ``link`` maps a period to a URL) where clicking a period leads."""
    return {
        "periods": [p.period for p in series.points],
        "quad_classes": {str(q): name for q, name in QUAD_CLASSES.items()},
        "counts": {str(q): [p.counts[q] for p in series.points] for q in QUAD_CLASSES},
        "mean_intensity": [p.intensity_mean for p in series.points],
        "links": [link(p.period) for p in series.points] if link else [],
    }


def period_range(period: str) -> tuple[date, date]:
    """The first day of a period label (``2025-03`` or ``2025-W11``) and of the next period;
    ValueError for a label that names no period."""
    if len(period) == 8 and period[4:6] == "-W":
        start = date.fromisocalendar(int(period[:4]), int(period[6:]), 1)
        return start, start + timedelta(days=7)
    if len(period) == 7 and period[4] == "-":
        start = date(int(period[:4]), int(period[5:]), 1)
        return start, date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    raise ValueError(f"not a month (YYYY-MM) or an ISO week (YYYY-Www): {period!r}")


def _between(session: Session, query: Any, source: Any, target: Any, a: str, b: str | None,
             directed: bool, rollup: bool) -> Any | None:  # fmt: skip
    """``query`` restricted to the rows between ``a`` and ``b`` as the timeline counts them (no
    self-relations), ``None`` when there can be none."""
    if b is not None and one_actor(session, a, b, rollup):
        return None
    b_ids = side_ids(session, b, rollup) if b is not None else None
    query = query.where(pair_where(source, target, side_ids(session, a, rollup), b_ids, directed))
    return without_self(query, source, target, rollup) if b is None else query


def period_event_ids(
    session: Session, a: str, b: str | None = None, period: str | None = None, *, directed: bool = False,
    rollup: bool = False, limit: int = 20, offset: int = 0, since: date | None = None,
) -> list[int]:  # fmt: skip
    """The ids of the events of ``period`` between ``a`` and ``b`` (all periods when None, undated
    events last), newest day first then newest id, one page: a chart point's evidence, read with
    SQL on ``events.day`` and its pair index rather than by loading every event of the pair.
    ``since`` (a day the caller knows the page lies after) bounds the index range read."""
    e = EventRow
    query = _between(session, select(e.id), e.source_actor_id, e.target_actor_id, a, b, directed, rollup)
    if query is None:
        return []
    if period is not None:
        try:
            start, end = period_range(period)
        except ValueError:  # e.g. week 53 of a year that has 52: a period with no events
            return []
        query = query.where(e.day >= start, e.day < end)
    if since is not None:
        query = query.where(e.day >= since)
    query = query.order_by(e.day.desc().nulls_last(), e.id.desc()).limit(limit).offset(offset)
    return [int(i) for i in session.connection().execute(query).scalars()]


def _events_in(session: Session, a: str, b: str, rows: list[PeriodRow], period: str | None) -> int:
    """How many events (of every kind) the pair has in ``period`` (all, undated too, when None)."""
    if period is None:
        return sum(row.events for row in rows)
    try:
        start, end = period_range(period)
    except ValueError:
        return 0
    d = EventDayRow
    total = select(func.coalesce(func.sum(d.events), 0)).where(d.day >= start, d.day < end)
    query = _between(session, total, d.source_actor_id, d.target_actor_id, a, b, False, True)
    return 0 if query is None else int(session.scalar(query) or 0)


def newest_bound(rows: list[PeriodRow], needed: int) -> date | None:
    """The first day of the oldest month the newest ``needed`` dated events reach back to, or
    None when they reach the undated ones: the listing's index range, known from the summary."""
    by_month: dict[date, int] = {}
    for row in rows:
        if row.start is not None:
            by_month[row.start] = by_month.get(row.start, 0) + row.events
    total = 0
    for start in sorted(by_month, reverse=True):
        total += by_month[start]
        if total >= needed:
            return start
    return None


def _event_items(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    """Full event dicts (evidence cut around the trigger, article title) in the order of ``ids``."""
    if not ids:
        return []
    rows = session.execute(
        select(EventRow, ArticleRow.title, ArticleRow.published)
        .join(ArticleRow, ArticleRow.id == EventRow.article_id)
        .where(EventRow.id.in_(ids))
    )
    found = {}
    for e, title, published in rows:
        trigger = e.trigger or ""
        found[e.id] = {
            "id": e.id, "source": e.source_actor_id, "target": e.target_actor_id, "plover": e.plover,
            "cameo": e.cameo, "quad_class": e.quad_class, "intensity": e.intensity,
            "negated": e.negated, "hypothetical": e.hypothetical, "date": e.event_date,
            "trigger": trigger, "article_id": e.article_id, "article_title": title,
            "article_published": published.isoformat() if published else None,
            "evidence": {"sentence": e.sentence, "start": e.sentence_start, "end": e.sentence_end,
                         "parts": mark_parts(e.sentence, [trigger] if trigger else [])},
        }
    return [found[i] for i in ids if i in found]


def _alignment_view(session: Session, actor: str, toward: str) -> dict[str, Any]:
    return alignment(session, actor, toward, evidence_limit=EVIDENCE_SHOWN).to_json()


def _shifts_view(session: Session, a: str, b: str, names: dict[str, str]) -> dict[str, Any]:
    """The shifts of the pair and, for the chart, one mark per period with a shift."""
    found = pair_shifts(session, a, b, names=names).to_json()
    marks: dict[str, list[str]] = {}
    for shift in found["shifts"]:
        marks.setdefault(shift["period"], []).append(f"{shift['direction']} ({shift['label']})")
    found["marks"] = [{"period": period, "label": "; ".join(labels)} for period, labels in marks.items()]
    return found


def pair_data(
    session: Session, a: str, b: str, period: str | None = None, page: int = 1, page_size: int = 20
) -> dict[str, Any] | None:
    """The pair page of ``a`` and ``b``; ``None`` when either actor is unknown (or they are one)."""
    first, second = _actor(session, a), _actor(session, b)
    if first is None or second is None or a == b:
        return None
    page = max(page, 1)
    rows = fetch_period_rows(session, a, b, rollup=True, granularity="month")
    series = series_of(session, a, b, rows, granularity="month", rollup=True)
    listed = _events_in(session, a, b, rows, period)
    offset = (page - 1) * page_size
    since = newest_bound(rows, offset + page_size) if period is None else None
    shown = _event_items(session, period_event_ids(session, a, b, period, rollup=True, limit=page_size,
                                                   offset=offset, since=since))  # fmt: skip
    both_ways = {"a_to_b": _alignment_view(session, a, b), "b_to_a": _alignment_view(session, b, a)}
    ids = [a, b, *(e[k] for e in shown for k in ("source", "target"))]
    ids += [ev[k] for al in both_ways.values() for ev in al["evidence"] for k in ("source", "target", "via")]
    names = actor_names(session, ids)
    names.setdefault(a, first["name"])
    names.setdefault(b, second["name"])
    shifts = _shifts_view(session, a, b, names)
    names.update(actor_names(session, [d[k] for s in shifts["shifts"] for d in s["drivers"]
                                       for k in ("source", "target")]))
    chart = chart_data(series, lambda p: pair_url(a, b, p))
    chart["shifts"] = [m for m in shifts["marks"] if m["period"] in chart["periods"]]
    timeline = series.to_json()
    for point in timeline["points"]:  # the evidence of a point, whether or not its ids are listed
        point["events_url"] = pair_url(a, b, point["period"])
    return {
        "a": first,
        "b": second,
        "url": pair_url(a, b),
        "reverse_url": pair_url(b, a),
        "relations": timeline,
        "chart": chart,
        "alignment": both_ways,
        "shifts": shifts,
        "period": period,
        "events": shown,
        "events_total": listed,
        "page": page,
        "page_size": page_size,
        "next_page": page + 1 if offset + page_size < listed else None,
        "actor_names": names,
    }


def actor_relations(session: Session, actor_id: str, limit: int = 5) -> dict[str, Any]:
    """The actor page's block: partners and rivals (with their pair pages) and a monthly chart
    of everything the actor did or suffered (persons counting for their country).

    On a person's own page nothing is rolled up: the page is about that person's acts."""
    row = session.get(ActorRow, actor_id)
    rollup = not (row is not None and row.kind in ROLLUP_KINDS)
    ranked = partners(session, actor_id, limit=limit, params=AlignmentParams(rollup=rollup))
    for items in ranked.values():
        for item in items:
            item["url"] = pair_url(actor_id, item["id"])
    # Counts only (id_bound=0): the block shows no event ids, so the summary alone answers.
    series = relations(session, actor_id, None, rollup=rollup, id_bound=0)
    return {**ranked, "totals": series.totals, "chart": chart_data(series)}
