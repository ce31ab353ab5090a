"""Who may write, and how much anyone may ask: the API token, CSRF on the forms, the rate limit.

Real app, real store (``backend_url``), real HTTP through the TestClient; the only thing put in
by hand is the clock of the rate limiter and of the CSRF tokens, so that "a minute later" does
not take a minute.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from blocwatch.settings import load_settings
from blocwatch.store import Store
from blocwatch.store.sources import SourceDirectory
from blocwatch.web import create_app
from blocwatch.web.ratelimit import RateLimiter
from blocwatch.web.security import CSRF_COOKIE, CSRF_MAX_AGE, DISABLED_MESSAGE, CsrfTokens, token_matches

TOKEN = "correct horse battery staple"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
WRITE_CALLS: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/api/sources", None),
    ("POST", "/api/sources", {"url": "https://news.example.org/feed"}),
    ("POST", "/api/reprocess", {"ids": ["a-none"]}),
    ("GET", "/api/reprocess/1", None),
]


class Clock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@contextmanager
def site(backend_url: str, **overrides: Any) -> Iterator[tuple[TestClient, Store]]:
    settings = load_settings(database_url=backend_url, **({"rate_limit_per_minute": 0} | overrides))
    store = Store(settings.database_url)
    try:
        with TestClient(create_app(settings, store)) as client:
            yield client, store
    finally:
        store.close()


def test_write_endpoints_are_off_without_a_token(backend_url: str) -> None:
    with site(backend_url, api_token="") as (client, store):
        for method, path, body in WRITE_CALLS:
            response = client.request(method, path, json=body, headers=AUTH)
            assert response.status_code == 403, (method, path)
            assert response.json() == {"error": {"status": 403, "message": DISABLED_MESSAGE}}
        page = client.get("/sources")
        assert page.status_code == 200 and "BLOCWATCH_API_TOKEN" in page.text
        assert 'method="post"' not in page.text
        assert CSRF_COOKIE not in page.cookies
        # Posting the form anyway is refused before anything else is looked at.
        refused = client.post("/sources/add", data={"url": "https://x.example.org/", "api_token": ""})
        assert refused.status_code == 403 and DISABLED_MESSAGE in refused.text
        assert SourceDirectory(store).list_sources() == []


def test_missing_or_wrong_token_is_401_and_the_right_one_passes(backend_url: str) -> None:
    with site(backend_url, api_token=TOKEN) as (client, store):
        for method, path, body in WRITE_CALLS:
            missing = client.request(method, path, json=body)
            assert missing.status_code == 401, (method, path)
            assert missing.headers["WWW-Authenticate"].startswith("Bearer")
            assert "missing token" in missing.json()["error"]["message"]
            for wrong in (TOKEN[:-1], TOKEN + "x", TOKEN.upper(), ""):
                headers = {"Authorization": f"Bearer {wrong}"}
                response = client.request(method, path, json=body, headers=headers)
                assert response.status_code == 401, (method, path, wrong)
            basic = client.request(method, path, json=body, headers={"Authorization": f"Basic {TOKEN}"})
            assert basic.status_code == 401
        assert SourceDirectory(store).list_sources() == []  # nothing was written on the way
        assert client.get("/api/sources", headers=AUTH).json() == {"sources": []}
        added = client.post("/api/sources", json={"url": "https://news.example.org/feed"}, headers=AUTH)
        assert added.status_code == 201


def test_token_comparison() -> None:
    settings = load_settings(api_token=TOKEN)
    assert token_matches(settings, TOKEN)
    assert not token_matches(settings, TOKEN[:5]) and not token_matches(settings, None)
    assert not token_matches(settings, "é" + TOKEN)  # non-ASCII compares as bytes, no TypeError
    assert not token_matches(load_settings(api_token=""), "")  # an empty token never matches


def test_openapi_declares_the_bearer_scheme_on_the_write_endpoints(backend_url: str) -> None:
    with site(backend_url) as (client, _store):
        schema = client.get("/openapi.json").json()
    scheme = schema["components"]["securitySchemes"]["apiToken"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer"}
    operations = {("get", "/api/sources"), ("post", "/api/sources"), ("post", "/api/reprocess"),
                  ("get", "/api/reprocess/{job_id}")}  # fmt: skip
    for method, path in operations:
        assert schema["paths"][path][method]["security"] == [{"apiToken": []}], (method, path)
    assert "security" not in schema["paths"]["/sources"]["get"]  # the public page needs nothing


def _form_token(client: TestClient) -> str:
    page = client.get("/sources")
    assert page.status_code == 200
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


def test_csrf_cookie_and_field(backend_url: str) -> None:
    with site(backend_url, api_token=TOKEN) as (client, store):
        page = client.get("/sources")
        cookie = page.headers["set-cookie"]
        assert cookie.startswith(f"{CSRF_COOKIE}=")
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/sources" in cookie
        assert "Secure" not in cookie  # plain http here; over https it is Secure
        field = _form_token(client)
        assert field == client.cookies[CSRF_COOKIE]  # double submit: the same value twice
        assert 'type="password" name="api_token"' in page.text and TOKEN not in page.text

        form = {"url": "https://news.example.org/feed", "every": "30m", "api_token": TOKEN}
        ok = client.post("/sources/add", data={**form, "csrf_token": field})
        assert ok.status_code == 200 and "Added source 1" in ok.text
        assert SourceDirectory(store).list_sources()[0]["every"] == "30m"

        # A valid CSRF token with the wrong API token: 401, nothing added.
        wrong = client.post("/sources/add", data={**form, "url": "https://b.example.org/", "api_token": "no",
                                                  "csrf_token": field})  # fmt: skip
        assert wrong.status_code == 401 and len(SourceDirectory(store).list_sources()) == 1


def test_posts_without_a_valid_csrf_token_are_403(backend_url: str) -> None:
    with site(backend_url, api_token=TOKEN) as (client, store):
        field = _form_token(client)
        form = {"url": "https://news.example.org/feed", "api_token": TOKEN}
        forged_signature = field.rsplit(".", 1)[0] + "." + "0" * 64
        other = CsrfTokens("another server's token").issue()
        attempts: list[tuple[dict[str, str], dict[str, str], str]] = [
            ({}, {}, "missing"),  # no field
            ({"csrf_token": field[:-1] + "x"}, {}, "invalid"),  # field differs from the cookie
            ({"csrf_token": forged_signature}, {CSRF_COOKIE: forged_signature}, "invalid"),
            ({"csrf_token": other}, {CSRF_COOKIE: other}, "invalid"),  # signed with another key
            ({"csrf_token": field}, {"Origin": "https://evil.example"}, "another site"),
        ]
        for extra, headers_or_cookie, reason in attempts:
            cookies = {k: v for k, v in headers_or_cookie.items() if k == CSRF_COOKIE}
            headers = {k: v for k, v in headers_or_cookie.items() if k != CSRF_COOKIE}
            if cookies:
                client.cookies.set(CSRF_COOKIE, cookies[CSRF_COOKIE], path="/sources")
            response = client.post("/sources/add", data={**form, **extra}, headers=headers)
            assert response.status_code == 403, reason
            assert "CSRF check failed" in response.text and reason in response.text
            client.cookies.clear()
            field = _form_token(client)
        # Without the cookie (a cross-site POST: SameSite=Strict keeps it home) the field alone fails.
        client.cookies.clear()
        alone = client.post("/sources/add", data={**form, "csrf_token": field})
        assert alone.status_code == 403 and "missing" in alone.text
        # The same reprocess form is protected the same way.
        assert client.post("/sources/reprocess", data={"api_token": TOKEN}).status_code == 403
        # A JSON body is no form: refused before the CSRF check can be skipped.
        assert client.post("/sources/add", json={**form, "csrf_token": field}).status_code == 415
        assert SourceDirectory(store).list_sources() == []
        # A same-origin Origin header is fine.
        field = _form_token(client)
        same = client.post("/sources/add", data={**form, "csrf_token": field},
                           headers={"Origin": "http://testserver"})  # fmt: skip
        assert same.status_code == 200


def test_csrf_tokens_expire() -> None:
    clock = Clock()
    tokens = CsrfTokens(TOKEN, clock=clock)
    token = tokens.issue()
    assert tokens.valid(token)
    clock.now += CSRF_MAX_AGE - 1
    assert tokens.valid(token)
    clock.now += 2
    assert not tokens.valid(token)
    assert not CsrfTokens("other", clock=clock).valid(tokens.issue())
    for junk in ("", "a.b", "x.y.z", "1.2.3.4", None):
        assert not tokens.valid(junk)


def test_an_expired_form_is_refused(backend_url: str) -> None:
    with site(backend_url, api_token=TOKEN) as (client, store):
        clock = Clock()
        client.app.state.csrf_tokens = CsrfTokens(TOKEN, clock=clock)  # type: ignore[attr-defined]
        field = _form_token(client)
        clock.now += CSRF_MAX_AGE + 1
        late = client.post("/sources/add", data={"url": "https://a.example.org/", "api_token": TOKEN,
                                                 "csrf_token": field})  # fmt: skip
        assert late.status_code == 403 and "expired" in late.text
        # Reloading the page issues a fresh token (the stale cookie is replaced).
        fresh = _form_token(client)
        assert fresh != field
        again = client.post("/sources/add", data={"url": "https://a.example.org/", "api_token": TOKEN,
                                                  "csrf_token": fresh})  # fmt: skip
        assert again.status_code == 200 and len(SourceDirectory(store).list_sources()) == 1


# --- rate limit ---------------------------------------------------------------------------------


def test_burst_then_429_then_recovery(backend_url: str) -> None:
    with site(backend_url, rate_limit_per_minute=60, rate_limit_burst=3) as (client, _store):
        clock = Clock()
        client.app.state.rate_limiter = RateLimiter(60, 3, clock=clock)  # type: ignore[attr-defined]
        assert [client.get("/actors.json").status_code for _ in range(3)] == [200, 200, 200]
        limited = client.get("/actors.json")
        assert limited.status_code == 429
        assert limited.headers["Retry-After"] == "1"  # one token a second at 60 a minute
        assert limited.json()["error"]["status"] == 429
        assert limited.headers["X-Content-Type-Options"] == "nosniff"  # security headers on a 429 too
        page = client.get("/actors", headers={"Accept": "text/html"})
        assert page.status_code == 429 and "Too many requests" in page.text  # HTML pages are limited too
        # Assets and the health check are never limited.
        assert client.get("/static/blocwatch.css").status_code == 200
        assert client.get("/healthz").status_code == 200

        clock.now += 0.5
        assert client.get("/actors.json").status_code == 429
        clock.now += 0.5  # one token back after a second
        assert client.get("/actors.json").status_code == 200
        assert client.get("/actors.json").status_code == 429
        clock.now += 3600  # an hour idle refills to the burst, never beyond it
        assert [client.get("/.json").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_retry_after_at_a_slow_rate(backend_url: str) -> None:
    with site(backend_url) as (client, _store):
        clock = Clock()
        client.app.state.rate_limiter = RateLimiter(6, 1, clock=clock)  # type: ignore[attr-defined]
        assert client.get("/.json").status_code == 200
        assert client.get("/.json").headers["Retry-After"] == "10"
        clock.now += 4
        assert client.get("/.json").headers["Retry-After"] == "6"


def test_limits_are_per_client_ip() -> None:
    clock = Clock()
    limiter = RateLimiter(60, 2, clock=clock)
    assert [limiter.take("10.0.0.1") for _ in range(3)][-1] > 0
    assert limiter.take("10.0.0.2") == 0.0  # another client has its own bucket


def test_disabled_when_zero(backend_url: str) -> None:
    with site(backend_url, rate_limit_per_minute=0, rate_limit_burst=1) as (client, _store):
        assert {client.get("/.json").status_code for _ in range(150)} == {200}


def test_default_settings_build_a_limiter_from_the_settings(backend_url: str) -> None:
    with site(backend_url, rate_limit_per_minute=120, rate_limit_burst=5) as (client, _store):
        limiter = client.app.state.rate_limiter  # type: ignore[attr-defined]
        assert (limiter.rate, limiter.burst, limiter.enabled) == (2.0, 5.0, True)
        limiter.clock = lambda: 1000.0  # time stands still: no token refills between requests
        assert [client.get("/.json").status_code for _ in range(6)][-1] == 429


def test_bucket_memory_is_bounded() -> None:
    clock = Clock()
    limiter = RateLimiter(60, 2, clock=clock, max_clients=100)
    for n in range(1000):
        limiter.take(f"client-{n}")
        clock.now += 0.001
    assert len(limiter) <= 100
    # A busy client keeps its state while idle ones are forgotten.
    busy = RateLimiter(60, 1, clock=clock, max_clients=10)
    assert busy.take("busy") == 0.0
    for n in range(9):
        busy.take(f"idle-{n}")
    clock.now += 5  # every idle bucket (and busy's) refilled: pruning drops them, not a live one
    assert busy.take("busy") == 0.0
    assert busy.take("newcomer") == 0.0
    assert busy.take("busy") > 0  # busy's empty bucket survived the prune


@pytest.mark.parametrize("path", ["/api/sources", "/sources.json", "/articles/none.json"])
def test_the_api_and_json_twins_are_limited(backend_url: str, path: str) -> None:
    with site(backend_url) as (client, _store):
        client.app.state.rate_limiter = RateLimiter(60, 1, clock=Clock())  # type: ignore[attr-defined]
        client.get(path)
        assert client.get(path).status_code == 429
