"""Cost of the readers' answer scope with many posted articles.

Run by hand: `.venv/bin/python bench/scope.py [--articles N] [--chats C]`. Builds a
temporary SQLite database of N articles posted round-robin into C chats (one public),
then times what /summary, /quotes and /latest add for the scope: whether one article
is visible (`Scope.sees_article`) and the latest ten visible posts (`Scope.latest`),
from a group and from a private chat. Telegram's answers come from a local stand-in
object and are cached as in production, so this measures the database side.
Prints p50/p99 milliseconds. Target: both well under the 20 ms cached-answer budget.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from telegram import Bot, ChatMemberLeft, ChatMemberMember, User  # noqa: E402

from bot.scope import Scope, TelegramFacts, Viewer  # noqa: E402
from storage.db import Database, open_database  # noqa: E402
from storage.schema import articles, messages  # noqa: E402

BATCH = 5_000
READER = 5150
SAMPLES = 300


class _Telegram:
    """getChat/getChatMember as Telegram would answer them; the first chat is public,
    the reader is a member of the second."""

    def __init__(self, chats: list[int]) -> None:
        self.chats = chats

    async def get_chat(self, chat_id: int) -> Any:
        username = "public_wire" if chat_id == self.chats[0] else None
        return type("Chat", (), {"username": username, "linked_chat_id": None})()

    async def get_chat_member(self, chat_id: int, user_id: int) -> Any:
        user = User(user_id, "Reader", is_bot=False)
        return ChatMemberMember(user) if chat_id == self.chats[1] else ChatMemberLeft(user)


async def _fill(db: Database, count: int, chats: list[int]) -> None:
    now = datetime.now(UTC)
    async with db.begin() as conn:
        for start in range(0, count, BATCH):
            ids = range(start + 1, min(count, start + BATCH) + 1)
            await conn.execute(
                articles.insert(),
                [
                    {"id": i, "title": f"Article {i}", "content_markdown": "", "created_at": now}
                    | {"updated_at": now}
                    for i in ids
                ],
            )
            await conn.execute(
                messages.insert(),
                [
                    {
                        "chat_id": chats[i % len(chats)],
                        "message_id": i,
                        "article_id": i,
                        "part": 1,
                        "kind": "post",
                        "created_at": now,
                    }
                    for i in ids
                ],
            )


async def _time(runs: int, call: Callable[[int], Awaitable[object]]) -> list[float]:
    times = []
    for i in range(runs):
        started = time.perf_counter()
        await call(i)
        times.append((time.perf_counter() - started) * 1000)
    return times


def _report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p99 = ordered[max(0, int(len(ordered) * 0.99) - 1)]
    print(f"{name:<34} p50 {statistics.median(ordered):7.2f} ms   p99 {p99:7.2f} ms")


async def main(count: int, chat_count: int) -> None:
    chats = [-1_001_000_000_000 - i for i in range(chat_count)]
    with tempfile.TemporaryDirectory() as tmp:
        db = await open_database(f"sqlite:///{Path(tmp) / 'scope.db'}")
        try:
            await _fill(db, count, chats)
            telegram: Any = _Telegram(chats)
            bot: Bot = telegram
            facts = TelegramFacts()
            print(f"{count} posted articles in {chat_count} chats")
            for label, viewer in (
                ("group", Viewer(chats[2], "supergroup")),
                ("private", Viewer(READER, "private", READER)),
            ):
                scope = Scope(viewer, frozenset({viewer.chat_id}), bot, facts)
                await scope.latest(db)  # fill the caches, as a running bot has them

                async def sees(i: int, scope: Scope = scope) -> object:
                    return await scope.sees_article(db, (i * 7919) % count + 1)

                async def latest(i: int, scope: Scope = scope) -> object:
                    return await scope.latest(db, limit=10)

                _report(f"{label}: is one article visible", await _time(SAMPLES, sees))
                _report(f"{label}: latest 10 visible posts", await _time(SAMPLES // 3, latest))
        finally:
            await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--chats", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.articles, args.chats))
