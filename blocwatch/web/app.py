"""The blocwatch web site: ``create_app(settings, store)`` builds the FastAPI application.

Layout: one router per resource (:mod:`blocwatch.web.routers`), one data function per page
(:mod:`blocwatch.web.data`) feeding both the Jinja2 page and its JSON twin, and negotiation
and templates in :mod:`blocwatch.web.render`.  Assets (htmx, our CSS) are served from the
package's ``static`` folder — no CDN, so the site works offline and leaks no visits.

The app owns its store only when it opened it: a store passed in by the caller (tests, the
``run`` command) is left open for the caller to close.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException as StarletteHTTPException

from blocwatch.settings import Settings
from blocwatch.web.cache import PageCacheMiddleware
from blocwatch.web.data import health_data
from blocwatch.web.ratelimit import RateLimiter, RateLimitMiddleware
from blocwatch.web.render import STATIC_DIR, error_response, open_session, templates
from blocwatch.web.routers import actors, articles, blocs, camps, exports, feeds, home, pairs, search
from blocwatch.web.routers import briefs as briefs_router
from blocwatch.web.routers import sources as sources_router
from blocwatch.web.routers import stories as stories_router
from blocwatch.web.sanitize import install_filters
from blocwatch.web.security import ApiError, api_error_response

if TYPE_CHECKING:
    from blocwatch.store import Store

__all__ = ["create_app"]


# Defence in depth behind autoescaping: only our own scripts and styles may run, the site cannot
# be framed, and browsers must not sniff JSON as HTML.  JSON-LD is a data block, which CSP does
# not treat as a script, so no inline exception is needed.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def _version() -> str:
    try:
        return version("blocwatch")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("query", "path"))
        parts.append(f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg")))
    return "Invalid request: " + "; ".join(parts)


def create_app(settings: Settings, store: Store | None = None) -> FastAPI:
    """The web application over ``store`` (opened from ``settings.database_url`` if not given)."""
    owns_store = store is None
    if store is None:
        from blocwatch.store import Store

        store = Store(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        if owns_store:
            app.state.store.close()

    app = FastAPI(
        title="blocwatch",
        version=_version(),
        description="Evidenced analytics of international relations from the news.",
        lifespan=lifespan,
        # FastAPI's /docs and /redoc pages load their scripts from a CDN, which the site's
        # Content-Security-Policy (and its no-CDN rule) forbids: the schema is at /openapi.json.
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store
    install_filters(templates.env)  # safe_url / sanitize_html for third-party links and HTML
    # Per client IP, read from app.state on every request (tests swap in a clock).  Added before
    # the security-headers middleware so that one wraps it and a 429 carries the headers too.
    app.state.rate_limiter = RateLimiter.from_settings(settings)
    # Innermost of the three: a cached page is still rate limited and gets the security headers.
    app.add_middleware(PageCacheMiddleware)  # blocwatch/web/cache.py
    app.add_middleware(RateLimitMiddleware)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) else "Not found."
        if exc.status_code == 404 and message == "Not Found":
            message = f"Nothing at {request.url.path}."
        return error_response(request, exc.status_code, message)

    app.add_exception_handler(ApiError, api_error_response)  # API refusals: always JSON

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        return error_response(request, 422, _validation_message(exc))

    # HEAD for load balancers, kept out of the OpenAPI schema so the operation id stays unique.
    @app.get("/healthz", tags=["meta"], summary="Liveness and database check")
    @app.head("/healthz", include_in_schema=False)
    def healthz(request: Request) -> Response:
        try:
            with open_session(request) as session:
                return JSONResponse(health_data(session))
        except SQLAlchemyError as exc:
            # A failing database is reported, not raised: monitors want a 503 with a reason.
            return JSONResponse({"status": "error", "error": type(exc).__name__}, status_code=503)

    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.include_router(home.router)
    app.include_router(articles.router)
    app.include_router(actors.router)
    app.include_router(pairs.router)
    app.include_router(search.router)
    app.include_router(feeds.router)
    app.include_router(exports.router)
    app.include_router(blocs.router)
    app.include_router(camps.router)
    app.include_router(briefs_router.router)
    app.include_router(sources_router.router)
    app.include_router(stories_router.router)
    return app
