"""SSRF guard for URLs from chat or from feeds: public http(s) hosts only, every hop.

A chat admin's `/addfeed http://169.254.169.254/…`, or a feed item whose link
points at the operator's LAN, must not make the bot read cloud metadata or
internal pages. The check runs after DNS (a hostname can point anywhere) and
again on each redirect. The guarded transport (`guarded_transport`) resolves
each host once, checks every address, and connects to the address it checked:
a DNS answer that changes between the check and the connection (rebinding)
cannot switch it. TLS still names the URL's host (SNI and certificate check),
and the Host header is the URL's.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx

from bot.tls import shared_tls_context

Resolver = Callable[[str, int], Awaitable[list[str]]]
"""host, port → the IP addresses a connection could reach."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
DEFAULT_PORTS = frozenset({80, 443, 8080, 8443})
"""Ports a URL from chat or from a feed may name, unless configured otherwise."""
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_BODY_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class UnsafeURLError(ValueError):
    """The URL may not be fetched; the message says why, fit to show an admin."""


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the event loop's getaddrinfo (no blocking of the loop)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]).split("%", 1)[0] for info in infos]


def _embedded_problem(ip: ipaddress.IPv6Address) -> str | None:
    """An IPv4 address carried inside an IPv6 one (mapped, NAT64, 6to4, Teredo) is
    judged as itself: 2002:7f00:1:: reaches 127.0.0.1 through a 6to4 relay."""
    if ip.ipv4_mapped is not None:
        return address_problem(ip.ipv4_mapped)
    if ip in _NAT64_LOCAL:
        return "local-use NAT64"
    if ip in _NAT64:
        inner = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        problem = address_problem(inner)
        return f"NAT64 form of a {problem}" if problem else ""
    if ip.sixtofour is not None:
        problem = address_problem(ip.sixtofour)
        return f"6to4 form of a {problem}" if problem else None
    if ip.teredo is not None:
        server, client = ip.teredo
        for inner in (client, server):
            problem = address_problem(inner)
            if problem:
                return f"Teredo form of a {problem}"
        return "Teredo tunnel"
    return None


def address_problem(ip: IPAddress) -> str | None:
    """Why this address is not a public one, or None if it is."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_problem(ip)
        if embedded is not None:
            return embedded or None  # "": a NAT64 form of a public address
    checks = (
        ("unspecified", ip.is_unspecified),
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("not globally routable", not ip.is_global),
    )
    return next((name for name, hit in checks if hit), None)


def _split(url: str) -> tuple[str, int]:
    """The URL's host and port; refuses other schemes, missing hosts and bad ports."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeURLError("only http:// and https:// URLs are allowed")
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise UnsafeURLError(f"invalid URL: {exc}") from None
    if not host:
        raise UnsafeURLError("the URL has no host")
    return host, port or (443 if scheme == "https" else 80)


async def _resolve(host: str, port: int, resolver: Resolver) -> list[str]:
    try:
        found = await resolver(host, port)
    except (OSError, UnicodeError) as exc:
        raise UnsafeURLError(f"cannot resolve {host}: {exc}") from None
    if not found:
        raise UnsafeURLError(f"cannot resolve {host}")
    return list(found)


async def _addresses(host: str, port: int, resolver: Resolver) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    found = await _resolve(host, port, resolver)
    try:
        return [ipaddress.ip_address(a) for a in found]
    except ValueError as exc:
        raise UnsafeURLError(f"{host} resolved to an invalid address: {exc}") from None


async def check_url(url: str, *, resolver: Resolver = system_resolver) -> None:
    """Raise UnsafeURLError unless every address the URL's host resolves to is public."""
    host, port = _split(url)
    addresses = await _addresses(host, port, resolver)
    for ip in addresses:
        problem = address_problem(ip)
        if problem is not None:
            raise UnsafeURLError(f"{host} points to a {problem} address ({ip})")


