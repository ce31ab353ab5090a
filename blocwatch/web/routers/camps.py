"""The camps page: ``/camps`` and its JSON twin ``/camps.json``.

Camps are communities of the signed actor graph (cooperation pulls together, conflict pushes
apart; :mod:`blocwatch.analytics.camps`), drawn as an ECharts graph by our ``charts.js`` from a
JSON data island (the Content-Security-Policy forbids inline scripts), with a table of camps and
their members, how each camp overlaps formal blocs, how each bloc's members split, and every
edge linked to its pair page.  Query: ``since`` and ``until`` (YYYY-MM-DD, inclusive) bound the
events, ``min_events`` drops pairs with fewer events.  Bad options are a 422 naming them.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from blocwatch.web.camps_data import camps_data
from blocwatch.web.render import open_session, render

router = APIRouter(tags=["camps"])

SINCE = Query(None, description="First day of events counted (YYYY-MM-DD)")
UNTIL = Query(None, description="Last day of events counted (YYYY-MM-DD); recency is measured from it")
MIN_EVENTS = Query(1, ge=1, le=10000, description="Fewest events a pair needs to be an edge")


def _camps(request: Request, since: date | None, until: date | None, min_events: int,
           json_suffix: bool) -> Response:
    if since is not None and until is not None and since > until:
        raise HTTPException(status_code=422, detail=f"since ({since}) is after until ({until}).")
    with open_session(request) as session:
        data = camps_data(session, since, until, min_events)
    return render(request, "camps.html", data, json_suffix=json_suffix)


@router.get("/camps.json", name="camps_json", summary="Camps of the signed actor graph, as JSON")
def camps_json(request: Request, since: date | None = SINCE, until: date | None = UNTIL,
               min_events: int = MIN_EVENTS) -> Response:
    return _camps(request, since, until, min_events, json_suffix=True)


@router.get("/camps", name="camps", summary="Camps of actors from cooperation and conflict, against blocs")
def camps_page(request: Request, since: date | None = SINCE, until: date | None = UNTIL,
               min_events: int = MIN_EVENTS) -> Response:
    return _camps(request, since, until, min_events, json_suffix=False)
