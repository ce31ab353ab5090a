"""Blocs as the news shows them: members over time, candidates, aligned outsiders, a world map.

A bloc (kind ``bloc`` or ``igo`` in the knowledge base, with dated memberships) gets:

* its **timeline**: every membership with its status (member, partner, observer, invited,
  candidate, suspended) and its inclusive ``start``/``end`` days, and the count of full members
  after each change — straight from the knowledge base, no news needed;
* its **candidates**: actors holding a non-member status on the day asked (default today);
* **aligned non-members** (and opposed ones): every actor of kind state/territory that is not a
  full member, ranked by its alignment toward the bloc (:mod:`blocwatch.analytics.alignment`:
  recency-weighted Goldstein ratio, member acts counting at ``member_weight`` for kind ``bloc``)
  times its confidence, so one warm sentence ranks below a steady record; each with its
  evidence volume and its weightiest sentences;
* **drifting members**: full members with the lowest alignment toward their own bloc.

The **map** gives every country's alignment toward one actor or bloc.  Both read the store in a
single pass: one query for every event (persons rolled up to their country, as the alignment
does), one for the sources' names and kinds, then all sources are scored in Python from the same
event list — never a query per country.  :func:`scores_toward` applies exactly the selection
rule of :func:`blocwatch.analytics.alignment.alignment`, so a country's map score equals its
alignment computed alone (the tests check this).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from blocwatch.analytics.alignment import DEFAULT, Alignment, AlignmentParams, Weighted, score_events
from blocwatch.analytics.relations import PairEvent, _effective, event_day
from blocwatch.knowledge import Entry, KnowledgeBase, shared_knowledge_base
from blocwatch.knowledge.model import Membership
from blocwatch.store.models import ActorRow, ArticleRow, EventRow

__all__ = [
    "BLOC_KINDS",
    "COUNTRY_KINDS",
    "Scored",
    "alignment_map",
    "bloc_entry",
    "bloc_profile",
    "fetch_all_events",
    "member_counts",
    "scores_toward",
    "timeline",
]

BLOC_KINDS = ("bloc", "igo")
COUNTRY_KINDS = ("state", "territory")
EVIDENCE_PER_ITEM = 3
CANDIDATE_STATUSES = ("candidate", "invited", "partner", "observer", "suspended")


@dataclass(slots=True)
class Scored:
    """One actor's alignment toward the bloc (or map target) and the events behind it."""

    alignment: Alignment
    weighted: list[Weighted]


def bloc_entry(kb: KnowledgeBase, bloc_id: str) -> Entry | None:
    """The knowledge-base entry of a bloc or IGO with memberships (ids match case-insensitively)."""
    entry = kb.get(bloc_id) or kb.get(bloc_id.upper())
    return entry if entry is not None and entry.kind in BLOC_KINDS and entry.members else None


def fetch_all_events(session: Session, rollup: bool = True) -> list[PairEvent]:
    """Every stored event with sides after roll-up and its day (one query; see relations.py)."""
    src, tgt, e = aliased(ActorRow), aliased(ActorRow), EventRow
    rows = session.execute(
        select(e.id, e.article_id, e.source_actor_id, e.target_actor_id, e.plover, e.quad_class,
               e.intensity, e.negated, e.hypothetical, e.event_date, ArticleRow.published,
               src.kind, src.country, tgt.kind, tgt.country)
        .join(ArticleRow, ArticleRow.id == e.article_id)
        .outerjoin(src, src.id == e.source_actor_id)
        .outerjoin(tgt, tgt.id == e.target_actor_id)
        .where(e.source_actor_id.is_not(None), e.target_actor_id.is_not(None))
        .order_by(e.id)
    )
    out = []
    for r in rows:
        source = _effective(r[2], r[11], r[12], rollup)
        target = _effective(r[3], r[13], r[14], rollup)
        if source == target:
            continue  # self-relations, as in fetch_pair_events
        day, approximate = event_day(r.event_date, r.published)
        out.append(PairEvent(
            id=int(r.id), article_id=str(r.article_id), source=source, target=target,
            source_actor=r[2], target_actor=r[3], plover=str(r.plover), quad_class=int(r.quad_class),
            intensity=float(r.intensity), negated=bool(r.negated), hypothetical=bool(r.hypothetical),
            day=day, approximate=approximate,
        ))
    return out


def _full_members(entry: Entry) -> dict[str, list[Membership]]:
    index: dict[str, list[Membership]] = defaultdict(list)
    for m in entry.members:
        if m.status == "member":
            index[m.member].append(m)
    return index


