"""Helpers for the reliability suites: Telegram's message checks, a misbehaving feed
server, and a request layer that loses answers after the message was sent.

The checks reuse the stand-in's validation (bot/standin/checks.py), so a message the
corpus test accepts is one the fake Telegram, and Telegram, would accept too.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from telegram.error import TimedOut
from telegram.request import RequestData

from bot.models import OutgoingMessage
from bot.standin.botapi import FakeBotAPIRequest, FakeTelegram, split_api_url
from bot.standin.checks import check_caption, check_entities, check_text
from bot.standin.errors import ApiError
from storage.db import create_database

# ---- Telegram's validation -------------------------------------------------------------


def entity_dicts(message: OutgoingMessage) -> list[dict[str, Any]]:
    """The message's entities as the Bot API receives them."""
    out = []
    for e in message.entities:
        data: dict[str, Any] = {"type": e.type, "offset": e.offset, "length": e.length}
        if e.url is not None:
            data["url"] = e.url
        if e.language is not None:
            data["language"] = e.language
        out.append(data)
    return out


def _splits_surrogate(units: bytes, position: int) -> bool:
    """True when UTF-16 unit `position` is the low half of a surrogate pair."""
    if position <= 0 or position * 2 >= len(units):
        return False
    unit: int = struct.unpack_from("<H", units, position * 2)[0]
    return 0xDC00 <= unit <= 0xDFFF


def telegram_problem(message: OutgoingMessage) -> str | None:
    """Why Telegram would refuse the message (None when it would send it)."""
    text = message.text
    try:
        if message.photo:
            if not message.photo.startswith(("http://", "https://")):
                return f"photo is not a URL: {message.photo!r}"
            check_caption(text)
        else:
            check_text(text)
        check_entities(text, entity_dicts(message))
    except ApiError as exc:
        return exc.description
    units = text.encode("utf-16-le")
    for e in message.entities:
        if _splits_surrogate(units, e.offset) or _splits_surrogate(units, e.offset + e.length):
            return f"entity {e} splits a surrogate pair"
    return None


# ---- a feed server that misbehaves on purpose ---------------------------------------

