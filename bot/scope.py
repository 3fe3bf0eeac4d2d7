"""Which posts a reader may ask about, from where they ask.

A chat's readers see the posts made in that chat and in its linked channel or
discussion group, plus anything posted in a public channel (one with a
username). In a private chat the reader sees public channels' posts and the
posts of chats they are a member of, as Telegram says (getChatMember). An
article that was never posted (a first poll's baseline) is seen by nobody.

Telegram is asked through small expiring caches: chat facts change rarely,
membership can change any minute, so it is kept only briefly.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from telegram import Bot, ChatMember, ChatMemberRestricted
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest, Forbidden, TelegramError

from storage import visibility
from storage.db import Database

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

CHAT_TTL_SECONDS = 600.0
MEMBER_TTL_SECONDS = 60.0
MISSING_CHAT_TTL_SECONDS = 60.0
POSTING_CHATS_TTL_SECONDS = 30.0
MAX_CACHED = 10_000
_MEMBER_STATUSES = {ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}


@dataclass(slots=True)
class ExpiringCache(Generic[K, V]):
    """A dict whose entries expire; it never holds more than `max_entries` (oldest go first)."""

    max_entries: int = MAX_CACHED
    clock: Callable[[], float] = time.monotonic
    _items: dict[K, tuple[float, V]] = field(default_factory=dict)

    def get(self, key: K) -> tuple[bool, V | None]:
        """(True, value) when a fresh entry exists, else (False, None)."""
        entry = self._items.get(key)
        if entry is None:
            return False, None
        if entry[0] <= self.clock():
            del self._items[key]
            return False, None
        return True, entry[1]

    def put(self, key: K, value: V, ttl: float) -> None:
        now = self.clock()
        self._items.pop(key, None)
        if len(self._items) >= self.max_entries:
            for stale in [k for k, (until, _) in self._items.items() if until <= now]:
                del self._items[stale]
            while len(self._items) >= self.max_entries:
                del self._items[next(iter(self._items))]
        self._items[key] = (now + ttl, value)

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True, slots=True)
class ChatFacts:
    """What the scope rules need to know about a chat."""

    username: str | None
    linked_chat_id: int | None


@dataclass(slots=True)
class TelegramFacts:
    """getChat and getChatMember answers (and which chats have posts), briefly cached;
    shared by all handlers (lives in Services)."""

    clock: Callable[[], float] = time.monotonic
    chat_ttl: float = CHAT_TTL_SECONDS
    member_ttl: float = MEMBER_TTL_SECONDS
    max_entries: int = MAX_CACHED
    posting_ttl: float = POSTING_CHATS_TTL_SECONDS
    _chats: ExpiringCache[int, ChatFacts | None] = field(init=False)
    _members: ExpiringCache[tuple[int, int], bool] = field(init=False)
    _posting: ExpiringCache[str, list[int]] = field(init=False)

    def __post_init__(self) -> None:
        self._chats = ExpiringCache(self.max_entries, self.clock)
        self._members = ExpiringCache(self.max_entries, self.clock)
        self._posting = ExpiringCache(1, self.clock)

    async def chats_with_posts(self, db: Database) -> list[int]:
        """The chats where posts appeared; a chat's first post shows in private listings
        within `posting_ttl` seconds (answers about one article never wait for it)."""
        cached, found = self._posting.get("all")
        if cached and found is not None:
            return found
        async with db.begin() as conn:
            found = await visibility.chats_with_posts(conn)
        self._posting.put("all", found, self.posting_ttl)
        return found

    async def chat(self, bot: Bot, chat_id: int) -> ChatFacts | None:
        """The chat's public username and linked chat; None when Telegram will not say."""
        cached, facts = self._chats.get(chat_id)
        if cached:
            return facts
        try:
            full = await bot.get_chat(chat_id)
        except (BadRequest, Forbidden) as exc:
            log.info("getChat %s refused: %s", chat_id, exc)
            self._chats.put(chat_id, None, MISSING_CHAT_TTL_SECONDS)
            return None
        except TelegramError as exc:  # network trouble: say "unknown", remember nothing
            log.warning("getChat %s failed: %s", chat_id, exc)
            return None
        facts = ChatFacts(full.username or None, full.linked_chat_id)
        self._chats.put(chat_id, facts, self.chat_ttl)
        return facts

    async def is_public(self, bot: Bot, chat_id: int) -> bool:
        facts = await self.chat(bot, chat_id)
        return facts is not None and facts.username is not None

    async def is_member(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        """Whether the user is in the chat now (owner, admin, member, or restricted member)."""
        cached, member = self._members.get((chat_id, user_id))
        if cached:
            return bool(member)
        try:
            found = await bot.get_chat_member(chat_id, user_id)
        except (BadRequest, Forbidden) as exc:
            log.info("getChatMember %s in %s refused: %s", user_id, chat_id, exc)
            self._members.put((chat_id, user_id), False, self.member_ttl)
            return False
        except TelegramError as exc:
            log.warning("getChatMember %s in %s failed: %s", user_id, chat_id, exc)
            return False
        member = _is_member(found)
        self._members.put((chat_id, user_id), member, self.member_ttl)
        return member


def _is_member(found: ChatMember) -> bool:
    if isinstance(found, ChatMemberRestricted):
        return found.is_member
    return found.status in _MEMBER_STATUSES


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who asks and where: the chat of the command and, in private, the user."""

    chat_id: int
    chat_type: str
    user_id: int | None = None

    @property
    def private(self) -> bool:
        return self.chat_type == ChatType.PRIVATE


@dataclass(slots=True)
class Scope:
    """The posts one reader may ask about from one chat (see the module docstring)."""

    viewer: Viewer
    home: frozenset[int]  # the asking chat and its linked channel or discussion group
    bot: Bot
    facts: TelegramFacts

    async def sees_chat(self, chat_id: int) -> bool:
        if chat_id in self.home:
            return True
        if await self.facts.is_public(self.bot, chat_id):
            return True
        user = self.viewer.user_id
        if self.viewer.private and user is not None:
            return await self.facts.is_member(self.bot, chat_id, user)
        return False

    async def sees_article(self, db: Database, article_id: int) -> bool:
        """True when the article was posted somewhere this reader may see."""
        async with db.begin() as conn:
            where = await visibility.chats_of_article(conn, article_id)
        # The asking chat's own posts need no call to Telegram.
        for chat_id in sorted(where, key=lambda c: c not in self.home):
            if await self.sees_chat(chat_id):
                return True
        return False

    async def visible_chats(self, db: Database) -> list[int]:
        """Every chat with posts this reader may see (the asking chat's own are always in)."""
        candidates = await self.facts.chats_with_posts(db)
        seen = await asyncio.gather(*(self.sees_chat(chat_id) for chat_id in candidates))
        return [chat_id for chat_id, ok in zip(candidates, seen, strict=True) if ok]

    async def listing_chats(self, db: Database) -> set[int]:
        """The chats whose posts /latest shows: the asking chat's own, or in private
        every chat with posts the reader can see."""
        if not self.viewer.private:
            return set(self.home)
        return set(await self.visible_chats(db))

    async def latest(self, db: Database, *, limit: int = 10) -> list[visibility.SeenPost]:
        chat_ids = await self.listing_chats(db)
        async with db.begin() as conn:
            return await visibility.latest_posts_seen_in(conn, chat_ids, limit=limit)


async def scope_for(db: Database, bot: Bot, facts: TelegramFacts, viewer: Viewer) -> Scope:
    """The viewer's scope; the linked chat comes from Telegram, else from what the bot learned."""
    home = {viewer.chat_id}
    if not viewer.private:
        known = await facts.chat(bot, viewer.chat_id)
        if known is not None:
            if known.linked_chat_id is not None:
                home.add(known.linked_chat_id)
        else:
            async with db.begin() as conn:
                home |= await visibility.linked_chat_ids(conn, viewer.chat_id)
    return Scope(viewer, frozenset(home), bot, facts)
