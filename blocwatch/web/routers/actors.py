"""Actor pages: ``/actors`` (most mentioned first) and ``/actors/{id}`` with their JSON twins.

Actor ids contain a colon (``person:kim-jong-un``); Starlette's default ``str`` convertor
matches any character but ``/``, so they route as they are, and links keep the colon unescaped.
Both pages paginate with ``?page=N`` and answer htmx requests with list-item fragments.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from blocwatch.web.data import actor_data, actors_data
from blocwatch.web.render import open_session, page_size, render

router = APIRouter(tags=["actors"])


def _actors(request: Request, page: int, json_suffix: bool) -> Response:
    with open_session(request) as session:
        data = actors_data(session, page, page_size(request))
    return render(request, "actors.html", data, json_suffix=json_suffix, fragment="_actor_items.html")


def _actor(request: Request, actor_id: str, page: int, json_suffix: bool) -> Response:
    with open_session(request) as session:
        data = actor_data(session, actor_id, page, page_size(request))
    if data is None:
        raise HTTPException(status_code=404, detail=f"No actor with id {actor_id!r}.")
    return render(request, "actor.html", data, json_suffix=json_suffix, fragment="_event_items.html")


@router.get("/actors", name="actors", summary="Actors, most mentioned first")
def actors(request: Request, page: int = Query(1, ge=1)) -> Response:
    return _actors(request, page, json_suffix=False)


@router.get("/actors.json", name="actors_json", summary="Actors as JSON")
def actors_json(request: Request, page: int = Query(1, ge=1)) -> Response:
    return _actors(request, page, json_suffix=True)


@router.get("/actors/{actor_id}.json", name="actor_json", summary="An actor as JSON")
def actor_json(request: Request, actor_id: str, page: int = Query(1, ge=1)) -> Response:
    return _actor(request, actor_id, page, json_suffix=True)


@router.get("/actors/{actor_id}", name="actor", summary="An actor: profile, events, articles")
def actor(request: Request, actor_id: str, page: int = Query(1, ge=1)) -> Response:
    return _actor(request, actor_id, page, json_suffix=False)
