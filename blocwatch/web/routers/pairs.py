"""Pair pages: ``/pairs/{a}/{b}`` and its JSON twin ``/pairs/{a}/{b}.json``.

The page shows the relation of two actors over time (an ECharts chart drawn by our
``charts.js`` from a JSON data island — the Content-Security-Policy forbids inline scripts),
each side's alignment toward the other, and the events with their evidence.  ``?period=2024-09``
(or an ISO week, ``2024-W39``) narrows the events to one chart point; ``?page=N`` paginates
them, and htmx requests get the list items only.  Unknown actors are a 404.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from blocwatch.web.pair_data import pair_data
from blocwatch.web.render import open_session, page_size, render

router = APIRouter(tags=["pairs"])

PERIOD = r"^\d{4}-(0[1-9]|1[0-2]|W(0[1-9]|[1-4]\d|5[0-3]))$"


def _pair(request: Request, a: str, b: str, period: str | None, page: int, json_suffix: bool) -> Response:
    with open_session(request) as session:
        data = pair_data(session, a, b, period, page, page_size(request))
    if data is None:
        if a == b:
            raise HTTPException(status_code=404, detail="A pair needs two different actors.")
        raise HTTPException(status_code=404, detail=f"No actor pair {a!r} / {b!r}.")
    return render(request, "pair.html", data, json_suffix=json_suffix, fragment="_pair_events.html")


@router.get("/pairs/{a}/{b}.json", name="pair_json", summary="An actor pair as JSON")
def pair_json(
    request: Request, a: str, b: str, period: str | None = Query(None, pattern=PERIOD),
    page: int = Query(1, ge=1),
) -> Response:
    return _pair(request, a, b, period, page, json_suffix=True)


@router.get("/pairs/{a}/{b}", name="pair", summary="An actor pair: relations over time, alignment, events")
def pair(
    request: Request, a: str, b: str, period: str | None = Query(None, pattern=PERIOD),
    page: int = Query(1, ge=1),
) -> Response:
    return _pair(request, a, b, period, page, json_suffix=False)