@dataclass(frozen=True, slots=True)
class URLGuard:
    """The policy in one object: the resolver, whether private hosts and which ports are allowed.

    `allowed_ports` None allows any port; so does `allow_private`.
    """

    allow_private: bool = False
    resolver: Resolver = system_resolver
    allowed_ports: frozenset[int] | None = DEFAULT_PORTS

    def check_static(self, url: str) -> tuple[str, int]:
        """What needs no DNS: scheme, host, a literal IP address; (host, port)."""
        host, port = _split(url)
        if not self.allow_private:
            try:
                literal = ipaddress.ip_address(host)
            except ValueError:
                pass
            else:
                problem = address_problem(literal)
                if problem is not None:
                    raise UnsafeURLError(f"{host} points to a {problem} address ({literal})")
        return host, port

    def check_port(self, port: int) -> None:
        """Only the allowed ports; none is refused when private addresses are allowed (a
        trusted, local setup whose services listen anywhere)."""
        if self.allow_private or self.allowed_ports is None:
            return
        if port not in self.allowed_ports:
            allowed = ", ".join(str(p) for p in sorted(self.allowed_ports))
            raise UnsafeURLError(f"port {port} is not allowed (allowed: {allowed})")

    async def check(self, url: str) -> None:
        """Scheme, every address the host resolves to, and the port."""
        host, port = self.check_static(url)
        await self.addresses(host, port)

    async def addresses(self, host: str, port: int) -> list[str]:
        """The host's addresses, every one of them checked, and the port: what a connection
        may use. Addresses are judged before the port, so the message names the worse fault."""
        if self.allow_private:
            try:
                found = [str(ipaddress.ip_address(host))]
            except ValueError:
                found = await _resolve(host, port, self.resolver)
            self.check_port(port)
            return found
        checked = await _addresses(host, port, self.resolver)
        for ip in checked:
            problem = address_problem(ip)
            if problem is not None:
                raise UnsafeURLError(f"{host} points to a {problem} address ({ip})")
        self.check_port(port)
        return [str(ip) for ip in checked]

    async def request_hook(self, request: httpx.Request) -> None:
        """An httpx `event_hooks["request"]` hook: httpx calls it for every redirect hop too.

        It resolves and checks on its own, so it protects any client; with the
        guarded transport the connection is also pinned to an address checked
        at connect time.
        """
        await self.check(str(request.url))


class _PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses the guard checked, resolved once per connection."""

    def __init__(self, guard: URLGuard, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._guard = guard
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._guard.addresses(host, port)
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 (httpcore's interface)
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise UnsafeURLError("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def guarded_transport(
    guard: URLGuard,
    limits: httpx.Limits | None = None,
    *,
    network: httpcore.AsyncNetworkBackend | None = None,
    ssl_context: ssl.SSLContext | None = None,
) -> httpx.AsyncHTTPTransport:
    """An httpx transport whose every TCP connection goes to an address `guard` checked.

    httpcore names the URL's host for TLS (SNI, certificate) whatever address
    the socket reached, so only the connection target is pinned. `network`
    replaces the real sockets and `ssl_context` the system's CAs (tests). No
    proxy from the environment is used: it would make the checked address
    meaningless.
    """
    limits = limits or httpx.Limits()
    context = ssl_context or shared_tls_context(trust_env=False)
    transport = httpx.AsyncHTTPTransport(limits=limits, trust_env=False, verify=context)
    # httpx builds its httpcore pool privately; this one differs only in the network backend.
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=context,
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_PinnedBackend(guard, network),
    )
    return transport


def guarded_client(
    guard: URLGuard,
    *,
    timeout: float = 20.0,
    limits: httpx.Limits | None = None,
    network: httpcore.AsyncNetworkBackend | None = None,
) -> httpx.AsyncClient:
    """A client for untrusted URLs: every hop checked, every connection pinned."""
    return httpx.AsyncClient(
        transport=guarded_transport(guard, limits, network=network),
        event_hooks={"request": [guard.request_hook]},
        timeout=timeout,
        trust_env=False,
    )


async def safe_get(
    client: httpx.AsyncClient,
    url: str,
    *,
    guard: URLGuard,
    max_redirects: int = 5,
    max_bytes: int = 5 * 1024 * 1024,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """GET `url`, following redirects by hand so each hop is checked before it is requested.

    The body is read up to `max_bytes`; beyond that UnsafeURLError is raised.
    Works with any shared client, whatever its own follow_redirects setting.
    """
    for _hop in range(max_redirects + 1):
        await guard.check(url)
        request = client.build_request("GET", url, headers=headers)
        response = await client.send(request, stream=True, follow_redirects=False)
        try:
            location = response.headers.get("location")
            if response.status_code in REDIRECT_CODES and location:
                url = str(response.url.join(location))
                continue
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body.extend(chunk)
                if len(body) > max_bytes:
                    raise UnsafeURLError(f"the page is larger than {max_bytes} bytes")
        finally:
            await response.aclose()
        return httpx.Response(
            response.status_code,
            headers=[(k, v) for k, v in response.headers.items() if k.lower() not in _BODY_HEADERS],
            content=bytes(body),
            request=request,
        )
    raise UnsafeURLError(f"more than {max_redirects} redirects")
