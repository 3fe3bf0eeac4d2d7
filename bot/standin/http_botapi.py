"""The same FakeTelegram served over real HTTP on 127.0.0.1, for black-box tests.

Paths are `/bot<token>/<method>`; bodies are JSON, form-encoded or multipart, as
PTB (httpx) sends them. A "timeout" or "network" fault drops the connection. The
server runs its own event loop in a background thread:

    with serve_in_thread(fake) as server:
        env["TELEGRAM_API_BASE_URL"] = server.base_url   # http://127.0.0.1:PORT/bot
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.standin.botapi import FakeTelegram
from bot.standin.errors import TransportFailure


class _MethodHandler(tornado.web.RequestHandler):
    def initialize(self, fake: FakeTelegram) -> None:
        self.fake = fake

    async def post(self, token: str, method: str) -> None:
        await self._answer(token, method)

    async def get(self, token: str, method: str) -> None:
        await self._answer(token, method)

    async def _answer(self, token: str, method: str) -> None:
        raw, files = self._params()
        try:
            status, body = await self.fake.call(token, method, raw, files)
        except TransportFailure:
            self.request.connection.close()  # type: ignore[union-attr]
            return
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    def _params(self) -> tuple[dict[str, str], dict[str, Any]]:
        raw: dict[str, str] = {}
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json") and self.request.body:
            decoded = json.loads(self.request.body)
            raw = {k: v if isinstance(v, str) else json.dumps(v) for k, v in decoded.items()}
        else:
            for name in self.request.arguments:
                raw[name] = self.get_argument(name, strip=False)
        files = {
            name: (f[0].filename, f[0].body, f[0].content_type)
            for name, f in self.request.files.items()
        }
        return raw, files


def _no_access_log(handler: tornado.web.RequestHandler) -> None:
    """Tornado's access log would print the token in every URL, often after tests end."""


def make_app(fake: FakeTelegram) -> tornado.web.Application:
    return tornado.web.Application(
        [(r"/bot([^/]+)/(\w+)", _MethodHandler, {"fake": fake})], log_function=_no_access_log
    )


@dataclass(slots=True)
class RunningServer:
    fake: FakeTelegram
    port: int
    loop: asyncio.AbstractEventLoop
    thread: threading.Thread

    @property
    def base_url(self) -> str:
        """What TELEGRAM_API_BASE_URL should be: PTB appends the token and method."""
        return f"http://127.0.0.1:{self.port}/bot"

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=5)


def start_in_thread(fake: FakeTelegram, port: int = 0) -> RunningServer:
    """Serve `fake` on 127.0.0.1 from a daemon thread; returns once it listens."""
    sockets = tornado.netutil.bind_sockets(port, "127.0.0.1")
    bound = sockets[0].getsockname()[1]
    ready = threading.Event()
    holder: dict[str, asyncio.AbstractEventLoop] = {}

    def run() -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        holder["loop"] = loop
        server = tornado.httpserver.HTTPServer(make_app(fake))
        server.add_sockets(sockets)
        loop.call_soon(ready.set)
        try:
            loop.run_forever()
        finally:
            server.stop()
            loop.close()

    thread = threading.Thread(target=run, name="fake-telegram-http", daemon=True)
    thread.start()
    ready.wait(timeout=10)
    return RunningServer(fake, bound, holder["loop"], thread)


@contextmanager
def serve_in_thread(fake: FakeTelegram, port: int = 0) -> Iterator[RunningServer]:
    server = start_in_thread(fake, port)
    try:
        yield server
    finally:
        server.stop()


def main() -> None:
    """`python -m bot.standin.http_botapi [PORT]`: serve an empty fake until interrupted."""
    import sys
    import time

    fake = FakeTelegram()
    server = start_in_thread(fake, int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print(f"fake Telegram at {server.base_url} token {fake.token}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
