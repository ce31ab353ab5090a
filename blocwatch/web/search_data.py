"""The search page's data: one function feeding ``/search`` and its JSON twin ``/search.json``.

:func:`search_data` wraps :func:`blocwatch.store.search.search_articles` with what the page
needs: the query echoed back (to refill the form), pagination (``next_page`` and the real URL
of the next page, ``next_url``, which the "Show more" link and its htmx request both use), the
filter actor's name and the event types that can be filtered by.  Like every data function it
returns JSON-ready values only and nothing taken from the request itself.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from blocwatch.store.models import EventRow
from blocwatch.store.search import search_articles
from blocwatch.web.data import actor_names

__all__ = ["event_types", "search_data", "search_url"]


def search_url(
    q: str = "",
    *,
    actor: str | None = None,
    event_type: str | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
) -> str:
    """The URL of a search page; empty parameters and page 1 are left out."""
    params: list[tuple[str, str]] = [
        (key, str(value))
        for key, value in (
            ("q", q),
            ("actor", actor),
            ("event_type", event_type),
            ("since", since.isoformat() if since else None),
            ("until", until.isoformat() if until else None),
        )
        if value
    ]
    if page > 1:
        params.append(("page", str(page)))
    return "/search" + ("?" + urlencode(params) if params else "")


def event_types(session: Session) -> list[str]:
    """The PLOVER event types that occur in stored events, for the filter's choices."""
    rows = session.scalars(select(EventRow.plover).distinct().order_by(EventRow.plover))
    return [str(r) for r in rows if r]


def search_data(
    session: Session,
    q: str = "",
    *,
    actor: str | None = None,
    event_type: str | None = None,
    since: date | None = None,
    until: date | None = None,
    page: int = 1,
    page_size: int = 20,
) -> dict[str, Any]:
    """One page of search results for ``q`` and the filters, best match first."""
    page = max(page, 1)
    q = (q or "").strip()
    actor = (actor or "").strip() or None
    event_type = (event_type or "").strip() or None
    found = search_articles(
        session,
        q,
        actor=actor,
        event_type=event_type,
        since=since,
        until=until,
        limit=page_size,
        offset=(page - 1) * page_size,
    )
    total = int(found["total"])
    has_more = page * page_size < total
    query = {
        "q": q,
        "actor": actor,
        "event_type": event_type,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
    }
    return {
        "query": query,
        # Whether anything was asked at all: an empty form shows a prompt, not "no results".
        "searched": bool(q or actor or event_type or since or until),
        "page": page,
        "page_size": page_size,
        "total": total,
        "results": found["results"],
        "next_page": page + 1 if has_more else None,
        "next_url": (
            search_url(q, actor=actor, event_type=event_type, since=since, until=until, page=page + 1)
            if has_more
            else None
        ),
        "actor_name": actor_names(session, [actor]).get(actor) if actor else None,
        "event_types": event_types(session),
    }
