"""Story and event pages with their JSON twins.

* ``/stories`` — stories newest first, ``?page=N`` (real links, no JavaScript needed) and
  ``?min_articles=N`` (default 2: stories reported by several articles);
* ``/stories/{id}`` — one story: its articles across sources and its deduplicated events; an
  article id of the story (or a former story id) redirects to the story's current id;
* ``/events/{id}`` — one deduplicated event (``ev-…``) with every mention and its evidence.

Unknown ids are a 404 that says what was not found.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from blocwatch.web.render import open_session, page_size, render
from blocwatch.web.story_data import event_data, stories_data, story_data, story_url

router = APIRouter(tags=["stories"])


def _stories(request: Request, page: int, min_articles: int, json_suffix: bool) -> Response:
    with open_session(request) as session:
        data = stories_data(session, page, page_size(request), min_articles)
    return render(request, "stories.html", data, json_suffix=json_suffix)


def _story(request: Request, story_id: str, json_suffix: bool) -> Response:
    with open_session(request) as session:
        data = story_data(session, story_id)
    if data is None:
        raise HTTPException(status_code=404, detail=f"No story with id {story_id!r} (nor an article of one).")
    if data["story"]["id"] != story_id:
        # Reached through a member article or a former id: send readers to the story's own URL.
        target = story_url(data["story"]["id"]) + (".json" if json_suffix else "")
        return RedirectResponse(target, status_code=307)
    return render(request, "story.html", data, json_suffix=json_suffix)


def _event(request: Request, event_id: str, json_suffix: bool) -> Response:
    with open_session(request) as session:
        data = event_data(session, event_id)
    if data is None:
        raise HTTPException(status_code=404, detail=f"No event with id {event_id!r}.")
    return render(request, "event.html", data, json_suffix=json_suffix)


@router.get("/stories", name="stories", summary="Stories: articles about the same happening, newest first")
def stories(
    request: Request, page: int = Query(1, ge=1), min_articles: int = Query(2, ge=1, le=1000)
) -> Response:
    return _stories(request, page, min_articles, json_suffix=False)


@router.get("/stories.json", name="stories_json", summary="Stories as JSON")
def stories_json(
    request: Request, page: int = Query(1, ge=1), min_articles: int = Query(2, ge=1, le=1000)
) -> Response:
    return _stories(request, page, min_articles, json_suffix=True)


# The .json routes come first: the plain routes' {id} would otherwise swallow ".json".
@router.get("/stories/{story_id}.json", name="story_json", summary="A story as JSON")
def story_json(request: Request, story_id: str) -> Response:
    return _story(request, story_id, json_suffix=True)


@router.get("/stories/{story_id}", name="story", summary="A story: its articles and deduplicated events")
def story(request: Request, story_id: str) -> Response:
    return _story(request, story_id, json_suffix=False)


@router.get("/events/{event_id}.json", name="event_json", summary="A deduplicated event as JSON")
def event_json(request: Request, event_id: str) -> Response:
    return _event(request, event_id, json_suffix=True)


@router.get("/events/{event_id}", name="event", summary="A deduplicated event with every mention")
def event(request: Request, event_id: str) -> Response:
    return _event(request, event_id, json_suffix=False)
