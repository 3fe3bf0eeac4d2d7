"""SSRF refusals: literal addresses, resolved hostnames, and redirects to private hosts."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from collections.abc import Iterable
from pathlib import Path

import httpcore
import httpx
import pytest
from pytest_httpserver import HTTPServer

from bot.urlsafety import (
    Resolver,
    UnsafeURLError,
    URLGuard,
    check_url,
    guarded_client,
    guarded_transport,
    safe_get,
    system_resolver,
)


def fake_dns(table: dict[str, list[str]]) -> Resolver:
    async def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise OSError(f"no such host {host}")
        return table[host]

    return resolve


DNS = fake_dns(
    {
        "news.example": ["93.184.216.34"],
        "meta.example": ["169.254.169.254"],
        "mixed.example": ["93.184.216.34", "10.1.2.3"],
        "v6.example": ["2606:2800:220:1:248:1893:25c8:1946"],
        "lan6.example": ["fd00::1"],
        "empty.example": [],
        "localhost": ["127.0.0.1", "::1"],
    }
)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1/feed", "loopback"),
        ("http://10.0.0.5:8080/rss", "private"),
        ("http://[::1]/rss", "loopback"),
        ("http://[::ffff:127.0.0.1]/rss", "loopback"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("http://240.0.0.1/", "reserved"),
        ("http://100.64.0.1/", "not globally routable"),
        ("https://meta.example/latest/meta-data", "link-local"),
        ("https://mixed.example/rss", "private"),
        ("https://lan6.example/rss", "private"),
        ("ftp://news.example/rss", "only http"),
        ("file:///etc/passwd", "only http"),
        ("http:///nohost", "no host"),
        ("http://news.example:99999/", "invalid URL"),
        ("https://nowhere.example/", "cannot resolve"),
        ("https://empty.example/", "cannot resolve"),
    ],
)
async def test_refused(url: str, reason: str) -> None:
    with pytest.raises(UnsafeURLError, match=reason):
        await check_url(url, resolver=DNS)


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/rss",
        "http://93.184.216.34/x",
        "https://v6.example/",
        "HTTPS://news.example",
    ],
)
async def test_public_allowed(url: str) -> None:
    await check_url(url, resolver=DNS)


async def test_allow_private_still_requires_http() -> None:
    guard = URLGuard(allow_private=True, resolver=DNS)
    await guard.check("http://10.0.0.5/rss")
    with pytest.raises(UnsafeURLError):
        await guard.check("gopher://10.0.0.5/")


async def test_system_resolver_uses_getaddrinfo() -> None:
    assert "127.0.0.1" in await system_resolver("127.0.0.1", 80)


async def test_local_server_refused_without_allow_private(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/feed").respond_with_data("<rss/>")
    async with httpx.AsyncClient() as client:
        with pytest.raises(UnsafeURLError, match="loopback"):
            await safe_get(client, httpserver.url_for("/feed"), guard=URLGuard())
        assert httpserver.log == []
        allowed = URLGuard(allow_private=True)
        response = await safe_get(client, httpserver.url_for("/feed"), guard=allowed)
    assert response.status_code == 200 and response.text == "<rss/>"


async def test_public_url_redirecting_to_private_is_refused(httpserver: HTTPServer) -> None:
    """The first hop is public (a mock transport stands in for the internet); the second is not."""
    httpserver.expect_request("/secret").respond_with_data("internal")
    secret = httpserver.url_for("/secret")

    def public(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/moved":
            return httpx.Response(302, headers={"Location": "/rss"})
        if request.url.path == "/rss":
            return httpx.Response(301, headers={"Location": secret})
        return httpx.Response(404)

    mounts = {"https://news.example": httpx.MockTransport(public)}
    guard = URLGuard(resolver=DNS)
    async with httpx.AsyncClient(mounts=mounts) as client:
        with pytest.raises(UnsafeURLError, match="loopback"):
            await safe_get(client, "https://news.example/moved", guard=guard)
        assert httpserver.log == []
        # The same refusal through httpx's own redirect handling, with the event hook.
        hooked = httpx.AsyncClient(
            mounts=mounts, follow_redirects=True, event_hooks={"request": [guard.request_hook]}
        )
        async with hooked:
            with pytest.raises(UnsafeURLError, match="loopback"):
                await hooked.get("https://news.example/rss")
    assert httpserver.log == []


async def test_redirects_followed_within_limits(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data(
        "中文 feed", content_type="text/plain; charset=utf-8"
    )
    httpserver.expect_request("/loop").respond_with_data(
        "", status=302, headers={"Location": "/loop"}
    )
    httpserver.expect_request("/big").respond_with_data("x" * 5000)
    guard = URLGuard(allow_private=True)
    async with httpx.AsyncClient() as client:
        response = await safe_get(client, httpserver.url_for("/a"), guard=guard)
        assert response.text == "中文 feed" and str(response.request.url).endswith("/b")
        with pytest.raises(UnsafeURLError, match="redirects"):
            await safe_get(client, httpserver.url_for("/loop"), guard=guard, max_redirects=3)
        with pytest.raises(UnsafeURLError, match="larger than 1024"):
            await safe_get(client, httpserver.url_for("/big"), guard=guard, max_bytes=1024)


# -- tunnelled forms of private addresses ------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://[2002:7f00:1::1]/", "6to4 form of a loopback"),
        ("http://[2002:a00:1::]/", "6to4 form of a private"),
        ("http://[64:ff9b::7f00:1]/", "NAT64 form of a loopback"),
        ("http://[64:ff9b::a9fe:a9fe]/", "NAT64 form of a link-local"),
        ("http://[64:ff9b:1::a00:1]/", "local-use NAT64"),
        ("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "Teredo form of a loopback"),
        ("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/", "Teredo"),
        ("http://[::ffff:10.0.0.1]/", "private"),
    ],
)
async def test_tunnelled_private_addresses_are_refused(url: str, reason: str) -> None:
    with pytest.raises(UnsafeURLError, match=reason):
        await URLGuard(resolver=DNS).check(url)


async def test_tunnelled_forms_of_public_addresses_pass() -> None:
    guard = URLGuard(resolver=DNS)
    await guard.check("http://[64:ff9b::5db8:d822]/")  # NAT64 of 93.184.216.34
    await guard.check("http://[2002:5db8:d822::1]/")  # 6to4 of 93.184.216.34


async def test_a_hostname_resolving_to_a_tunnelled_private_address_is_refused() -> None:
    resolver = fake_dns({"sneaky.example": ["2002:7f00:1::1"]})
    with pytest.raises(UnsafeURLError, match="6to4 form of a loopback"):
        await URLGuard(resolver=resolver).check("https://sneaky.example/")


# -- ports -------------------------------------------------------------------------------


async def test_ports_are_limited_and_configurable() -> None:
    guard = URLGuard(resolver=DNS)
    for url in ("http://news.example/", "https://news.example:8443/", "http://news.example:8080/"):
        await guard.check(url)
    for url in ("http://news.example:22/", "https://news.example:6379/"):
        with pytest.raises(UnsafeURLError, match=r"port \d+ is not allowed"):
            await guard.check(url)
    await URLGuard(resolver=DNS, allowed_ports=frozenset({8000})).check("http://news.example:8000/")
    await URLGuard(resolver=DNS, allowed_ports=None).check("http://news.example:6379/")


# -- pinning: the address checked is the address connected to ----------------------------


class FakeNetwork(httpcore.AsyncNetworkBackend):
    """Sockets that record where they connect and answer from canned bytes per address."""

    def __init__(self, answers: dict[tuple[str, int], bytes] | None = None) -> None:
        self.answers = answers or {}
        self.connects: list[tuple[str, int]] = []

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.connects.append((host, port))
        if (host, port) in self.answers:
            return httpcore.AsyncMockStream([self.answers[(host, port)]])
        raise httpcore.ConnectError(f"no route to {host}:{port}")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class Rebinding:
    """A DNS server whose answers cycle through public and loopback ones (public first,
    or loopback first, or a longer `pattern` of True = public / False = loopback)."""

    def __init__(self, first_public: bool = True, pattern: tuple[bool, ...] = ()) -> None:
        self.calls = 0
        self.pattern = pattern or ((True, False) if first_public else (False, True))

    async def __call__(self, host: str, port: int) -> list[str]:
        public = self.pattern[self.calls % len(self.pattern)]
        self.calls += 1
        return ["93.184.216.34"] if public else ["127.0.0.1"]


OK_RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\npublic"


@pytest.mark.parametrize("first_public", [True, False])
async def test_rebinding_dns_never_reaches_loopback(
    httpserver: HTTPServer, first_public: bool
) -> None:
    """Whatever order the answers come in, a connection goes only to a checked address."""
    httpserver.expect_request("/").respond_with_data("internal")
    port = httpserver.port
    network = FakeNetwork({("93.184.216.34", port): OK_RESPONSE})
    dns = Rebinding(first_public)
    guard = URLGuard(resolver=dns, allowed_ports=None)
    results = []
    async with guarded_client(guard, network=network) as client:
        for _ in range(4):
            try:
                response = await safe_get(client, f"http://rebind.example:{port}/", guard=guard)
            except UnsafeURLError as exc:
                results.append(str(exc))
            else:
                results.append(response.text)
    assert all("127.0.0.1" not in host for host, _ in network.connects)
    assert all(r == "public" or "loopback" in r for r in results)
    assert httpserver.log == []


async def test_the_transport_alone_connects_to_what_it_checked() -> None:
    """Without the hook or a pre-check, each connection resolves once and is pinned."""
    dns = Rebinding()
    network = FakeNetwork({("93.184.216.34", 80): OK_RESPONSE})
    guard = URLGuard(resolver=dns)
    client = httpx.AsyncClient(transport=guarded_transport(guard, network=network))
    async with client:
        first = await client.get("http://rebind.example/")
        assert first.text == "public" and dns.calls == 1
    async with httpx.AsyncClient(transport=guarded_transport(guard, network=network)) as again:
        with pytest.raises(UnsafeURLError, match="loopback"):
            await again.get("http://rebind.example/")
    assert network.connects == [("93.184.216.34", 80)]


async def test_pinned_connection_keeps_the_host_header(httpserver: HTTPServer) -> None:
    """The socket goes to the resolved address; the request still names the URL's host."""
    httpserver.expect_request("/feed").respond_with_data("ok")
    resolver = fake_dns({"feeds.example": ["127.0.0.1"]})
    guard = URLGuard(allow_private=True, resolver=resolver)
    async with guarded_client(guard) as client:
        response = await client.get(f"http://feeds.example:{httpserver.port}/feed")
    assert response.text == "ok"
    [(request, _)] = httpserver.log
    assert request.headers["Host"] == f"feeds.example:{httpserver.port}"