Behaviour = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def http_head(status: int, headers: dict[str, str] | None = None) -> bytes:
    reason = {200: "OK", 304: "Not Modified", 404: "Not Found", 500: "Internal Server Error"}
    lines = [f"HTTP/1.1 {status} {reason.get(status, 'Status')}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def respond(body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Behaviour:
    """A complete answer."""

    async def behave(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = {"Content-Length": str(len(body)), "Content-Type": "application/rss+xml"}
        writer.write(http_head(status, {**head, **(headers or {})}) + body)
        await writer.drain()

    return behave


def hang(seconds: float = 3600.0) -> Behaviour:
    """Accept the request and never answer (the client's deadline must fire)."""

    async def behave(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(seconds)

    return behave


def reset() -> Behaviour:
    """Drop the connection with a TCP reset, mid-request."""

    async def behave(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()

    return behave


def drip(interval: float = 0.05) -> Behaviour:
    """A valid head, then the body one byte at a time (only an overall deadline helps)."""

    async def behave(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        body = b'<?xml version="1.0"?><rss version="2.0"><channel>' + b" " * 100_000
        writer.write(http_head(200, {"Content-Length": str(len(body))}))
        for byte in body:
            writer.write(bytes([byte]))
            await writer.drain()
            await asyncio.sleep(interval)

    return behave


def truncated() -> Behaviour:
    """A 200 that promises 5,000 bytes and hangs up after 100."""

    async def behave(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(http_head(200, {"Content-Length": "5000"}) + b"<rss>" + b" " * 95)
        await writer.drain()
        writer.close()

    return behave


def endless(chunk: bytes = b"<item><title>more</title></item>" * 2048) -> Behaviour:
    """A 200 whose chunked body never ends: only the client's size cap can stop it. Chunks of
    64 KiB pass any cap within a few writes, so a loaded machine meets the cap, not a timeout."""

    async def behave(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(
            http_head(200, {"Content-Type": "application/rss+xml", "Transfer-Encoding": "chunked"})
        )
        writer.write(f"{len(b'<rss><channel>'):x}\r\n<rss><channel>\r\n".encode())
        while True:
            writer.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            await writer.drain()
            await asyncio.sleep(0)

    return behave


def gzip_bomb(decoded_size: int = 200 * 1024 * 1024) -> Behaviour:
    """A small gzip body that decodes to `decoded_size` bytes of one repeated byte."""
    payload = gzip.compress(b"<rss><channel>" + b" " * decoded_size, compresslevel=9)
    return respond(payload, headers={"Content-Encoding": "gzip"})


@dataclass(slots=True)
class FeedServer:
    """An HTTP/1.1 server on 127.0.0.1 whose every path has a behaviour the test sets."""

    routes: dict[str, Behaviour] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    port: int = 0
    _server: asyncio.Server | None = None
    _conns: set[asyncio.Task[None]] = field(default_factory=set)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._conns.add(task)
        try:
            while True:
                line = await reader.readline()
                if not line:
                    return
                while (await reader.readline()) not in (b"\r\n", b"\n", b""):
                    pass
                path = line.split()[1].decode()
                self.hits[path] = self.hits.get(path, 0) + 1
                behaviour = self.routes.get(path, respond(b"not here", 404))
                await behaviour(reader, writer)
                if writer.transport.is_closing():
                    return
        except (ConnectionError, asyncio.IncompleteReadError, IndexError):
            return
        except asyncio.CancelledError:
            return  # the server is stopping: end quietly (asyncio logs a cancelled handler)
        finally:
            self._conns.discard(task)
            writer.close()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._conns):
            task.cancel()
        if self._conns:
            await asyncio.wait(list(self._conns))


@contextlib.asynccontextmanager
async def feed_server() -> AsyncIterator[FeedServer]:
    server = FeedServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


# ---- a Bot API request layer that sometimes loses the answer ------------------------


class LossyRequest(FakeBotAPIRequest):
    """The fake answers every call, but some answers to sends never reach the bot.

    That is a part "in flight at a fault": Telegram sent it, the bot saw a timeout,
    so the part may legitimately be sent twice. `lost` records which messages.
    """

    def __init__(self, fake: FakeTelegram, rng: random.Random, rate: float) -> None:
        super().__init__(fake)
        self.rng = rng
        self.rate = rate
        self.enabled = True
        self.lost: list[tuple[int, int]] = []  # (chat_id, message_id) of lost answers

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        status, body = await super().do_request(url, method, request_data)
        _, api_method = split_api_url(url)
        sent = status == 200 and api_method.startswith("send") and self.enabled
        if sent and self.rng.random() < self.rate:
            result = json.loads(body)["result"]
            for message in result if isinstance(result, list) else [result]:
                self.lost.append((message["chat"]["id"], message["message_id"]))
            raise TimedOut("the answer was lost (test)")
        return status, body


# ---- a PostgreSQL database of a test's own -------------------------------------------


def private_database_name(label: str) -> str:
    """A database name no parallel run shares: the label, this process and a random tail."""
    return f"chatwire_{label}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def database_url_named(server_url: str, name: str) -> str:
    """`server_url` pointed at database `name` (password kept, for child processes)."""
    return sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)


async def create_private_database(server_url: str, name: str) -> None:
    """Create database `name` on the test server (the `db` fixture drops `public`)."""
    admin = create_database(server_url)
    try:
        async with admin.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        await admin.close()


async def drop_private_database(server_url: str, name: str) -> None:
    admin = create_database(server_url)
    try:
        async with admin.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.close()


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`chatwire run --worker` in a subprocess, its output in `log`."""
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--worker"],
        env=env,
        cwd=log.parent,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


def wait_for(predicate: Callable[[], bool], timeout: float, every: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


def stop_worker(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM (after SIGCONT, in case it is frozen), then SIGKILL if it will not stop."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGCONT)
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
