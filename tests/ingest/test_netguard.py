"""The SSRF guard: address rules, and real fetches to a server on 127.0.0.1 refused or allowed.

The loopback server is a real one (:mod:`tests.ingest.ingest_server`); a refusal must happen
before any byte reaches it, which the server's request log proves.  Redirect-to-private tests
trust the server's own address explicitly (``trusted=``) so that the *next* hop is what the
guard judges.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from ingest_server import Site, article_html, serve

from blocwatch.ingest.errors import IngestError
from blocwatch.ingest.fetch import fetch_url
from blocwatch.ingest.files import read_inputs
from blocwatch.ingest.netguard import (
    AsyncGuardedTransport,
    ForbiddenAddress,
    GuardedTransport,
    address_problem,
    check_url,
    resolve_checked,
)
from blocwatch.ingest.polite import Fetcher, FetchResult
from blocwatch.records import Article
from blocwatch.settings import Settings, load_settings

REFUSED = {
    "127.0.0.1": "loopback", "127.8.9.10": "loopback", "10.1.2.3": "private", "172.16.0.9": "private",
    "192.168.1.1": "private", "169.254.169.254": "link-local", "224.0.0.251": "multicast",
    "0.0.0.0": "unspecified", "240.0.0.1": "reserved", "100.64.0.1": "non-public",
    "::1": "loopback", "::": "unspecified", "fe80::1": "link-local", "fd12:3456::1": "private",
    "ff02::1": "multicast",
}  # fmt: skip
EMBEDDED = {"::ffff:127.0.0.1": "loopback", "2002:a00:1::": "private", "64:ff9b::a9fe:a9fe": "link-local"}
PUBLIC = ["93.184.215.14", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:0808:0808::"]


def test_address_rules_cover_ipv4_ipv6_and_embedded_ipv4() -> None:
    for text, reason in REFUSED.items():
        assert address_problem(ipaddress.ip_address(text)) == reason, text
    for text, reason in EMBEDDED.items():
        problem = address_problem(ipaddress.ip_address(text))
        assert problem is not None and problem.startswith(reason) and "inside IPv6" in problem, text
    for text in PUBLIC:
        assert address_problem(ipaddress.ip_address(text)) is None, text


def test_every_resolved_address_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    # A name with one public and one private answer is refused as a whole.
    def answers(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port)) for a in ("1.1.1.1", "10.0.0.7")]

    monkeypatch.setattr(socket, "getaddrinfo", answers)
    with pytest.raises(ForbiddenAddress, match=r"mixed\.example resolves to 10\.0\.0\.7, which is a private"):
        resolve_checked("mixed.example", 80)
    assert resolve_checked("mixed.example", 80, trusted={"10.0.0.7"}) == ["1.1.1.1", "10.0.0.7"]


def test_localhost_and_literal_addresses_are_refused() -> None:
    with pytest.raises(ForbiddenAddress, match="localhost resolves to .* loopback"):
        resolve_checked("localhost", 80)
    with pytest.raises(ForbiddenAddress, match="BLOCWATCH_ALLOW_PRIVATE_ADDRESSES"):
        resolve_checked("[::ffff:169.254.169.254]", 80)


def test_check_url_names_the_url_and_the_problem() -> None:
    with pytest.raises(ValueError, match=r"'http://127\.0\.0\.1:8080/feed'.*loopback"):
        check_url("http://127.0.0.1:8080/feed")
    with pytest.raises(ValueError, match="only http and https"):
        check_url("file:///etc/passwd")
    with pytest.raises(ValueError, match="has no host"):
        check_url("http:///nothing")
    with pytest.raises(ValueError, match="does not resolve"):
        check_url("http://no-such-host.invalid/")
    check_url("http://127.0.0.1:8080/feed", allow_private=True)  # explicitly allowed


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    pages = Site()
    pages.add("/article", article_html("Harbour talks resume"))
    pages.add("/to-metadata", b"", status=302, headers={"Location": "http://169.254.169.254/latest/meta-data"})
    with serve(pages):
        pages.add("/to-mapped", b"", status=301,
                  headers={"Location": pages.base.replace("127.0.0.1", "[::ffff:127.0.0.1]") + "/article"})
        yield pages


def defaults() -> Settings:
    return load_settings(fetch_timeout=2.0, fetch_max_bytes=100_000)


def test_fetch_url_refuses_loopback_by_default_and_allows_it_when_set(site: Site) -> None:
    before = site.hits("/article")
    with pytest.raises(IngestError) as refused:
        fetch_url(site.url("/article"), defaults())
    assert refused.value.input == site.url("/article")
    assert "loopback" in refused.value.problem and "allow_private_addresses" in refused.value.problem
    assert site.hits("/article") == before  # refused before connecting: the server saw nothing
    allowed = fetch_url(site.url("/article"), load_settings(fetch_timeout=2.0, allow_private_addresses=True))
    assert allowed.title == "Harbour talks resume"


def test_fetch_url_checks_every_redirect_hop(site: Site) -> None:
    transport = GuardedTransport(trusted={"127.0.0.1"})  # the first hop is vouched for, the next is not
    with httpx.Client(transport=transport, follow_redirects=False) as client:
        assert fetch_url(site.url("/article"), defaults(), client=client).title == "Harbour talks resume"
        with pytest.raises(IngestError, match=r"refusing to fetch http://169\.254\.169\.254/.*link-local"):
            fetch_url(site.url("/to-metadata"), defaults(), client=client)
        with pytest.raises(IngestError, match=r"refusing to fetch http://\[::ffff:127\.0\.0\.1\].*loopback"):
            fetch_url(site.url("/to-mapped"), defaults(), client=client)


def polite(url: str, **options: Any) -> FetchResult:
    async def run() -> FetchResult:
        async with Fetcher(defaults(), per_host_delay=0.0, retries=2, backoff=0.01, **options) as fetcher:
            return await fetcher.fetch(url)

    return asyncio.run(run())


def test_fetcher_refuses_loopback_without_retrying(site: Site) -> None:
    before = len(site.log)
    result = polite(site.url("/article"))
    assert result.error_kind == "address" and result.attempts == 1
    assert "loopback" in (result.error or "") and len(site.log) == before  # not even robots.txt
    assert polite(site.url("/article"), allow_private_addresses=True).ok


def test_fetcher_refuses_a_redirect_to_a_private_address(site: Site) -> None:
    result = polite(site.url("/to-metadata"), transport=AsyncGuardedTransport(trusted={"127.0.0.1"}))
    assert result.error_kind == "address" and "169.254.169.254" in (result.error or "")
    assert result.final_url == "http://169.254.169.254/latest/meta-data"
    mapped = polite(site.url("/to-mapped"), transport=AsyncGuardedTransport(trusted={"127.0.0.1"}))
    assert mapped.error_kind == "address" and "IPv4 127.0.0.1 inside IPv6" in (mapped.error or "")


def test_the_connection_goes_to_the_address_that_was_checked(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A rebinding resolver: a harmless answer the first time, an internal one afterwards.  The
    # guard must resolve once and dial that answer, so the second answer is never used.
    real = socket.getaddrinfo
    calls: list[str] = []

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode("ascii") if isinstance(host, bytes) else str(host)
        calls.append(name)
        if name == "news.rebind.test":
            first = calls.count(name) == 1
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1" if first else "10.9.9.9", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    url = site.url("/article").replace("127.0.0.1", "news.rebind.test")
    before = site.hits("/article")
    result = polite(url, transport=AsyncGuardedTransport(trusted={"127.0.0.1"}), obey_robots=False)
    assert result.ok and site.hits("/article") == before + 1
    assert calls.count("news.rebind.test") == 1
    assert site.log[-1][1].get("Host", "").startswith("news.rebind.test")  # the name, not the address


def test_read_inputs_reports_refused_urls_by_name(site: Site) -> None:
    (result,) = list(read_inputs([site.url("/article")], defaults()))
    assert isinstance(result, IngestError) and result.input == site.url("/article")
    assert "loopback" in result.problem
    allowed = list(read_inputs([site.url("/article")], load_settings(allow_private_addresses=True)))
    assert [type(a) for a in allowed] == [Article]


def test_check_url_for_a_polled_source_keeps_names_that_do_not_resolve_yet() -> None:
    # A source is fetched later, through the guard: only an address known bad now is refused.
    check_url("http://no-such-host.invalid/feed", allow_unresolved=True)
    with pytest.raises(ValueError, match="'http://localhost/feed'.*loopback"):
        check_url("http://localhost/feed", allow_unresolved=True)
    with pytest.raises(ValueError, match=r"'http://\[::ffff:10\.0\.0\.1\]/'.*private"):
        check_url("http://[::ffff:10.0.0.1]/", allow_unresolved=True)
    with pytest.raises(ValueError, match="'http://x:99999/'.*[Pp]ort"):
        check_url("http://x:99999/", allow_private=True)


def test_cli_sources_add_refuses_non_public_addresses(
    backend_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer import Typer
    from typer.testing import CliRunner

    from blocwatch.cli_sources import sources_app
    from blocwatch.store import Store
    from blocwatch.store.sources import SourceDirectory

    app = Typer()
    app.add_typer(sources_app, name="sources")
    app.command("unused")(lambda: None)  # a second command keeps typer from flattening the group
    url = backend_url
    runner = CliRunner()
    monkeypatch.delenv("BLOCWATCH_ALLOW_PRIVATE_ADDRESSES", raising=False)
    refused = runner.invoke(app, ["sources", "add", "http://169.254.169.254/latest/meta-data",
                                  "--database-url", url])  # fmt: skip
    assert refused.exit_code == 1
    assert "'http://169.254.169.254/latest/meta-data': refused" in refused.output
    assert "link-local" in refused.output and "BLOCWATCH_ALLOW_PRIVATE_ADDRESSES" in refused.output
    monkeypatch.setenv("BLOCWATCH_ALLOW_PRIVATE_ADDRESSES", "true")
    allowed = runner.invoke(app, ["sources", "add", "http://127.0.0.1:8080/feed", "--database-url", url])
    assert allowed.exit_code == 0, allowed.output
    store = Store(url)
    try:
        assert [s["url"] for s in SourceDirectory(store).list_sources()] == ["http://127.0.0.1:8080/feed"]
    finally:
        store.close()
