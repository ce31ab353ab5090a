"""Fetching one URL (:func:`fetch_url`) with hard limits, then extracting it.

Limits, all from :class:`Settings`: a total deadline of ``fetch_timeout`` seconds (httpx's own
timeout is per read, so a server dripping one byte a second would never trip it), a body cap of
``fetch_max_bytes`` checked against ``Content-Length`` first and then while streaming (counted
after content decoding, so a compressed bomb is stopped too), and our ``user_agent``.

Redirects are followed by hand, at most :data:`MAX_REDIRECTS`, so that every hop is checked to be
http(s): a redirect to ``file:`` or ``ftp:`` is refused rather than left to the client.  The
client we build connects through :class:`~blocwatch.ingest.netguard.GuardedTransport`, so the
URL and every redirect hop may only reach public addresses unless ``allow_private_addresses``
is set (a caller's own ``client`` is used as it is).  Only
HTML and plain text responses are accepted; a response without a content type is sniffed.

This is the one-shot, synchronous fetch.  Politeness (robots.txt, per-host rate limits, retries,
conditional requests, bomb-proof decoding) is :class:`blocwatch.ingest.polite.Fetcher`, which
the collector and :func:`~blocwatch.ingest.files.read_inputs` use; :func:`extract_response`
is shared by both.
"""

from __future__ import annotations

import time
from urllib.parse import urljoin, urlsplit

import httpx

from blocwatch.ingest import sniff
from blocwatch.ingest.errors import IngestError, article_id_for
from blocwatch.ingest.netguard import ForbiddenAddress, GuardedTransport
from blocwatch.records import Article
from blocwatch.settings import Settings

__all__ = ["MAX_REDIRECTS", "extract_response", "fetch_url"]

MAX_REDIRECTS = 5
_HTML_TYPES = {"text/html", "application/xhtml+xml", "application/xml", "text/xml"}
_TEXT_TYPES = {"text/plain"}


def fetch_url(url: str, settings: Settings, *, client: httpx.Client | None = None) -> Article:
    """GET ``url`` and extract its article; every failure is raised as :class:`IngestError`."""
    own = client is None
    client = client or httpx.Client(
        timeout=httpx.Timeout(settings.fetch_timeout),
        headers={"User-Agent": settings.user_agent, "Accept": "text/html,application/xhtml+xml,text/plain"},
        follow_redirects=False,
        transport=GuardedTransport(allow_private=settings.allow_private_addresses),
    )
    try:
        final_url, content_type, charset, raw = _get(client, url, settings)
    except httpx.TimeoutException:
        raise IngestError(url, f"timed out after {settings.fetch_timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise IngestError(url, f"request failed: {type(exc).__name__}: {exc}") from None
    finally:
        if own:
            client.close()
    return extract_response(url, final_url, content_type, charset, raw)


def _check_scheme(original: str, url: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        shown = scheme or "(none)"
        raise IngestError(original, f"refusing URL scheme {shown!r} in {url!r} (only http/https)")


def _get(client: httpx.Client, url: str, settings: Settings) -> tuple[str, str, str | None, bytes]:
    deadline = time.monotonic() + settings.fetch_timeout
    current = url
    for _hop in range(MAX_REDIRECTS + 1):
        _check_scheme(url, current)
        try:
            hop = _get_one(client, url, current, settings, deadline)
        except ForbiddenAddress as exc:  # raised when the connection to this hop is opened
            raise IngestError(url, f"refusing to fetch {current}: {exc}") from None
        if isinstance(hop, str):
            current = hop
            continue
        return hop
    raise IngestError(url, f"more than {MAX_REDIRECTS} redirects")


def _get_one(
    client: httpx.Client, url: str, current: str, settings: Settings, deadline: float
) -> str | tuple[str, str, str | None, bytes]:
    """One hop: the next URL of a redirect, or (final URL, content type, charset, body)."""
    with client.stream("GET", current) as response:
        if response.is_redirect and "location" in response.headers:
            return urljoin(str(response.url), response.headers["location"])
        if response.status_code >= 400 or not response.is_success:
            raise IngestError(url, f"HTTP {response.status_code} {response.reason_phrase}".strip())
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type and content_type not in _HTML_TYPES | _TEXT_TYPES:
            raise IngestError(url, f"unsupported content type {content_type!r} (want HTML or text)")
        raw = _read_capped(response, url, settings.fetch_max_bytes, deadline, settings.fetch_timeout)
        return str(response.url), content_type, response.charset_encoding, raw


def _read_capped(response: httpx.Response, url: str, cap: int, deadline: float, timeout: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise IngestError(url, f"body of {declared} bytes (Content-Length) is over the limit of {cap}")
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > cap:
            raise IngestError(url, f"body is over the limit of {cap} bytes")
        if time.monotonic() > deadline:
            raise IngestError(url, f"timed out after {timeout:g} s (body still arriving)")
    return bytes(body)


def extract_response(url: str, final_url: str, content_type: str, charset: str | None, raw: bytes) -> Article:
    """The Article of a fetched body (HTML or plain text by ``content_type``, sniffed if empty).

    Shared with :mod:`.collect`, whose polite :class:`~blocwatch.ingest.polite.Fetcher` hands
    over the same four facts; raises :class:`IngestError` naming ``url``.
    """
    if not raw.strip():
        raise IngestError(url, "empty response body")
    kind = "html" if content_type in _HTML_TYPES else "text" if content_type in _TEXT_TYPES else None
    if kind is None:  # no Content-Type header: look at the bytes
        sniffed = sniff.sniff_kind(raw)
        if sniffed not in ("html", "text"):
            raise IngestError(url, f"response is not HTML or text ({sniffed})", raw=raw)
        kind = sniffed
    if kind == "html":
        from blocwatch.ingest.html import extract_html

        return extract_html(raw, url=final_url, input_name=url, charset=charset)
    from blocwatch.ingest.textpage import parse_text_page

    try:
        text = sniff.decode_text(raw, charset)
    except sniff.DecodeError as exc:
        raise IngestError(url, str(exc), raw=raw) from None
    article = parse_text_page(text, input_name=url)
    article.url = article.canonical_url = final_url
    article.id = article_id_for(final_url, article.text)
    article.raw = raw
    return article
