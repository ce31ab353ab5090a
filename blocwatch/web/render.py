"""Content negotiation and rendering shared by every router.

A page is one data dict (see :mod:`blocwatch.web.data`) shown three ways:

* JSON, when the path ends in ``.json`` or the ``Accept`` header prefers ``application/json``
  over ``text/html`` (browsers send ``text/html`` first; ``*/*`` alone gets HTML);
* an HTML fragment, when htmx asks (``HX-Request: true``) and the page has a fragment template —
  only the list items plus the next "Show more" control, swapped in place of the old control;
* the full HTML page otherwise.

Every HTML response says ``Vary: Accept, HX-Request`` so a cache never serves a fragment or a
JSON body for a full-page request.  Templates are Jinja2 with autoescaping on for ``.html``:
third-party text (titles, quotes, names) is never marked safe.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from blocwatch.web.pair_data import pair_url

__all__ = [
    "templates",
    "wants_json",
    "is_htmx",
    "render",
    "error_response",
    "actor_url",
    "article_url",
    "open_session",
    "page_size",
]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"


@contextmanager
def open_session(request: Request) -> Iterator[Session]:
    """A session of the app's store for the duration of one request."""
    with request.app.state.store.session() as session:
        yield session


def page_size(request: Request) -> int:
    return int(request.app.state.settings.page_size)


def actor_url(actor_id: str) -> str:
    """The page of an actor; ids such as ``person:kim-jong-un`` keep their colon."""
    return "/actors/" + quote(actor_id, safe=":-_.~")


def article_url(article_id: str) -> str:
    return "/articles/" + quote(article_id, safe="-_.~")


def human_date(value: str | date | None) -> str:
    """``2024-09-25`` -> ``25 September 2024``; partial ``2024-08`` -> ``August 2024``.

    Event dates may be partial (only a year or a month was stated); anything else unparsable
    is shown as given.
    """
    if not value:
        return ""
    if isinstance(value, date):
        return f"{value.day} {value.strftime('%B %Y')}"
    text = value.strip()
    try:
        if len(text) == 4 and text.isdigit():
            return text
        if len(text) == 7:
            return datetime.strptime(text, "%Y-%m").strftime("%B %Y")
        day = datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text[:10])
    except ValueError:
        return value
    return f"{day.day} {day.strftime('%B %Y')}"


templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.filters["human_date"] = human_date
templates.env.globals["actor_url"] = actor_url
templates.env.globals["article_url"] = article_url
templates.env.globals["pair_url"] = pair_url
# Escape everything we render, whatever the file extension: third-party text is never trusted.
templates.env.autoescape = True
templates.env.trim_blocks = True
templates.env.lstrip_blocks = True


def _accept_quality(header: str) -> dict[str, float]:
    qualities: dict[str, float] = {}
    for item in header.split(","):
        media, *params = (p.strip() for p in item.split(";"))
        if not media:
            continue
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        qualities[media.lower()] = max(q, qualities.get(media.lower(), 0.0))
    return qualities


def wants_json(request: Request, json_suffix: bool = False) -> bool:
    """Whether to answer with JSON: a ``.json`` or ``/api/`` path, or ``Accept`` preferring JSON
    to HTML.  (The API answers JSON whatever the client accepts, errors included.)"""
    path = request.url.path
    if json_suffix or path.endswith(".json") or path.startswith("/api/"):
        return True
    accept = _accept_quality(request.headers.get("accept", ""))
    as_json = accept.get("application/json", 0.0)
    as_html = max(accept.get("text/html", 0.0), accept.get("application/xhtml+xml", 0.0))
    # On a tie (e.g. only */*) the site answers as a web site.
    return as_json > 0 and as_json > as_html


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request", "").lower() == "true"


def render(
    request: Request,
    template: str,
    data: dict[str, Any],
    *,
    json_suffix: bool = False,
    fragment: str | None = None,
    extra: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    """Answer with ``data`` as JSON, as the ``fragment`` template, or as the full ``template``.

    ``extra`` is HTML-only context (e.g. the page's absolute URL for OpenGraph) that must not
    leak into the JSON twin, which stays exactly the data function's output.
    """
    vary = {"Vary": "Accept, HX-Request"}
    if wants_json(request, json_suffix):
        return JSONResponse(data, status_code=status_code, headers=vary)
    name = fragment if fragment and is_htmx(request) else template
    context = {"data": data, **(extra or {})}
    return templates.TemplateResponse(request, name, context, status_code=status_code, headers=vary)


def error_response(request: Request, status_code: int, message: str) -> Response:
    """An error page (HTML) or ``{"error": {"status", "message"}}`` (JSON), by negotiation."""
    if wants_json(request):
        return JSONResponse(
            {"error": {"status": status_code, "message": message}},
            status_code=status_code,
            headers={"Vary": "Accept"},
        )
    context = {"status": status_code, "message": message}
    return templates.TemplateResponse(
        request, "error.html", context, status_code=status_code, headers={"Vary": "Accept"}
    )
