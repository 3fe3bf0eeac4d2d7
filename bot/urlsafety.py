"""SSRF guard for URLs that arrive from chat: public http(s) hosts only, every hop.

A chat admin's `/addfeed http://169.254.169.254/…` must not make the bot read
cloud metadata or the operator's LAN. The check runs after DNS (a hostname can
point anywhere) and again on each redirect. The remaining gap is DNS
rebinding between the check and httpx's own lookup; pinning the address would
need a custom transport, which is more than this guard tries to do.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

Resolver = Callable[[str, int], Awaitable[list[str]]]
"""host, port → the IP addresses a connection could reach."""

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_BODY_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


class UnsafeURLError(ValueError):
    """The URL may not be fetched; the message says why, fit to show an admin."""


async def system_resolver(host: str, port: int) -> list[str]:
    """Resolve with the event loop's getaddrinfo (no blocking of the loop)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]).split("%", 1)[0] for info in infos]


def address_problem(ip: IPAddress) -> str | None:
    """Why this address is not a public one, or None if it is."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return address_problem(ip.ipv4_mapped)
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


async def _addresses(host: str, port: int, resolver: Resolver) -> list[IPAddress]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = await resolver(host, port)
    except (OSError, UnicodeError) as exc:
        raise UnsafeURLError(f"cannot resolve {host}: {exc}") from None
    if not found:
        raise UnsafeURLError(f"cannot resolve {host}")
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
    """The policy in one object: what resolver to use, and whether private hosts are allowed."""

    allow_private: bool = False
    resolver: Resolver = system_resolver

    async def check(self, url: str) -> None:
        if self.allow_private:
            _split(url)
            return
        await check_url(url, resolver=self.resolver)

    async def request_hook(self, request: httpx.Request) -> None:
        """An httpx `event_hooks["request"]` hook: httpx calls it for every redirect hop too."""
        await self.check(str(request.url))


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
