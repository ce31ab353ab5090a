"""The home page ``/`` (and ``/.json``): latest news and latest analytics.

``/?page=N`` is a real page (it works without JavaScript); the "Show more" control is also an
htmx ``hx-get`` of the same URL, answered with just the next list items and the next control.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from blocwatch.web.data import home_data
from blocwatch.web.render import is_htmx, open_session, page_size, render, wants_json

router = APIRouter(tags=["home"])


def _home(request: Request, page: int, json_suffix: bool) -> Response:
    # A fragment only shows articles, so the analytics aggregate is not computed for it.
    fragment = is_htmx(request) and not wants_json(request, json_suffix)
    with open_session(request) as session:
        data = home_data(session, page, page_size(request), analytics=not fragment)
    return render(request, "home.html", data, json_suffix=json_suffix, fragment="_news_items.html")


@router.get("/", name="home", summary="Latest news and analytics")
def home(request: Request, page: int = Query(1, ge=1)) -> Response:
    return _home(request, page, json_suffix=False)


@router.get("/.json", name="home_json", summary="Latest news and analytics as JSON")
def home_json(request: Request, page: int = Query(1, ge=1)) -> Response:
    return _home(request, page, json_suffix=True)