def scores_toward(
    events: list[PairEvent], toward: str, kb: KnowledgeBase, params: AlignmentParams = DEFAULT,
    as_of: date | None = None,
) -> dict[str, Scored]:
    """Every source actor's alignment toward ``toward``, from one list of events.

    The rule of ``alignment()``: acts aimed at ``toward`` count in full; when ``toward`` is a
    bloc (kind ``bloc``), acts aimed at one of its full members on the event's day count at
    ``member_weight`` (for sources other than that member)."""
    entry = kb.get(toward)
    members = (_full_members(entry) if entry is not None and entry.kind == "bloc" and entry.members
               and params.member_weight > 0 else {})
    by_source: dict[str, list[tuple[PairEvent, str | None]]] = defaultdict(list)
    for ev in events:
        if ev.source is None or ev.source == toward:
            continue
        if ev.target == toward or ev.target_actor == toward:
            by_source[ev.source].append((ev, None))
        elif ev.target in members and ev.day is not None and ev.target != ev.source and any(
                m.held_on(ev.day) for m in members[ev.target]):
            by_source[ev.source].append((ev, ev.target))
    scored = {}
    for source, candidates in by_source.items():
        result, weighted = score_events(source, toward, candidates, as_of, params)
        if result.score is not None:
            scored[source] = Scored(result, weighted)
    return scored


def _describe(session: Session, kb: KnowledgeBase, ids: list[str]) -> dict[str, tuple[str, str]]:
    """``{id: (name, kind)}`` from the store, falling back to the knowledge base."""
    found = {str(r.id): (str(r.name), str(r.kind)) for r in session.execute(
        select(ActorRow.id, ActorRow.name, ActorRow.kind).where(ActorRow.id.in_(ids)))} if ids else {}
    for actor_id in ids:
        entry = kb.get(actor_id)
        if actor_id not in found and entry is not None:
            found[actor_id] = (entry.name, entry.kind)
    return found


def alignment_map(
    session: Session, toward: str, *, kb: KnowledgeBase | None = None,
    params: AlignmentParams = DEFAULT, as_of: date | None = None,
) -> list[dict[str, Any]]:
    """Every country's alignment toward ``toward`` (an actor or a bloc), best first.

    Items: id, name, score, confidence, label, events, articles.  Only sources of kind state or
    territory are countries on a map; ``toward`` itself is left out."""
    kb = kb or shared_knowledge_base()
    scored = scores_toward(fetch_all_events(session, params.rollup), toward, kb, params, as_of)
    described = _describe(session, kb, sorted(scored))
    out = []
    for actor_id, item in scored.items():
        name, kind = described.get(actor_id, (actor_id, ""))
        if kind not in COUNTRY_KINDS:
            continue
        al = item.alignment
        out.append({"id": actor_id, "name": name, "score": al.score, "confidence": al.confidence,
                    "label": al.label, "events": al.events, "articles": al.articles})
    return sorted(out, key=lambda c: (-c["score"], c["id"]))


def timeline(entry: Entry, kb: KnowledgeBase) -> list[dict[str, Any]]:
    """The bloc's memberships, earliest first: member id and name, status, start, end."""
    rows = sorted(entry.members, key=lambda m: (m.start or date.min, m.member, m.status))
    return [{"id": m.member, "name": _name(kb, m.member), "status": m.status,
             "start": m.start.isoformat() if m.start else None, "end": m.end.isoformat() if m.end else None}
            for m in rows]


def member_counts(entry: Entry) -> list[dict[str, Any]]:
    """The number of full members from each day it changed (ends are inclusive, so a member
    leaving on ``end`` is gone the day after)."""
    changes: dict[date, int] = defaultdict(int)
    for m in entry.members:
        if m.status != "member":
            continue
        changes[m.start or date.min] += 1
        if m.end is not None:
            changes[m.end + timedelta(days=1)] -= 1
    out, count = [], 0
    for day in sorted(changes):
        count += changes[day]
        out.append({"date": None if day == date.min else day.isoformat(), "members": count})
    return out


def _evidence(session: Session, weighted: dict[str, list[Weighted]]) -> dict[str, list[dict[str, Any]]]:
    """The weightiest events of each listed actor with their sentences (one query for all)."""
    top = {a: sorted(ws, key=lambda w: (-abs(w.event.intensity * w.weight), w.event.id))[:EVIDENCE_PER_ITEM]
           for a, ws in weighted.items()}
    ids = [w.event.id for ws in top.values() for w in ws]
    rows = {int(r.id): r for r in session.execute(
        select(EventRow.id, EventRow.sentence, EventRow.trigger, ArticleRow.title)
        .join(ArticleRow, ArticleRow.id == EventRow.article_id).where(EventRow.id.in_(ids)))} if ids else {}
    out: dict[str, list[dict[str, Any]]] = {}
    for actor_id, ws in top.items():
        out[actor_id] = []
        for w in ws:
            ev, row = w.event, rows.get(w.event.id)
            out[actor_id].append({
                "event_id": ev.id, "article_id": ev.article_id,
                "article_title": row.title if row else None, "date": ev.day.isoformat() if ev.day else None,
                "source": ev.source_actor, "target": ev.target_actor, "via": w.via, "plover": ev.plover,
                "intensity": ev.intensity, "hypothetical": ev.hypothetical,
                "contribution": round(ev.intensity * w.weight, 4),
                "sentence": row.sentence if row else "", "trigger": row.trigger if row else "",
            })
    return out


