"""Data functions for the bloc pages (``/blocs``, ``/blocs/{id}``) and the world map (``/map``).

As everywhere on the site, a page and its ``.json`` twin are the same dict, links included.
The analytics are :mod:`blocwatch.analytics.blocs`; this module adds what a page needs around
them: links to actor and pair pages, the data islands the browser draws from (the membership
timeline, the map's countries), and the resolution of the map's free-text "actor" field.

The map field accepts an actor id (``PRK``, ``BRICS``, ``person:kim-jong-un``) or a name the
knowledge base knows ("North Korea"); anything else is reported back as unknown by name, never
guessed.  Country geometry and the numeric->ISO3 table are static files; the data says where.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from blocwatch.analytics.blocs import BLOC_KINDS, alignment_map, bloc_entry, bloc_profile
from blocwatch.knowledge import KnowledgeBase, shared_knowledge_base
from blocwatch.store.models import ActorRow, EventRow
from blocwatch.web.data import actor_names
from blocwatch.web.pair_data import pair_url
from blocwatch.web.render import actor_url

__all__ = ["GEOMETRY_URL", "CODES_URL", "bloc_data", "bloc_url", "blocs_data", "map_data", "resolve_actor"]

GEOMETRY_URL = "/static/world-atlas-countries-110m.json"
CODES_URL = "/static/country-codes.json"
MAP_CHOICES = 30


def bloc_url(bloc_id: str) -> str:
    return f"/blocs/{bloc_id}"


def _event_counts(session: Session, ids: list[str]) -> dict[str, int]:
    """Events naming each id as source or target (two grouped queries, not one per bloc)."""
    counts: dict[str, int] = dict.fromkeys(ids, 0)
    if not ids:
        return counts
    for column in (EventRow.source_actor_id, EventRow.target_actor_id):
        for actor_id, n in session.execute(
                select(column, func.count()).where(column.in_(ids)).group_by(column)):
            counts[str(actor_id)] += int(n)
    return counts


def blocs_data(session: Session, kb: KnowledgeBase | None = None, on: date | None = None) -> dict[str, Any]:
    """Every bloc and IGO with memberships: current member and candidate counts, events read."""
    kb = kb or shared_knowledge_base()
    on = on or date.today()
    entries = [e for e in kb.entries() if e.kind in BLOC_KINDS and e.members]
    counts = _event_counts(session, [e.id for e in entries])
    items: list[dict[str, Any]] = []
    for e in entries:
        members = e.members_on(on)
        others = {m.member for m in e.members if m.status != "member" and m.held_on(on)} - set(members)
        items.append({"id": e.id, "name": e.name, "kind": e.kind, "members": len(members),
                      "candidates": len(others), "events": counts[e.id], "url": bloc_url(e.id)})
    # Blocs before universal IGOs; the ones in the news first, then by name.
    items.sort(key=lambda i: (BLOC_KINDS.index(i["kind"]), -i["events"], i["name"].lower()))
    return {"on": on.isoformat(), "blocs": items}


def bloc_data(session: Session, bloc_id: str, on: date | None = None,
              kb: KnowledgeBase | None = None) -> dict[str, Any] | None:
    """The bloc page: the profile with pair-page links on every ranked actor, and the timeline
    chart's data island; ``None`` when ``bloc_id`` is no bloc or IGO with memberships."""
    kb = kb or shared_knowledge_base()
    profile = bloc_profile(session, bloc_id, kb=kb, on=on)
    if profile is None:
        return None
    bloc = profile["bloc"]["id"]
    ranked = [item for group in ("aligned", "opposed", "drifting") for item in profile[group]]
    names = actor_names(session, [ev["via"] for item in ranked for ev in item["evidence"]])
    for item in ranked:
        item["url"] = pair_url(item["id"], bloc)
        for ev in item["evidence"]:
            entry = kb.get(ev["via"]) if ev["via"] else None
            ev["via_name"] = names.get(ev["via"]) or (entry.name if entry else ev["via"])
    profile["url"] = bloc_url(bloc)
    profile["map_url"] = f"/map?actor={bloc}"
    profile["chart"] = {"rows": profile["timeline"], "counts": profile["member_counts"],
                        "today": profile["on"]}
    return profile


def _describe(session: Session, kb: KnowledgeBase, actor_id: str) -> dict[str, Any] | None:
    row = session.get(ActorRow, actor_id)
    if row is not None:
        return {"id": row.id, "name": row.name, "kind": row.kind}
    entry = kb.get(actor_id)
    return {"id": entry.id, "name": entry.name, "kind": entry.kind} if entry is not None else None


def resolve_actor(session: Session, text: str, kb: KnowledgeBase | None = None) -> dict[str, Any] | None:
    """The actor a map query names: an id (as typed, then upper-case) or a known name."""
    kb = kb or shared_knowledge_base()
    text = text.strip()
    for candidate in (text, text.upper()):
        found = _describe(session, kb, candidate)
        if found is not None:
            return found
    actor = kb.lookup(text)
    return _describe(session, kb, actor.id) if actor is not None else None


def _choices(session: Session, kb: KnowledgeBase) -> list[dict[str, str]]:
    """Suggestions for the map form: the most active sources of events, then the blocs."""
    rows = session.execute(
        select(EventRow.source_actor_id, func.count().label("n"))
        .where(EventRow.source_actor_id.is_not(None)).group_by(EventRow.source_actor_id)
        .order_by(func.count().desc(), EventRow.source_actor_id).limit(MAP_CHOICES))
    active = [str(r[0]) for r in rows]
    names = {str(r.id): str(r.name) for r in session.execute(
        select(ActorRow.id, ActorRow.name).where(ActorRow.id.in_(active)))} if active else {}
    out = [{"id": a, "name": names.get(a, a)} for a in active]
    seen = set(active)
    out += [{"id": e.id, "name": e.name} for e in kb.entries()
            if e.kind == "bloc" and e.members and e.id not in seen]
    return out


def map_data(session: Session, query: str | None, kb: KnowledgeBase | None = None) -> dict[str, Any] | None:
    """The world map coloured by every country's alignment toward the actor ``query`` names.

    No query: the form alone (no countries).  ``None`` when the query names nothing known."""
    kb = kb or shared_knowledge_base()
    base: dict[str, Any] = {
        "query": query or "", "actor": None, "countries": [], "members": [],
        "geometry_url": GEOMETRY_URL, "codes_url": CODES_URL, "scale": {"min": -1.0, "max": 1.0},
        "choices": _choices(session, kb),
    }
    if not query or not query.strip():
        return base
    actor = resolve_actor(session, query, kb)
    if actor is None:
        return None
    countries = alignment_map(session, actor["id"], kb=kb)
    for c in countries:
        c["url"] = pair_url(c["id"], actor["id"])
    entry = bloc_entry(kb, actor["id"])
    base.update({
        "actor": {**actor, "url": actor_url(actor["id"]),
                  "bloc_url": bloc_url(actor["id"]) if entry else None},
        "countries": countries,
        "members": entry.members_on(date.today()) if entry else [],
    })
    return base
