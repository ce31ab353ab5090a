"""The SSRF guard: fetches of user-submitted URLs may only reach public internet addresses.

Everything blocwatch fetches — ingest URLs, polled sources, links found in feeds and sitemaps,
robots.txt, and every redirect hop of each — goes through an httpx transport built here
(:class:`GuardedTransport`, :class:`AsyncGuardedTransport`).  The guard sits at the one place
that cannot be bypassed by a redirect or a discovered link: the moment a TCP connection is
opened.  Its network backend

1. resolves the host name once (``getaddrinfo``; a literal IP is taken as it is),
2. refuses the connection if **any** resolved address is not public (:func:`address_problem`):
   loopback, private (RFC 1918, ULA), link-local, multicast, reserved, unspecified, shared
   (CGNAT) or otherwise not globally routable — IPv4 and IPv6, with IPv4 addresses embedded in
   IPv6 (``::ffff:127.0.0.1``, 6to4, NAT64) judged by the IPv4 address they carry,
3. connects to exactly the checked address, never resolving again, so a DNS answer that changes
   between the check and the connect (DNS rebinding) cannot slip a private address in.  TLS
   still verifies the certificate against the host *name* (httpcore passes the origin's host as
   the SNI / verification name, not the address we dial).

Refusing every address when one is bad is deliberate: a name that resolves to both a public and
a private address is either misconfigured or an attack, and which one the client would pick is
not ours to gamble on.

``allow_private_addresses`` (setting ``BLOCWATCH_ALLOW_PRIVATE_ADDRESSES``) turns the check off,
for intranet deployments and for tests that serve pages from 127.0.0.1.  A refusal raises
:class:`ForbiddenAddress`, which is *not* an httpx error, so retry logic never retries it; the
fetchers turn it into an error naming the URL.  Passing a transport keeps httpx from using
proxy environment variables, which is what we want: a proxy would connect on our behalf to an
address we never checked.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Collection, Iterable
from typing import Any
from urllib.parse import urlsplit

import anyio
import httpcore
import httpx

__all__ = [
    "AsyncGuardedTransport",
    "ForbiddenAddress",
    "GuardedTransport",
    "address_problem",
    "check_url",
    "resolve_checked",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_HINT = "set allow_private_addresses (env BLOCWATCH_ALLOW_PRIVATE_ADDRESSES=true) to allow it"


class ForbiddenAddress(ValueError):
    """A fetch would reach a non-public address; ``str()`` says which host, address and why."""

    def __init__(self, host: str, address: str, reason: str) -> None:
        self.host, self.address, self.reason = host, address, reason
        where = host if host == address else f"{host} resolves to {address}, which"
        super().__init__(f"{where} is a {reason} address; {_HINT}")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, NAT64), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_problem(ip: IPAddress) -> str | None:
    """Why ``ip`` may not be fetched ("loopback", "private", ...), or None for a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            inner = address_problem(embedded)
            return f"{inner} (IPv4 {embedded} inside IPv6)" if inner else None
    # Order matters only for the message: the most specific name first.
    for reason, flag in (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
    ):
        if flag:
            return reason
    if not ip.is_global:  # e.g. 100.64.0.0/10 (carrier-grade NAT), 192.0.0.0/24
        return "non-public"
    return None


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _checked(host: str, addresses: Iterable[str], trusted: Collection[str]) -> list[str]:
    found = list(dict.fromkeys(addresses))  # keep resolver order, drop duplicates
    for address in found:
        if address in trusted:
            continue
        ip = ipaddress.ip_address(address.split("%", 1)[0])
        problem = address_problem(ip)
        if problem:
            raise ForbiddenAddress(host, address, problem)
    return found


def resolve_checked(host: str, port: int, trusted: Collection[str] = ()) -> list[str]:
    """The addresses of ``host``, every one of them public; raises :class:`ForbiddenAddress`.

    ``trusted`` addresses (exactly as the resolver writes them) pass whatever they are.  A name
    that does not resolve raises :class:`OSError` (``socket.gaierror``).
    """
    literal = _literal(host)
    if literal is not None:
        return _checked(str(literal), [str(literal)], trusted)
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return _checked(host, [str(info[4][0]) for info in infos], trusted)


