"""Brief pages: ``/briefs`` (every brief, best evidenced first) and ``/briefs/{a}/{b}``, with
their JSON twins (``.json``).

A brief is the generated analysis of an actor pair or of an actor and a bloc
(:mod:`blocwatch.analytics.briefs`): title, date, numbered contents linking to the sections, and
every sentence followed by links to the article sentences it was written from.  ``/briefs``
paginates with ``?page=N`` (real URLs; htmx "Show more" gets the list items only).  An
actor-bloc brief is written from the actor's side, so ``/briefs/BRICS/PRK`` redirects to
``/briefs/PRK/BRICS``.  Unknown actors and pairs without evidence are a 404 saying which.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from blocwatch.web.brief_data import brief_page_data, brief_url, briefs_data, is_bloc, known_actor
from blocwatch.web.render import open_session, page_size, render

router = APIRouter(tags=["briefs"])


def _briefs(request: Request, page: int, json_suffix: bool) -> Response:
    with open_session(request) as session:
        data = briefs_data(session, page, page_size(request))
    return render(request, "briefs.html", data, json_suffix=json_suffix, fragment="_brief_items.html")


def _brief(request: Request, a: str, b: str, json_suffix: bool) -> Response:
    if a == b:
        raise HTTPException(status_code=404, detail="A brief needs two different actors.")
    if is_bloc(a) and not is_bloc(b):
        return RedirectResponse(brief_url(b, a) + (".json" if json_suffix else ""), status_code=308)
    with open_session(request) as session:
        names = {side: known_actor(session, side) for side in (a, b)}
        unknown = [side for side, name in names.items() if name is None]
        if unknown:
            raise HTTPException(status_code=404, detail=f"No actor with id {unknown[0]!r}.")
        data = brief_page_data(session, a, b)
    if data is None:
        raise HTTPException(
            status_code=404,
            detail=f"No brief on {names[a]} and {names[b]}: no stored event or quote ties them yet.",
        )
    return render(request, "brief.html", data, json_suffix=json_suffix)


@router.get("/briefs", name="briefs", summary="Generated analysis briefs, best evidenced first")
def briefs(request: Request, page: int = Query(1, ge=1)) -> Response:
    return _briefs(request, page, json_suffix=False)


@router.get("/briefs.json", name="briefs_json", summary="Generated analysis briefs as JSON")
def briefs_json(request: Request, page: int = Query(1, ge=1)) -> Response:
    return _briefs(request, page, json_suffix=True)


@router.get("/briefs/{a}/{b}.json", name="brief_json", summary="A generated brief as JSON")
def brief_json(request: Request, a: str, b: str) -> Response:
    return _brief(request, a, b, json_suffix=True)


@router.get("/briefs/{a}/{b}", name="brief",
            summary="A generated brief on two actors or an actor and a bloc, every sentence evidenced")
def brief(request: Request, a: str, b: str) -> Response:
    return _brief(request, a, b, json_suffix=False)
