"""Bloc pages and the world map: ``/blocs``, ``/blocs/{id}``, ``/map?actor=PRK`` and JSON twins.

``/blocs/{id}`` shows a bloc's memberships over time (an ECharts timeline drawn by our
``map.js`` from a JSON data island; the Content-Security-Policy forbids inline scripts), its
candidates and partners, the non-members most aligned with it and the members drifting away,
each linked to its pair page with the weightiest evidence sentences.  ``/map`` colours every
country by its alignment toward the actor or bloc named in ``?actor=`` (an id or a name).
Unknown blocs and actors are a 404 naming what was asked for.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from blocwatch.knowledge import shared_knowledge_base
from blocwatch.web.bloc_data import bloc_data, blocs_data, map_data
from blocwatch.web.render import open_session, render

router = APIRouter(tags=["blocs"])


def _blocs(request: Request, json_suffix: bool) -> Response:
    with open_session(request) as session:
        data = blocs_data(session)
    return render(request, "blocs.html", data, json_suffix=json_suffix)


def _bloc(request: Request, bloc_id: str, json_suffix: bool) -> Response:
    with open_session(request) as session:
        data = bloc_data(session, bloc_id)
    if data is None:
        entry = shared_knowledge_base().get(bloc_id)
        if entry is not None:
            raise HTTPException(status_code=404, detail=(
                f"{entry.name} ({bloc_id!r}) is a {entry.kind}, not a bloc with members."))
        raise HTTPException(status_code=404, detail=f"No bloc with id {bloc_id!r}.")
    return render(request, "bloc.html", data, json_suffix=json_suffix)


def _map(request: Request, actor: str | None, json_suffix: bool) -> Response:
    with open_session(request) as session:
        data = map_data(session, actor)
    if data is None:
        raise HTTPException(status_code=404, detail=f"No actor or bloc named {actor!r} is known.")
    return render(request, "map.html", data, json_suffix=json_suffix)


@router.get("/blocs", name="blocs", summary="Blocs and IGOs with their memberships")
def blocs(request: Request) -> Response:
    return _blocs(request, json_suffix=False)


@router.get("/blocs.json", name="blocs_json", summary="Blocs and IGOs as JSON")
def blocs_json(request: Request) -> Response:
    return _blocs(request, json_suffix=True)


@router.get("/blocs/{bloc_id}.json", name="bloc_json", summary="A bloc as JSON")
def bloc_json(request: Request, bloc_id: str) -> Response:
    return _bloc(request, bloc_id, json_suffix=True)


@router.get("/blocs/{bloc_id}", name="bloc",
            summary="A bloc: members over time, candidates, aligned non-members, drifting members")
def bloc(request: Request, bloc_id: str) -> Response:
    return _bloc(request, bloc_id, json_suffix=False)


ACTOR = Query(None, max_length=200, description="An actor or bloc id (PRK, BRICS) or name")


@router.get("/map.json", name="map_json", summary="Every country's alignment toward an actor, as JSON")
def world_map_json(request: Request, actor: str | None = ACTOR) -> Response:
    return _map(request, actor, json_suffix=True)


@router.get("/map", name="map", summary="A world map coloured by alignment toward an actor or bloc")
def world_map(request: Request, actor: str | None = ACTOR) -> Response:
    return _map(request, actor, json_suffix=False)
