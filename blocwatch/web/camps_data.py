"""Data for the camps page (``/camps`` and ``/camps.json``): one JSON-ready dict for both.

It is :meth:`blocwatch.analytics.camps.Camps.to_json` (nodes, signed edges with their event ids,
camps with cohesion and frustration, blocs and how their members split) plus what a page needs:
actor names and links, each edge's pair page (where its events are listed with their evidence)
and the ``graph`` that ``charts.js`` draws with ECharts from a JSON data island — nodes coloured
by camp and sized by the weight of their edges, cooperative links solid and conflictual ones
dashed.  The options asked for are echoed back so the page's form keeps them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from blocwatch.analytics.camps import CampParams, camps
from blocwatch.knowledge import shared_knowledge_base
from blocwatch.web.data import actor_names
from blocwatch.web.pair_data import pair_url
from blocwatch.web.render import actor_url

__all__ = ["camps_data"]

GRAPH_EDGES_SHOWN = 400  # the strongest; a denser drawing is unreadable (all are in the JSON)


def _names(session: Session, ids: list[str]) -> dict[str, str]:
    """Display names from the store, falling back to the knowledge base, then the id."""
    names = actor_names(session, ids)
    kb = shared_knowledge_base()
    for actor_id in ids:
        if actor_id not in names:
            entry = kb.get(actor_id)
            names[actor_id] = entry.name if entry is not None else actor_id
    return names


def _graph(data: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    strength: dict[str, float] = {}
    for e in data["edges"]:
        for side in (e["a"], e["b"]):
            strength[side] = strength.get(side, 0.0) + e["positive"] + e["negative"]
    categories = [f"Camp {c['number']}" for c in data["camps"]] + ["unaligned"]
    nodes = [{"id": n["id"], "name": names.get(n["id"], n["id"]), "url": actor_url(n["id"]),
              "category": (n["camp"] - 1) if n["camp"] else len(categories) - 1,
              "value": round(strength.get(n["id"], 0.0), 3)} for n in data["nodes"]]
    strongest = sorted(data["edges"], key=lambda e: -abs(e["weight"]))[:GRAPH_EDGES_SHOWN]
    links = [{"source": e["a"], "target": e["b"], "value": e["weight"], "sign": e["sign"],
              "events": e["events"], "url": e["url"]} for e in strongest]
    return {"categories": categories, "nodes": nodes, "links": links}


def camps_data(
    session: Session, since: date | None = None, until: date | None = None, min_events: int = 1,
) -> dict[str, Any]:
    """The camps page; raises ``ValueError`` naming the bad option (``since`` after ``until``...)."""
    result = camps(session, since=since, until=until, params=CampParams(min_events=min_events))
    data = result.to_json()
    names = _names(session, list(result.nodes))
    for edge in data["edges"]:
        edge["url"] = pair_url(edge["a"], edge["b"])
        edge["a_name"], edge["b_name"] = names[edge["a"]], names[edge["b"]]
    for camp in data["camps"]:
        camp["member_items"] = [{"id": m, "name": names[m], "url": actor_url(m)} for m in camp["members"]]
        inside = set(camp["members"])
        camp["edges"] = sum(1 for e in data["edges"] if e["a"] in inside and e["b"] in inside)
    for bloc in data["blocs"]:
        bloc["url"] = f"/blocs/{bloc['id']}"
    data["graph"] = _graph(data, names)
    data["actor_names"] = names
    data["options"] = {"since": since.isoformat() if since else None,
                       "until": until.isoformat() if until else None, "min_events": min_events}
    data["edges"].sort(key=lambda e: (-abs(e["weight"]), e["a"], e["b"]))
    return data