async def resolve_checked_async(host: str, port: int, trusted: Collection[str] = ()) -> list[str]:
    """:func:`resolve_checked` without blocking the event loop."""
    literal = _literal(host)
    if literal is not None:
        return _checked(str(literal), [str(literal)], trusted)
    infos = await anyio.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return _checked(host, [str(info[4][0]) for info in infos], trusted)


def check_url(url: str, *, allow_private: bool = False, allow_unresolved: bool = False) -> None:
    """Refuse, before anything is stored or fetched, a URL the guard would refuse later.

    Raises :class:`ValueError` naming ``url``: not http(s), no host, a host that does not
    resolve (unless ``allow_unresolved``), or (unless ``allow_private``) a host with a
    non-public address.  ``allow_unresolved`` is for URLs kept to be fetched later (a polled
    source): a name that does not resolve *now* is accepted, since the guard checks it again at
    every connection; a literal non-public address or a name resolving to one is still refused.
    """
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError(f"{url!r}: only http and https URLs can be fetched")
    if not parts.hostname:
        raise ValueError(f"{url!r}: the URL has no host")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError as exc:  # a port out of range or not a number
        raise ValueError(f"{url!r}: {exc}") from None
    if allow_private:
        return
    try:
        resolve_checked(parts.hostname, port)
    except ForbiddenAddress as exc:
        raise ValueError(f"{url!r}: refused, {exc}") from None
    except (OSError, UnicodeError) as exc:
        if allow_unresolved:
            return
        raise ValueError(f"{url!r}: the host {parts.hostname!r} does not resolve ({exc})") from None


def _connect_error(host: str, error: Exception) -> httpcore.ConnectError:
    return httpcore.ConnectError(f"cannot resolve {host!r}: {error}")


class _GuardedBackend(httpcore.NetworkBackend):
    """Resolve once, check every address, dial only the checked addresses (in order)."""

    def __init__(self, trusted: Collection[str]) -> None:
        self.inner, self.trusted = httpcore.SyncBackend(), frozenset(trusted)

    def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:  # fmt: skip
        try:
            addresses = resolve_checked(host, port, self.trusted)
        except (OSError, UnicodeError) as exc:
            raise _connect_error(host, exc) from None
        last: Exception | None = None
        for address in addresses:
            try:
                return self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc  # try the next checked address, as a resolver-driven client would
        assert last is not None
        raise last

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class _AsyncGuardedBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, trusted: Collection[str]) -> None:
        self.inner, self.trusted = httpcore.AnyIOBackend(), frozenset(trusted)

    async def connect_tcp(
        self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:  # fmt: skip
        try:
            addresses = await resolve_checked_async(host, port, self.trusted)
        except (OSError, UnicodeError) as exc:
            raise _connect_error(host, exc) from None
        last: Exception | None = None
        for address in addresses:
            try:
                return await self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        assert last is not None
        raise last

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def _install(pool: Any, backend: object) -> None:
    # httpx builds its httpcore pool in __init__ and offers no argument for the network backend;
    # the pool reads this attribute each time it opens a connection, so replacing it is enough.
    # Fail loudly, not open, if a future httpx renames it.
    if not hasattr(pool, "_network_backend"):
        raise RuntimeError("httpx/httpcore changed: cannot install the SSRF guard's network backend")
    pool._network_backend = backend


class GuardedTransport(httpx.HTTPTransport):
    """An httpx transport whose connections pass the guard (unless ``allow_private``).

    ``trusted`` lists addresses the caller vouches for (an intranet mirror, a test server):
    they are dialled even though not public, while every other address is still checked.
    """

    def __init__(self, *, allow_private: bool = False, trusted: Collection[str] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not allow_private:
            _install(self._pool, _GuardedBackend(trusted))


class AsyncGuardedTransport(httpx.AsyncHTTPTransport):
    """The async twin of :class:`GuardedTransport`."""

    def __init__(self, *, allow_private: bool = False, trusted: Collection[str] = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not allow_private:
            _install(self._pool, _AsyncGuardedBackend(trusted))
