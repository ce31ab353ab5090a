"""Who may write: the API token (``Authorization: Bearer``) and CSRF protection for the forms.

**Token.**  The write endpoints (``POST /api/sources``, ``POST /api/reprocess`` and the
``/sources`` forms) and the source list of the API need the setting ``api_token``
(``BLOCWATCH_API_TOKEN``).  While it is empty they are switched off and answer 403
"write endpoints are disabled: set BLOCWATCH_API_TOKEN"; a missing or wrong token is 401 with
``WWW-Authenticate: Bearer``.  Tokens are compared with :func:`hmac.compare_digest`, in constant
time.  :data:`bearer` is FastAPI's ``HTTPBearer``, so the OpenAPI schema declares the scheme and
every endpoint that depends on :func:`require_token` lists it.

**CSRF** (the HTML forms of ``/sources``), without server-side sessions — a signed double
submit.  ``GET /sources`` sets a cookie ``bw_csrf`` (``HttpOnly``, ``SameSite=Strict``, path
``/sources``, ``Secure`` over https) holding ``<issued>.<nonce>.<hmac>`` and puts the same value
in a hidden field of each form.  A POST passes only if the field equals the cookie, the HMAC is
ours and not older than :data:`CSRF_MAX_AGE`, and any ``Origin`` header names this site.  A
cross-site page can neither read the field (same-origin policy) nor make the browser send the
cookie (``SameSite=Strict``), and the HMAC stops a forged cookie planted from a sibling
sub-domain.  The HMAC key is derived from ``api_token`` (the forms exist only when it is set),
so it survives restarts and is shared by several server processes.  The forms also ask for the
API token itself (a password field, never stored in the page or a cookie): CSRF protection
proves the request came from our page, the token proves who filled it in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from blocwatch.settings import Settings

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CSRF_MAX_AGE",
    "DISABLED_MESSAGE",
    "ApiError",
    "CsrfTokens",
    "api_error_response",
    "bearer",
    "require_token",
    "token_matches",
]

DISABLED_MESSAGE = "write endpoints are disabled: set BLOCWATCH_API_TOKEN"
CSRF_COOKIE = "bw_csrf"
CSRF_FIELD = "csrf_token"
CSRF_MAX_AGE = 2 * 3600  # seconds a form stays valid after the page was loaded

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="apiToken",
    description="The server's api_token setting (BLOCWATCH_API_TOKEN), as `Authorization: Bearer <token>`.",
)


class ApiError(Exception):
    """An API refusal answered as ``{"error": {"status", "message"}}`` whatever ``Accept`` says."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def api_error_response(_request: Request, exc: Exception) -> Response:
    """The exception handler for :class:`ApiError` (registered by :func:`blocwatch.web.create_app`)."""
    assert isinstance(exc, ApiError)
    body = {"error": {"status": exc.status, "message": exc.message}}
    return JSONResponse(body, status_code=exc.status, headers=exc.headers)


def token_matches(settings: Settings, given: str | None) -> bool:
    """Whether ``given`` is the configured API token (False when none is configured)."""
    expected = settings.api_token
    if not expected or given is None:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def require_token(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> None:
    """Dependency of every write endpoint: 403 while disabled, 401 without the right token."""
    settings: Settings = request.app.state.settings
    if not settings.api_token:
        raise ApiError(403, DISABLED_MESSAGE)
    challenge = {"WWW-Authenticate": 'Bearer realm="blocwatch"'}
    if credentials is None:
        raise ApiError(401, "missing token: send Authorization: Bearer <api_token>", challenge)
    if not token_matches(settings, credentials.credentials):
        raise ApiError(401, "wrong API token", {"WWW-Authenticate": 'Bearer error="invalid_token"'})


class CsrfTokens:
    """Issue and check the signed double-submit tokens of the forms (see the module docstring)."""

    def __init__(self, api_token: str, clock: Callable[[], float] = time.time) -> None:
        # Never the token itself: a leaked CSRF key must not reveal the API token.
        self._key = hmac.new(api_token.encode("utf-8"), b"blocwatch csrf v1", hashlib.sha256).digest()
        self.clock = clock

    def _sign(self, issued: str, nonce: str) -> str:
        return hmac.new(self._key, f"{issued}.{nonce}".encode(), hashlib.sha256).hexdigest()

    def issue(self) -> str:
        issued, nonce = str(int(self.clock())), secrets.token_urlsafe(18)
        return f"{issued}.{nonce}.{self._sign(issued, nonce)}"

    def valid(self, token: str | None) -> bool:
        """Whether ``token`` is one we issued, less than :data:`CSRF_MAX_AGE` seconds ago."""
        if not token or token.count(".") != 2:
            return False
        issued, nonce, signature = token.split(".")
        if not issued.isdigit() or not hmac.compare_digest(signature, self._sign(issued, nonce)):
            return False
        return 0 <= self.clock() - int(issued) <= CSRF_MAX_AGE

    def problem(self, request: Request, field: str | None) -> str | None:
        """Why a form POST fails the CSRF check, or None when it passes."""
        origin = request.headers.get("origin")
        if origin and origin != _origin(request):
            return f"the form was sent from another site ({origin})"
        cookie = request.cookies.get(CSRF_COOKIE)
        if not cookie or not field:
            return "the form's security token is missing (cookies must be enabled)"
        if not hmac.compare_digest(cookie.encode(), field.encode()) or not self.valid(field):
            return "the form's security token is invalid or expired"
        return None

    def set_cookie(self, request: Request, response: Response, token: str) -> None:
        response.set_cookie(
            CSRF_COOKIE, token, max_age=CSRF_MAX_AGE, path="/sources", httponly=True,
            samesite="strict", secure=request.url.scheme == "https",
        )  # fmt: skip


def _origin(request: Request) -> str:
    url = request.url
    default = {"http": 80, "https": 443}.get(url.scheme)
    port = f":{url.port}" if url.port and url.port != default else ""
    host = f"[{url.hostname}]" if url.hostname and ":" in url.hostname else url.hostname
    return f"{url.scheme}://{host}{port}"
