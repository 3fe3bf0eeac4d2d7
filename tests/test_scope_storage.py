"""storage/visibility queries and the expiring caches behind the answer scope."""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from typing import Any

from telegram import Bot, ChatMemberLeft, ChatMemberRestricted, User
from telegram.error import NetworkError

from bot.models import Article
from bot.scope import ExpiringCache, TelegramFacts
from storage import articles, chats, messages, visibility
from storage.db import Database

CHANNEL, GROUP, OTHER = -1004000000001, -1004000000002, -1004000000003


async def _article(db: Database, title: str) -> int:
    async with db.begin() as conn:
        return await articles.insert_article(conn, Article(title=title))


async def test_only_posts_and_their_copies_count(db: Database) -> None:
    posted, fallback, other_kind, never = [
        await _article(db, name) for name in ("Posted", "Fallback", "Other", "Never")
    ]
    async with db.begin() as conn:
        await messages.record_message(
            conn, chat_id=CHANNEL, message_id=1, article_id=posted, part=1
        )
        post = await messages.find_message(conn, CHANNEL, 1)
        assert post is not None
        await messages.record_discussion_copy(
            conn, group_chat_id=GROUP, group_message_id=9, post=post
        )
        await messages.record_message(
            conn, chat_id=CHANNEL, message_id=2, article_id=fallback, part=1, kind="post.2"
        )
        # Some other message the bot keeps track of is not a post of that article.
        await messages.record_message(
            conn, chat_id=OTHER, message_id=3, article_id=other_kind, part=1, kind="answer"
        )
        assert await visibility.chats_of_article(conn, posted) == {CHANNEL, GROUP}
        assert await visibility.chats_of_article(conn, fallback) == {CHANNEL}
        assert await visibility.chats_of_article(conn, other_kind) == set()
        assert await visibility.chats_of_article(conn, never) == set()
        assert await visibility.chats_with_posts(conn) == sorted([CHANNEL, GROUP])

        in_group = await visibility.latest_posts_seen_in(conn, [GROUP])
        assert [(p.title, p.chat_id, p.message_id) for p in in_group] == [("Posted", GROUP, 9)]
        in_channel = await visibility.latest_posts_seen_in(conn, [CHANNEL], limit=5)
        assert [p.title for p in in_channel] == ["Fallback", "Posted"]
        assert await visibility.latest_posts_seen_in(conn, [OTHER]) == []
        assert await visibility.latest_posts_seen_in(conn, []) == []


async def test_linked_chats_both_ways(db: Database) -> None:
    async with db.begin() as conn:
        await chats.upsert_chat(conn, CHANNEL, type="channel", linked_chat_id=GROUP)
        await chats.upsert_chat(conn, GROUP, type="supergroup")
        assert await visibility.linked_chat_ids(conn, CHANNEL) == {GROUP}
        assert await visibility.linked_chat_ids(conn, GROUP) == {CHANNEL}
        assert await visibility.linked_chat_ids(conn, OTHER) == set()


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_expiring_cache_expires_and_stays_bounded() -> None:
    clock = Clock()
    cache: ExpiringCache[int, bool] = ExpiringCache(max_entries=3, clock=clock)
    cache.put(1, False, ttl=10)
    assert cache.get(1) == (True, False)
    clock.now += 10
    assert cache.get(1) == (False, None)
    for key in range(10):
        cache.put(key, True, ttl=100)
    assert len(cache) == 3 and cache.get(9) == (True, True) and cache.get(0) == (False, None)


class _MemberBot:
    """Just enough of a Bot for TelegramFacts.is_member."""

    def __init__(self, answers: list[Any]) -> None:
        self.answers = answers
        self.calls = 0

    async def get_chat_member(self, chat_id: int, user_id: int) -> Any:
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


async def test_membership_statuses_and_errors() -> None:
    user = User(5, "Ada", is_bot=False)
    # Every permission flag this PTB version requires, so the test outlives new ones.
    flags = inspect.signature(ChatMemberRestricted).parameters
    restricted: dict[str, Any] = {name: True for name in flags if name.startswith("can_")}
    clock = Clock()
    facts = TelegramFacts(clock=clock, member_ttl=30)
    bot: Any = _MemberBot(
        [
            ChatMemberRestricted(
                user, is_member=False, until_date=datetime(2030, 1, 1, tzinfo=UTC), **restricted
            ),
            ChatMemberRestricted(
                user, is_member=True, until_date=datetime(2030, 1, 1, tzinfo=UTC), **restricted
            ),
            ChatMemberLeft(user),
            NetworkError("down"),
            ChatMemberLeft(user),
        ]
    )
    as_bot: Bot = bot
    assert not await facts.is_member(as_bot, 1, 5)
    assert not await facts.is_member(as_bot, 1, 5) and bot.calls == 1  # cached
    clock.now += 31
    assert await facts.is_member(as_bot, 1, 5)
    assert not await facts.is_member(as_bot, 2, 5)
    assert not await facts.is_member(as_bot, 3, 5)  # network trouble: no, and not remembered
    assert not await facts.is_member(as_bot, 3, 5) and bot.calls == 5
