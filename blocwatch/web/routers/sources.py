"""The source directory on the web: the token-protected write API and the ``/sources`` page.

API (JSON, ``Authorization: Bearer <api_token>``, see :mod:`blocwatch.web.security`):

* ``GET /api/sources[?all=true]`` — the sources with counts, last fetch, errors and warnings,
  as ``blocwatch sources list --json`` prints them;
* ``POST /api/sources`` ``{"url", "every"?, "name"?}`` — what ``blocwatch sources add`` does
  (:meth:`SourceDirectory.add`): 201 for a new source, 200 for an updated one, 422 for a URL
  that is not http(s) or whose host is a non-public address (the SSRF guard's rule, checked
  before anything is stored, unless ``allow_private_addresses``), or a bad interval;
* ``POST /api/reprocess`` ``{"ids"?: [...]}`` — starts what ``blocwatch reprocess`` does in a
  background job (:mod:`blocwatch.web.reprocess_jobs`): 202 with the job and its ``Location``,
  409 while another job runs; ``GET /api/reprocess/{job}`` reports it.

Page: ``/sources`` (and ``/sources.json``) lists the polled sources publicly — name, URL,
interval, articles, last fetch and status, not error texts — and, when ``api_token`` is set,
shows an "Add source" and a "Reprocess" form.  They post (``application/x-www-form-urlencoded``)
to ``/sources/add`` and ``/sources/reprocess`` with a CSRF token and the API token typed into a
password field; a POST failing the CSRF check is 403 and says why.
"""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from blocwatch.ingest.netguard import check_url
from blocwatch.settings import Settings
from blocwatch.store.sources import SourceDirectory
from blocwatch.web.render import error_response, render
from blocwatch.web.reprocess_jobs import MAX_IDS, JobRunning, ReprocessJobs
from blocwatch.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    DISABLED_MESSAGE,
    ApiError,
    CsrfTokens,
    require_token,
    token_matches,
)

__all__ = ["router", "sources_data"]

router = APIRouter(tags=["sources"])
Authorized = Annotated[None, Depends(require_token)]
MAX_FORM_BYTES = 64 * 1024
PUBLIC_FIELDS = ("id", "name", "url", "every", "articles", "last_fetched_at", "last_status")


class SourceIn(BaseModel):
    url: str = Field(description="A feed, sitemap or site home page (http/https).", max_length=2000)
    every: str = Field(default="15m", description="Polling interval: 90s, 15m, 1h, 1d ...", max_length=40)
    name: str | None = Field(default=None, description="Display name (default: the host).", max_length=200)


class ReprocessIn(BaseModel):
    ids: list[str] | None = Field(
        default=None, description=f"Article ids (at most {MAX_IDS}); omitted or null: every stored article."
    )


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _directory(request: Request) -> SourceDirectory:
    return SourceDirectory(request.app.state.store)


def _jobs(request: Request) -> ReprocessJobs:
    state = request.app.state
    if getattr(state, "reprocess_jobs", None) is None:
        state.reprocess_jobs = ReprocessJobs(state.settings, state.store)
    return state.reprocess_jobs  # type: ignore[no-any-return]


def _add_source(request: Request, url: str, every: str, name: str | None) -> dict[str, Any]:
    """Check ``url`` as ``blocwatch sources add`` does, then add it; ValueError says what is wrong."""
    url = url.strip()
    check_url(url, allow_private=_settings(request).allow_private_addresses, allow_unresolved=True)
    return _directory(request).add(url, name=(name or "").strip() or None, every=every.strip() or "15m")


@router.get("/api/sources", name="api_sources", summary="The source directory (needs the API token)")
def api_sources(
    request: Request, _auth: Authorized,
    all_sources: Annotated[bool, Query(alias="all", description="Also list unpolled sources.")] = False,
) -> Response:  # fmt: skip
    return JSONResponse({"sources": _directory(request).list_sources(polled_only=not all_sources)})


@router.post("/api/sources", name="api_add_source", status_code=201,
             summary="Add a source to poll, or update one (needs the API token)")  # fmt: skip
def api_add_source(request: Request, body: SourceIn, _auth: Authorized) -> Response:
    try:
        added = _add_source(request, body.url, body.every, body.name)
    except ValueError as exc:
        raise ApiError(422, str(exc)) from None
    created = added.pop("created")
    return JSONResponse({"source": added, "created": created}, status_code=201 if created else 200)


@router.post("/api/reprocess", name="api_reprocess", status_code=202,
             summary="Re-analyse stored articles in a background job (needs the API token)")  # fmt: skip
def api_reprocess(request: Request, body: ReprocessIn, _auth: Authorized) -> Response:
    try:
        job = _jobs(request).start(body.ids)
    except JobRunning as exc:
        raise ApiError(409, f"{exc}; see /api/reprocess/{exc.job['id']}") from None
    except ValueError as exc:
        raise ApiError(422, str(exc)) from None
    return JSONResponse({"job": job}, status_code=202, headers={"Location": f"/api/reprocess/{job['id']}"})


