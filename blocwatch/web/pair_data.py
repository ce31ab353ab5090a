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
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocwatch.analytics import (
    QUAD_CLASSES,
    AlignmentParams,
    alignment,
    fetch_pair_events,
    partners,
    period_of,
)
from blocwatch.analytics.relations import ROLLUP_KINDS, Granularity, Relations, bucket
from blocwatch.analytics.shifts import pair_shifts
from blocwatch.knowledge import shared_knowledge_base
from blocwatch.store.models import ActorRow, ArticleRow, EventRow
from blocwatch.web.data import actor_names
from blocwatch.web.layout import mark_parts

__all__ = ["actor_relations", "chart_data", "pair_data", "pair_url"]

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


def _in_period(day: date | None, period: str) -> bool:
    if day is None:
        return False
    granularity: Granularity = "week" if "-W" in period else "month"
    return period_of(day, granularity)[0] == period


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
    out = alignment(session, actor, toward).to_json()
    out["evidence_total"] = len(out["evidence"])
    out["evidence"] = out["evidence"][:EVIDENCE_SHOWN]
    return out


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
    events = fetch_pair_events(session, a, b, directed=False, rollup=True)
    points, undated = bucket(events, "month")
    series = Relations(a, b, False, "month", True, points, undated)
    listed = [ev for ev in events if period is None or _in_period(ev.day, period)]
    listed.sort(key=lambda ev: (ev.day or date.min, ev.id), reverse=True)
    offset = (page - 1) * page_size
    shown = _event_items(session, [ev.id for ev in listed[offset : offset + page_size]])
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
    return {
        "a": first,
        "b": second,
        "url": pair_url(a, b),
        "reverse_url": pair_url(b, a),
        "relations": series.to_json(),
        "chart": chart,
        "alignment": both_ways,
        "shifts": shifts,
        "period": period,
        "events": shown,
        "events_total": len(listed),
        "page": page,
        "page_size": page_size,
        "next_page": page + 1 if offset + page_size < len(listed) else None,
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
    events = fetch_pair_events(session, actor_id, None, directed=False, rollup=rollup)
    points, undated = bucket(events, "month")
    series = Relations(actor_id, None, False, "month", rollup, points, undated)
    return {**ranked, "totals": series.totals, "chart": chart_data(series)}
