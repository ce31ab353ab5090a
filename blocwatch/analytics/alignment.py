"""Alignment of an actor toward another actor or a bloc: a signed, recency-weighted score.

What it measures: how cooperative the *actor's own acts* toward the other side have been, as
reported by the news.  Only events with the actor as source count (``actor -> toward``); the
reverse direction is the other side's alignment and is computed separately (the pair page shows
both).  Persons count for their country (a foreign minister's trip is her state's act; see
:mod:`blocwatch.analytics.relations` for the roll-up rule).

The score, in [-1, 1]::

    w_i     = recency_i * status_i * target_i
    recency = 0.5 ** (age_days / half_life_days)        age from ``as_of`` (default: the latest
                                                          counted event), half-life 180 days
    status  = 1 for events that happened, ``hypothetical_weight`` (0.5) for stated intentions
              and conditionals; negated events never count
    target  = 1 for events aimed at ``toward`` itself, ``member_weight`` (0.25) for events aimed at
              a member of the bloc ``toward`` *on the event's day*
    score   = sum(goldstein_i * w_i) / sum(|goldstein_i| * w_i)

so +1 means every weighted act was cooperative, -1 every act conflictual, and the magnitude of
Goldstein intensities decides how much each act weighs against the others.

``confidence = 1 - exp(-n / k)`` with ``n = sum(status_i * target_i * recency_i)`` (the weighted
volume of evidence, so stale evidence counts for less) and ``k = 5``: one fresh event gives 0.18,
five give 0.63, fifteen 0.95.

``trend`` compares the (unweighted by recency) score of the last ``trend_window_days`` (90) up to
``as_of`` with the window before it: ``warming``, ``cooling``, ``steady`` (|change| < 0.1), or
``unknown`` when either window is empty.

Blocs and their members.  Acts toward a bloc's members are partial evidence about the stance
toward the bloc: a state courting BRICS does so largely through Moscow and Beijing, and the bloc
rarely appears as a target itself.  But a member is not the bloc (North Korea's arms trade with
Russia is bilateral), so member events count at a quarter of the weight of acts aimed at the bloc,
only for dated full members on the event's day (from the knowledge base), and only for actors of
kind ``bloc`` — universal IGOs such as the UN would otherwise turn every event into an "alignment
toward the UN".  The result reports both parts (``direct`` and ``via_members``) so a reader can
see what drives the score; ``member_weight=0`` switches member evidence off.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocwatch.analytics.relations import PairEvent, fetch_pair_events
from blocwatch.knowledge import Entry, KnowledgeBase, shared_knowledge_base
from blocwatch.store.models import ActorRow, ArticleRow, EventRow

__all__ = ["Alignment", "AlignmentParams", "Weighted", "alignment", "label_for", "partners", "score_events"]


@dataclass(frozen=True, slots=True)
class AlignmentParams:
    half_life_days: float = 180.0
    confidence_k: float = 5.0
    hypothetical_weight: float = 0.5
    member_weight: float = 0.25
    trend_window_days: int = 90
    steady_band: float = 0.1
    rollup: bool = True


DEFAULT = AlignmentParams()


@dataclass(frozen=True, slots=True)
class Weighted:
    """One event as it enters a score: ``via`` is the member it targeted (None: direct)."""

    event: PairEvent
    via: str | None
    weight: float  # status * target * recency
    base: float  # status * target


def _ratio(items: list[tuple[float, float]]) -> float | None:
    num = sum(g * w for g, w in items)
    den = sum(abs(g) * w for g, w in items)
    if not items:
        return None
    return round(num / den, 4) if den > 0 else 0.0


def label_for(score: float | None, weighted: list[Weighted]) -> str:
    """A word for the score: cooperative, mixed, strained (verbal conflict) or hostile (material)."""
    if score is None:
        return "unknown"
    if score >= 0.2:
        return "cooperative"
    if score > -0.2:
        return "mixed"
    negative = [(w.event.quad_class, abs(w.event.intensity) * w.weight)
                for w in weighted if w.event.intensity < 0]
    material = sum(x for q, x in negative if q == 4)
    return "hostile" if material >= 0.5 * sum(x for _, x in negative) else "strained"


@dataclass(slots=True)
class Alignment:
    actor: str
    toward: str
    as_of: date | None
    score: float | None
    confidence: float
    label: str
    events: int
    articles: int
    direct: dict[str, Any]
    via_members: dict[str, Any]
    trend: dict[str, Any]
    params: AlignmentParams = DEFAULT
    evidence: list[dict[str, Any]] = field(default_factory=list)
    evidence_total: int = 0  # weighted events in all; ``evidence`` may hold only the strongest

    def to_json(self) -> dict[str, Any]:
        p = self.params
        return {
            "actor": self.actor,
            "toward": self.toward,
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "score": self.score,
            "confidence": self.confidence,
            "label": self.label,
            "events": self.events,
            "articles": self.articles,
            "direct": self.direct,
            "via_members": self.via_members,
            "trend": self.trend,
            "method": {
                "half_life_days": p.half_life_days,
                "confidence_k": p.confidence_k,
                "hypothetical_weight": p.hypothetical_weight,
                "member_weight": p.member_weight,
                "trend_window_days": p.trend_window_days,
            },
            "evidence": self.evidence,
            "evidence_total": self.evidence_total,
        }


def _weigh(candidates: list[tuple[PairEvent, str | None]], as_of: date, p: AlignmentParams) -> list[Weighted]:
    out = []
    for ev, via in candidates:
        assert ev.day is not None
        base = (p.hypothetical_weight if ev.hypothetical else 1.0) * (p.member_weight if via else 1.0)
        if base <= 0:
            continue
        age = max((as_of - ev.day).days, 0)
        out.append(Weighted(ev, via, base * 0.5 ** (age / p.half_life_days), base))
    return out


def _trend(weighted: list[Weighted], as_of: date, p: AlignmentParams) -> dict[str, Any]:
    window = timedelta(days=p.trend_window_days)
    recent = [(w.event.intensity, w.base) for w in weighted if w.event.day and w.event.day > as_of - window]
    previous = [(w.event.intensity, w.base) for w in weighted
                if w.event.day and as_of - 2 * window < w.event.day <= as_of - window]
    now, before = _ratio(recent), _ratio(previous)
    change = round(now - before, 4) if now is not None and before is not None else None
    if change is None:
        direction = "unknown"
    elif abs(change) < p.steady_band:
        direction = "steady"
    else:
        direction = "warming" if change > 0 else "cooling"
    return {"window_days": p.trend_window_days, "recent": now, "previous": before,
            "recent_events": len(recent), "previous_events": len(previous), "change": change,
            "direction": direction}


def score_events(
    actor: str, toward: str, candidates: list[tuple[PairEvent, str | None]],
    as_of: date | None = None, params: AlignmentParams = DEFAULT,
) -> tuple[Alignment, list[Weighted]]:
    """The alignment from already selected ``(event, via member)`` pairs (see module doc)."""
    kept = [(ev, via) for ev, via in candidates if not ev.negated and ev.day is not None]
    if as_of is None and kept:
        as_of = max(ev.day for ev, _ in kept if ev.day is not None)
    kept = [(ev, via) for ev, via in kept if as_of is not None and ev.day is not None and ev.day <= as_of]
    weighted = _weigh(kept, as_of, params) if as_of is not None else []
    score = _ratio([(w.event.intensity, w.weight) for w in weighted])
    volume = sum(w.weight for w in weighted)
    confidence = round(1 - math.exp(-volume / params.confidence_k), 4)

    def part(items: list[Weighted]) -> dict[str, Any]:
        return {"events": len(items), "score": _ratio([(w.event.intensity, w.weight) for w in items]),
                "weight": round(sum(abs(w.event.intensity) * w.weight for w in items), 4)}

    result = Alignment(
        actor=actor, toward=toward, as_of=as_of, score=score, confidence=confidence,
        label=label_for(score, weighted), events=len(weighted),
        articles=len({w.event.article_id for w in weighted}),
        direct=part([w for w in weighted if w.via is None]),
        via_members=part([w for w in weighted if w.via is not None]),
        trend=_trend(weighted, as_of, params) if as_of is not None else _trend([], date.min, params),
        params=params,
    )
    return result, weighted


def _bloc(kb: KnowledgeBase, toward: str) -> Entry | None:
    entry = kb.get(toward)
    return entry if entry is not None and entry.kind == "bloc" and entry.members else None


_ID_CHUNK = 5_000  # ids per IN (...): PostgreSQL takes at most 65,535 parameters a statement


def _evidence(session: Session, weighted: list[Weighted], limit: int | None = None) -> list[dict[str, Any]]:
    """The weighted events, strongest contribution first (the first ``limit`` of them), with
    their sentences; read in chunks of ids, so a pair with 100k events is no single statement."""
    ranked = sorted(weighted, key=lambda w: (-abs(w.event.intensity * w.weight), w.event.id))[:limit]
    ids = [w.event.id for w in ranked]
    rows: dict[int, Any] = {}
    for at in range(0, len(ids), _ID_CHUNK):
        rows.update((int(r.id), r) for r in session.execute(
            select(EventRow.id, EventRow.sentence, EventRow.trigger, ArticleRow.title, ArticleRow.published)
            .join(ArticleRow, ArticleRow.id == EventRow.article_id)
            .where(EventRow.id.in_(ids[at : at + _ID_CHUNK]))
        ))
    out = []
    for w in ranked:
        ev, row = w.event, rows.get(w.event.id)
        out.append({
            "event_id": ev.id, "article_id": ev.article_id,
            "article_title": row.title if row else None,
            "date": ev.day.isoformat() if ev.day else None,
            "source": ev.source_actor, "target": ev.target_actor, "via": w.via,
            "plover": ev.plover, "quad_class": ev.quad_class, "intensity": ev.intensity,
            "hypothetical": ev.hypothetical, "weight": round(w.weight, 4),
            "contribution": round(ev.intensity * w.weight, 4),
            "sentence": row.sentence if row else "", "trigger": row.trigger if row else "",
        })
    return out


def alignment(
    session: Session, actor: str, toward: str, *, as_of: date | None = None,
    params: AlignmentParams = DEFAULT, kb: KnowledgeBase | None = None, evidence: bool = True,
    evidence_limit: int | None = None,
) -> Alignment:
    """The alignment of ``actor`` toward ``toward`` (an actor or a bloc), with its evidence
    (all of it, or the ``evidence_limit`` strongest; ``evidence_total`` counts all)."""
    kb = kb or shared_knowledge_base()
    bloc = _bloc(kb, toward) if params.member_weight > 0 else None
    if bloc is None:
        events = fetch_pair_events(session, actor, toward, directed=True, rollup=params.rollup)
        candidates: list[tuple[PairEvent, str | None]] = [(ev, None) for ev in events]
    else:
        candidates = []
        for ev in fetch_pair_events(session, actor, None, directed=True, rollup=params.rollup):
            if ev.source != actor:
                continue  # ``actor`` was the target of this one
            if ev.target == toward:
                candidates.append((ev, None))
            elif ev.target != actor and kb.is_member(bloc.id, ev.target, ev.day):
                candidates.append((ev, ev.target))
    result, weighted = score_events(actor, toward, candidates, as_of, params)
    if evidence:
        result.evidence = _evidence(session, weighted, evidence_limit)
        result.evidence_total = len(weighted)
    return result


def partners(
    session: Session, actor: str, *, limit: int = 5, params: AlignmentParams = DEFAULT,
    kb: KnowledgeBase | None = None, as_of: date | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The actor's partners and rivals: counterparts of its acts ranked by score x confidence.

    One query for all of the actor's acts; blocs among the counterparts get their member
    evidence from the same events.  Items: id, name, kind, score, confidence, label, events.
    """
    kb = kb or shared_knowledge_base()
    events = [ev for ev in fetch_pair_events(session, actor, None, directed=True, rollup=params.rollup)
              if ev.source == actor and ev.target and ev.target != actor]
    by_target: dict[str, list[tuple[PairEvent, str | None]]] = defaultdict(list)
    for ev in events:
        assert ev.target is not None
        by_target[ev.target].append((ev, None))
    for target in list(by_target):
        bloc = _bloc(kb, target) if params.member_weight > 0 else None
        if bloc is not None:
            by_target[target] += [(ev, ev.target) for ev in events
                                  if ev.target != target and kb.is_member(bloc.id, ev.target, ev.day)]
    known = {
        str(r.id): (str(r.name), str(r.kind))
        for r in session.execute(
            select(ActorRow.id, ActorRow.name, ActorRow.kind).where(ActorRow.id.in_(list(by_target))))
    } if by_target else {}
    scored: list[dict[str, Any]] = []
    for target, candidates in by_target.items():
        result, _ = score_events(actor, target, candidates, as_of, params)
        if result.score is None:
            continue
        entry = kb.get(target)
        name, kind = known.get(target) or ((entry.name, entry.kind) if entry else (target, ""))
        scored.append({
            "id": target, "name": name, "kind": kind,
            "score": result.score, "confidence": result.confidence, "label": result.label,
            "events": result.events, "rank": round(result.score * result.confidence, 4),
        })
    good = sorted((s for s in scored if s["score"] > 0), key=lambda s: (-s["rank"], s["id"]))
    bad = sorted((s for s in scored if s["score"] < 0), key=lambda s: (s["rank"], s["id"]))
    return {"partners": good[:limit], "rivals": bad[:limit]}