@router.get("/api/reprocess/{job_id}", name="api_reprocess_job",
            summary="A re-processing job: status, progress, summary (needs the API token)")  # fmt: skip
def api_reprocess_job(request: Request, job_id: int, _auth: Authorized) -> Response:
    job = _jobs(request).get(job_id)
    if job is None:
        raise ApiError(404, f"no re-processing job {job_id}")
    return JSONResponse({"job": job})


# --- the /sources page and its forms -----------------------------------------------------------


def _csrf(request: Request) -> CsrfTokens:
    state = request.app.state
    if getattr(state, "csrf_tokens", None) is None:
        state.csrf_tokens = CsrfTokens(state.settings.api_token)
    return state.csrf_tokens  # type: ignore[no-any-return]


def sources_data(request: Request) -> dict[str, Any]:
    """What the page and its JSON twin show: public fields only, and whether writing is on."""
    rows = _directory(request).list_sources(polled_only=True)
    jobs = _jobs(request).list()
    latest = jobs[0] if jobs else None
    return {
        "sources": [{k: r[k] for k in PUBLIC_FIELDS} for r in rows],
        "writable": bool(_settings(request).api_token),
        "reprocess": None if latest is None else {
            k: latest[k] for k in ("id", "status", "processed", "started_at", "finished_at")
        } | {"line": (latest["summary"] or {}).get("line")},
    }  # fmt: skip


def _page(request: Request, *, notice: str | None = None, problem: str | None = None,
          status_code: int = 200, json_suffix: bool = False) -> Response:  # fmt: skip
    data = sources_data(request)
    extra: dict[str, Any] = {"notice": notice, "problem": problem, "csrf_field": CSRF_FIELD, "csrf": ""}
    csrf = _csrf(request) if data["writable"] else None
    if csrf is not None:
        cookie = request.cookies.get(CSRF_COOKIE)
        extra["csrf"] = cookie if csrf.valid(cookie) else csrf.issue()
    response = render(request, "sources.html", data, json_suffix=json_suffix, extra=extra,
                      status_code=status_code)  # fmt: skip
    if csrf is not None and response.media_type != "application/json":
        csrf.set_cookie(request, response, extra["csrf"])
    return response


@router.get("/sources.json", name="sources_json", summary="The polled sources, as JSON")
def sources_json(request: Request) -> Response:
    return _page(request, json_suffix=True)


@router.get("/sources", name="sources", summary="The polled sources, with the add and reprocess forms")
def sources_page(request: Request) -> Response:
    return _page(request)


async def _form(request: Request) -> dict[str, str] | Response:
    """The checked form fields, or the response refusing the POST (disabled, CSRF, token)."""
    if not _settings(request).api_token:
        return error_response(request, 403, DISABLED_MESSAGE)
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/x-www-form-urlencoded":
        return error_response(request, 415, "send the form as application/x-www-form-urlencoded")
    body = await request.body()
    if len(body) > MAX_FORM_BYTES:
        return error_response(request, 413, f"the form is larger than {MAX_FORM_BYTES} bytes")
    fields = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
    problem = _csrf(request).problem(request, fields.get(CSRF_FIELD))
    if problem:
        return error_response(request, 403, f"CSRF check failed: {problem}. Reload /sources and try again.")
    if not token_matches(_settings(request), fields.get("api_token")):
        return error_response(request, 401, "wrong API token")
    return fields


@router.post("/sources/add", name="sources_add_form", include_in_schema=False)
async def sources_add_form(request: Request) -> Response:
    fields = await _form(request)
    if isinstance(fields, Response):
        return fields
    # The database work runs in the thread pool, as it does for the plain (sync) routes.
    try:
        added = await run_in_threadpool(
            _add_source, request, fields.get("url", ""), fields.get("every", ""), fields.get("name")
        )
    except ValueError as exc:
        return await run_in_threadpool(_page, request, problem=str(exc), status_code=422)
    verb = "Added" if added["created"] else "Updated"
    notice = f"{verb} source {added['id']}: {added['name']} <{added['url']}> every {added['every']}."
    return await run_in_threadpool(_page, request, notice=notice)


@router.post("/sources/reprocess", name="sources_reprocess_form", include_in_schema=False)
async def sources_reprocess_form(request: Request) -> Response:
    fields = await _form(request)
    if isinstance(fields, Response):
        return fields
    ids = [i for i in re.split(r"[\s,]+", fields.get("ids", "")) if i] or None
    try:
        job = _jobs(request).start(ids)
    except (JobRunning, ValueError) as exc:
        status = 409 if isinstance(exc, JobRunning) else 422
        return await run_in_threadpool(_page, request, problem=str(exc), status_code=status)
    what = f"{len(ids)} article(s)" if ids else "every stored article"
    notice = f"Re-processing job {job['id']} started for {what}."
    return await run_in_threadpool(_page, request, notice=notice, status_code=202)

