"""The search page ``/search`` and its JSON twin ``/search.json``.

Parameters: ``q`` (words, ``"phrases"``, ``prefix*``), ``actor`` (an actor id), ``event_type``
(a PLOVER type such as ``CONSULT``, or a CAMEO code prefix), ``since`` / ``until`` (ISO dates,
inclusive, on the publication date) and ``page``.  Dates arrive as text because the HTML form
sends empty fields as ``since=``; empty means "no limit", anything else unparsable is a 422.
``?page=N`` is a real page; htmx requests for it get only the next results and the next
"Show more" link, as on the home page.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from blocwatch.web.render import open_session, page_size, render
from blocwatch.web.search_data import search_data

router = APIRouter(tags=["search"])

MAX_QUERY = 500  # characters; longer input is a paste accident, not a query


def _date(name: str, value: str | None) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        detail = f"{name}: not an ISO date (YYYY-MM-DD): {value!r}"
        raise HTTPException(status_code=422, detail=detail) from None


@router.get("/search", name="search", summary="Full-text search of articles with filters")
@router.get("/search.json", name="search_json", summary="Search results as JSON")
def search(
    request: Request,
    q: str = Query("", max_length=MAX_QUERY),
    actor: str | None = Query(None, max_length=200),
    event_type: str | None = Query(None, max_length=40),
    since: str | None = Query(None, description="ISO date, inclusive"),
    until: str | None = Query(None, description="ISO date, inclusive"),
    page: int = Query(1, ge=1),
) -> Response:
    # One handler for both twins: the path says which, so their parameters cannot drift apart.
    json_suffix = request.url.path.endswith(".json")
    start, end = _date("since", since), _date("until", until)
    with open_session(request) as session:
        data = search_data(
            session, q, actor=actor, event_type=event_type, since=start, until=end,
            page=page, page_size=page_size(request),
        )
    return render(request, "search.html", data, json_suffix=json_suffix, fragment="_search_items.html")
