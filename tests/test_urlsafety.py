"""SSRF refusals: literal addresses, resolved hostnames, and redirects to private hosts."""

from __future__ import annotations

import httpx
import pytest
from pytest_httpserver import HTTPServer

from bot.urlsafety import Resolver, UnsafeURLError, URLGuard, check_url, safe_get, system_resolver


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
