"""Camps: communities of a signed, weighted actor graph, set against formal bloc memberships.

The graph.  Nodes are actors after roll-up (persons count for their country, organisations
keep their identity; see :mod:`blocwatch.analytics.relations`).  Each undirected pair gets one
edge whose weight sums its events::

    w_i = goldstein_i * recency_i * status_i
    recency = 0.5 ** (age_days / half_life_days)     age from ``as_of`` (``until`` or the latest
                                                     counted event), half-life 180 days
    status  = 1 for events that happened, ``hypothetical_weight`` (0.5) for intentions and
              conditionals; negated events never count

so cooperation (positive Goldstein) pulls a pair together and conflict pushes it apart, as in
:mod:`blocwatch.analytics.alignment`.  An edge's sign is the sign of its net weight; it keeps
its cooperative and conflictual parts and the ids of every event that made it (the evidence).
Pairs with fewer than ``min_events`` counted events are left out: one sentence is no alliance.

Detection.  Leiden (``leidenalg``) on two layers over the same nodes: the positive edges with
``ModularityVertexPartition`` at layer weight +1 and the negative edges at layer weight -1, via
``Optimiser.optimise_partition_multiplex`` — the signed modularity of Gómez, Jensen & Arenas
(2009): a camp gathers actors that cooperate more than chance and quarrel less than chance.
The optimiser's seed is fixed and the nodes are ordered by id, so a run is reproducible.
Communities of one actor are not camps; their actors are reported as ``unaligned``.

Measures.  Per camp: ``cohesion`` = the share of its members' cooperative weight that stays
inside the camp, ``frustration`` = the share of the camp's internal weight that is conflictual.
For the partition: ``frustration`` = (conflictual weight inside camps + cooperative weight
between camps) / all weight, the weighted frustration index of a signed graph (0: a perfect
split).

Blocs.  Formal blocs (knowledge-base kind ``bloc``, full members on ``as_of``; universal IGOs
such as the UN are left out, every state belongs) are compared only through their members that
appear in the graph — absent members cannot be in any camp.  Each camp lists the blocs it
overlaps most (Jaccard of the camp and the bloc's present members); each bloc lists how its
present members split across camps.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import igraph
import leidenalg
from sqlalchemy.orm import Session

from blocwatch.analytics.blocs import fetch_all_events
from blocwatch.analytics.relations import PairEvent
from blocwatch.knowledge import KnowledgeBase, shared_knowledge_base

__all__ = ["Camp", "CampParams", "Camps", "Edge", "build_edges", "camps", "detect_camps"]

BLOCS_PER_CAMP = 3


@dataclass(frozen=True, slots=True)
class CampParams:
    half_life_days: float = 180.0
    hypothetical_weight: float = 0.5
    min_events: int = 1
    seed: int = 0
    rollup: bool = True


DEFAULT = CampParams()


@dataclass(slots=True)
class Edge:
    """One undirected pair (``a`` < ``b``) and the weighted events between them."""

    a: str
    b: str
    positive: float = 0.0  # summed weight of cooperative events
    negative: float = 0.0  # summed |weight| of conflictual events
    event_ids: list[int] = field(default_factory=list)

    @property
    def weight(self) -> float:
        return self.positive - self.negative

    @property
    def events(self) -> int:
        return len(self.event_ids)

    def to_json(self) -> dict[str, Any]:
        return {"a": self.a, "b": self.b, "weight": round(self.weight, 4),
                "positive": round(self.positive, 4), "negative": round(self.negative, 4),
                "sign": 1 if self.weight > 0 else -1 if self.weight < 0 else 0,
                "events": self.events, "event_ids": self.event_ids}


@dataclass(slots=True)
class Camp:
    number: int
    members: list[str]
    cohesion: float
    frustration: float
    internal_positive: float
    internal_negative: float
    blocs: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "members": self.members, "size": len(self.members),
                "cohesion": self.cohesion, "frustration": self.frustration,
                "internal_positive": round(self.internal_positive, 4),
                "internal_negative": round(self.internal_negative, 4), "blocs": self.blocs}


@dataclass(slots=True)
class Camps:
    as_of: date | None
    since: date | None
    until: date | None
    params: CampParams
    nodes: list[str]
    edges: list[Edge]
    camps: list[Camp]
    unaligned: list[str]
    frustration: float | None
    blocs: list[dict[str, Any]] = field(default_factory=list)

    def camp_of(self, actor_id: str) -> int | None:
        return next((c.number for c in self.camps if actor_id in c.members), None)

    def to_json(self) -> dict[str, Any]:
        p = self.params
        return {
            "as_of": self.as_of.isoformat() if self.as_of else None,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "method": {"half_life_days": p.half_life_days, "hypothetical_weight": p.hypothetical_weight,
                       "min_events": p.min_events, "seed": p.seed, "rollup": p.rollup,
                       "algorithm": "leiden signed modularity (positive layer +1, negative layer -1)"},
            "nodes": [{"id": n, "camp": self.camp_of(n)} for n in self.nodes],
            "edges": [e.to_json() for e in self.edges],
            "camps": [c.to_json() for c in self.camps],
            "unaligned": self.unaligned,
            "frustration": self.frustration,
            "blocs": self.blocs,
        }


def build_edges(
    events: list[PairEvent], as_of: date, params: CampParams = DEFAULT,
) -> list[Edge]:
    """The signed edges from events already bounded by date (see module doc), sorted by pair."""
    edges: dict[tuple[str, str], Edge] = {}
    for ev in events:
        if ev.negated or ev.day is None or ev.day > as_of or not ev.source or not ev.target:
            continue
        if ev.source == ev.target or ev.intensity == 0:
            continue  # a neutral act says nothing about sides
        status = params.hypothetical_weight if ev.hypothetical else 1.0
        if status <= 0:
            continue
        a, b = sorted((ev.source, ev.target))
        edge = edges.get((a, b))
        if edge is None:
            edge = edges[(a, b)] = Edge(a, b)
        weight = ev.intensity * status * 0.5 ** (max((as_of - ev.day).days, 0) / params.half_life_days)
        if weight > 0:
            edge.positive += weight
        else:
            edge.negative -= weight
        edge.event_ids.append(ev.id)
    return [e for _, e in sorted(edges.items()) if e.events >= params.min_events and e.weight != 0]


def detect_camps(nodes: list[str], edges: list[Edge], seed: int = 0) -> list[list[str]]:
    """Leiden communities of the signed graph (every node in exactly one), largest first."""
    if not nodes:
        return []
    index = {n: i for i, n in enumerate(nodes)}
    positive = [e for e in edges if e.weight > 0]
    negative = [e for e in edges if e.weight < 0]
    if not positive:
        return [[n] for n in nodes]  # nobody cooperates: no camp can form

    def layer(chosen: list[Edge]) -> igraph.Graph:
        graph = igraph.Graph(n=len(nodes), edges=[(index[e.a], index[e.b]) for e in chosen])
        graph.es["weight"] = [abs(e.weight) for e in chosen]
        return graph

    partitions = [leidenalg.ModularityVertexPartition(layer(positive), weights="weight")]
    weights = [1.0]
    if negative:  # modularity of an edgeless layer divides by zero inside leidenalg
        partitions.append(leidenalg.ModularityVertexPartition(layer(negative), weights="weight"))
        weights.append(-1.0)
    optimiser = leidenalg.Optimiser()
    optimiser.set_rng_seed(seed)
    optimiser.optimise_partition_multiplex(partitions, layer_weights=weights)
    groups: dict[int, list[str]] = defaultdict(list)
    for node, community in zip(nodes, partitions[0].membership, strict=True):
        groups[community].append(node)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: (-len(g), g[0]))


def _measure(members: list[str], edges: list[Edge]) -> tuple[float, float, float, float]:
    """(cohesion, frustration, internal positive, internal negative) of one camp."""
    inside = set(members)
    internal_pos = sum(e.positive for e in edges if e.a in inside and e.b in inside)
    internal_neg = sum(e.negative for e in edges if e.a in inside and e.b in inside)
    touching_pos = sum(e.positive for e in edges if e.a in inside or e.b in inside)
    cohesion = round(internal_pos / touching_pos, 4) if touching_pos else 0.0
    total = internal_pos + internal_neg
    frustration = round(internal_neg / total, 4) if total else 0.0
    return cohesion, frustration, internal_pos, internal_neg


def _frustration(camp_of: dict[str, int], edges: list[Edge]) -> float | None:
    total = sum(e.positive + e.negative for e in edges)
    if not total:
        return None
    bad = 0.0
    for e in edges:
        same = camp_of.get(e.a) is not None and camp_of.get(e.a) == camp_of.get(e.b)
        bad += e.negative if same else e.positive
    return round(bad / total, 4)


def _jaccard(a: set[str], b: set[str]) -> float:
    return round(len(a & b) / len(a | b), 4) if a | b else 0.0


def _compare_blocs(result: Camps, kb: KnowledgeBase, on: date) -> None:
    """Fill each camp's closest blocs and each bloc's split across camps (see module doc)."""
    present = set(result.nodes)
    blocs: list[dict[str, Any]] = []
    for entry in kb.entries():
        if entry.kind != "bloc" or not entry.members:
            continue
        members = sorted(present & set(kb.members(entry.id, on)))
        if len(members) < 2:
            continue  # one present member cannot be split, and says nothing about a camp
        split: dict[str, list[str]] = defaultdict(list)
        for member in members:
            number = result.camp_of(member)
            split[str(number) if number is not None else "unaligned"].append(member)
        largest = max(len(v) for k, v in split.items() if k != "unaligned") if any(
            k != "unaligned" for k in split) else 0
        blocs.append({"id": entry.id, "name": entry.name, "present_members": members,
                      "split": dict(sorted(split.items())), "camps": sum(k != "unaligned" for k in split),
                      "concentration": round(largest / len(members), 4)})
    blocs.sort(key=lambda b: (-len(b["present_members"]), b["id"]))
    result.blocs = blocs
    for camp in result.camps:
        overlaps: list[dict[str, Any]] = [{"id": b["id"], "name": b["name"],
                     "jaccard": _jaccard(set(camp.members), set(b["present_members"])),
                     "shared": sorted(set(camp.members) & set(b["present_members"]))} for b in blocs]
        overlaps = [o for o in overlaps if o["jaccard"] > 0]
        overlaps.sort(key=lambda o: (-o["jaccard"], o["id"]))
        camp.blocs = overlaps[:BLOCS_PER_CAMP]


def camps(
    session: Session, *, since: date | None = None, until: date | None = None,
    params: CampParams = DEFAULT, kb: KnowledgeBase | None = None,
) -> Camps:
    """The camps of the actor graph built from the events dated ``since``..``until`` (inclusive)."""
    if params.min_events < 1:
        raise ValueError(f"min_events must be at least 1, not {params.min_events}")
    if since is not None and until is not None and since > until:
        raise ValueError(f"since ({since}) is after until ({until})")
    kb = kb or shared_knowledge_base()
    events = [ev for ev in fetch_all_events(session, params.rollup)
              if ev.day is not None and not ev.negated
              and (since is None or ev.day >= since) and (until is None or ev.day <= until)]
    as_of = until or max((ev.day for ev in events if ev.day is not None), default=None)
    edges = build_edges(events, as_of, params) if as_of is not None else []
    nodes = sorted({n for e in edges for n in (e.a, e.b)})
    groups = detect_camps(nodes, edges, params.seed)
    found: list[Camp] = []
    unaligned: list[str] = []
    for members in groups:
        if len(members) < 2:
            unaligned.extend(members)
            continue
        cohesion, frustration, pos, neg = _measure(members, edges)
        found.append(Camp(len(found) + 1, members, cohesion, frustration, pos, neg))
    camp_of = {m: c.number for c in found for m in c.members}
    result = Camps(as_of, since, until, params, nodes, edges, found, sorted(unaligned),
                   _frustration(camp_of, edges))
    if as_of is not None:
        _compare_blocs(result, kb, as_of)
    return result