def _status_on(entry: Entry, actor_id: str, on: date) -> str | None:
    held = [m for m in entry.members if m.member == actor_id and m.held_on(on)]
    if any(m.status == "member" for m in held):
        return "member"
    return max(held, key=lambda m: m.start or date.min).status if held else None


def _name(kb: KnowledgeBase, actor_id: str) -> str:
    entry = kb.get(actor_id)
    return entry.name if entry is not None else actor_id


def _candidates(entry: Entry, kb: KnowledgeBase, on: date, members: set[str]) -> list[dict[str, Any]]:
    """Actors holding a non-member status on ``on`` (the strongest status first), with since when."""
    out = []
    for status in CANDIDATE_STATUSES:
        for actor_id in entry.members_on(on, status):
            if actor_id in members:
                continue
            starts = [m.start for m in entry.members
                      if m.member == actor_id and m.status == status and m.held_on(on) and m.start]
            out.append({"id": actor_id, "name": _name(kb, actor_id), "status": status,
                        "since": min(starts).isoformat() if starts else None})
    return out


def bloc_profile(
    session: Session, bloc_id: str, *, kb: KnowledgeBase | None = None, on: date | None = None,
    params: AlignmentParams = DEFAULT, limit: int = 10,
) -> dict[str, Any] | None:
    """The bloc page's analytics (see module doc); ``None`` when ``bloc_id`` is not a bloc/IGO.

    ``on`` (default today) decides who is a member or a candidate; the alignment scores take
    their own ``as_of`` (each actor's latest counted event), as ``alignment()`` does."""
    kb = kb or shared_knowledge_base()
    entry = bloc_entry(kb, bloc_id)
    if entry is None:
        return None
    on = on or date.today()
    members = set(entry.members_on(on))
    scored = scores_toward(fetch_all_events(session, params.rollup), entry.id, kb, params)
    described = _describe(session, kb, sorted(set(scored) | members))

    def item(actor_id: str, s: Scored) -> dict[str, Any]:
        al = s.alignment
        return {"id": actor_id, "name": described.get(actor_id, (actor_id, ""))[0],
                "status": _status_on(entry, actor_id, on), "score": al.score,
                "confidence": al.confidence, "label": al.label, "events": al.events,
                "articles": al.articles, "direct_events": al.direct["events"],
                "via_members_events": al.via_members["events"], "trend": al.trend["direction"],
                "rank": round((al.score or 0.0) * al.confidence, 4)}

    outsiders = [item(a, s) for a, s in scored.items()
                 if a not in members and described.get(a, ("", ""))[1] in COUNTRY_KINDS]
    aligned = sorted((i for i in outsiders if i["score"] > 0), key=lambda i: (-i["rank"], i["id"]))[:limit]
    opposed = sorted((i for i in outsiders if i["score"] < 0), key=lambda i: (i["rank"], i["id"]))[:limit]
    drifting = sorted((item(a, s) for a, s in scored.items() if a in members),
                      key=lambda i: (i["score"], -i["confidence"], i["id"]))[:limit]
    listed = aligned + opposed + drifting
    evidence = _evidence(session, {i["id"]: scored[i["id"]].weighted for i in listed})
    for i in listed:
        i["evidence"] = evidence.get(i["id"], [])
    candidates = _candidates(entry, kb, on, members)
    return {
        "bloc": {"id": entry.id, "name": entry.name, "kind": entry.kind, "cameo": entry.cameo},
        "on": on.isoformat(),
        "members": [{"id": m, "name": _name(kb, m)} for m in sorted(members)],
        "timeline": timeline(entry, kb),
        "member_counts": member_counts(entry),
        "candidates": candidates,
        "aligned": aligned,
        "opposed": opposed,
        "drifting": drifting,
        "member_evidence": entry.kind == "bloc" and params.member_weight > 0,
        "method": {"half_life_days": params.half_life_days, "confidence_k": params.confidence_k,
                   "member_weight": params.member_weight, "rank": "score x confidence"},
    }