async def test_a_redirect_to_a_refused_port_is_not_followed() -> None:
    moved = (
        b"HTTP/1.1 302 Found\r\nLocation: http://news.example:6379/\r\nContent-Length: 0\r\n\r\n"
    )
    network = FakeNetwork({("93.184.216.34", 80): moved, ("93.184.216.34", 6379): OK_RESPONSE})
    guard = URLGuard(resolver=DNS)
    async with guarded_client(guard, network=network) as client:
        with pytest.raises(UnsafeURLError, match="port 6379"):
            await safe_get(client, "http://news.example/", guard=guard)
        with pytest.raises(UnsafeURLError, match="port 6379"):
            await client.get("http://news.example/", follow_redirects=True)
    assert ("93.184.216.34", 6379) not in network.connects


@pytest.fixture
def tls_files(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for feeds.example (made with the openssl command)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=feeds.example"),
            *("-addext", "subjectAltName=DNS:feeds.example"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


async def test_tls_names_the_urls_host_while_the_socket_is_pinned(
    tls_files: tuple[Path, Path],
) -> None:
    """SNI and the certificate check use the URL's host, not the address connected to."""
    cert, key = tls_files
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(cert, key)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=server_context)
    server.expect_request("/feed").respond_with_data("over tls")
    server.start()
    try:
        resolver = fake_dns({"feeds.example": ["127.0.0.1"], "other.example": ["127.0.0.1"]})
        guard = URLGuard(allow_private=True, resolver=resolver)
        trust = ssl.create_default_context(cafile=str(cert))
        transport = guarded_transport(guard, ssl_context=trust)
        async with httpx.AsyncClient(transport=transport) as client:
            response = await client.get(f"https://feeds.example:{server.port}/feed")
            assert response.text == "over tls"
            with pytest.raises(httpx.ConnectError, match=r"certificate|hostname"):
                await client.get(f"https://other.example:{server.port}/feed")
    finally:
        server.clear()
        server.stop()
