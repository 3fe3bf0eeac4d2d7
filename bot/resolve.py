"""Which stored article a reader means: a reply, a forwarded post, a post link or an id."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Message

from bot.deliver.discussion import resolve_message
from bot.models import Article
from bot.scope import Scope
from storage import articles, messages, posts
from storage.db import Database

_PUBLIC_LINK = re.compile(
    r"^(?:https?://)?(?:t\.me|telegram\.me)/(?:s/)?(?P<user>[A-Za-z][A-Za-z0-9_]{3,})/(?P<msg>\d+)"
)
_PRIVATE_LINK = re.compile(r"^(?:https?://)?(?:t\.me|telegram\.me)/c/(?P<chat>\d+)/(?P<msg>\d+)")
_ARTICLE_ID = re.compile(r"^#?(?P<id>\d{1,18})$")


@dataclass(frozen=True, slots=True)
class PostLink:
    """A message in a chat; `username` when the link names the chat by @name."""

    message_id: int
    chat_id: int | None = None
    username: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleId:
    article_id: int


Reference = PostLink | ArticleId


def parse_reference(text: str) -> Reference | None:
    """Read `/summary <argument>`: a t.me post link, or an article id as /latest shows it."""
    text = text.strip()
    if match := _PRIVATE_LINK.match(text):
        return PostLink(int(match["msg"]), chat_id=int(f"-100{match['chat']}"))
    if match := _PUBLIC_LINK.match(text):
        return PostLink(int(match["msg"]), username=match["user"])
    if match := _ARTICLE_ID.match(text):
        return ArticleId(int(match["id"]))
    return None


async def article_for_message(db: Database, chat_id: int, message_id: int) -> Article | None:
    """The article a sent message (or its discussion copy) belongs to."""
    async with db.begin() as conn:
        sent = await messages.find_message(conn, chat_id, message_id)
        return await articles.get_article(conn, sent.article_id) if sent else None


async def article_for_reference(
    db: Database,
    ref: Reference,
    *,
    chat_id_for_username: Callable[[str], Awaitable[int | None]],
) -> Article | None:
    if isinstance(ref, ArticleId):
        async with db.begin() as conn:
            return await articles.get_article(conn, ref.article_id)
    chat_id = ref.chat_id
    if chat_id is None and ref.username is not None:
        chat_id = await chat_id_for_username(ref.username)
    if chat_id is None:
        return None
    return await article_for_message(db, chat_id, ref.message_id)


async def latest_posted_article(db: Database) -> Article | None:
    """The newest article the bot has posted anywhere."""
    async with db.begin() as conn:
        found = await posts.latest_posts(conn, limit=1)
    return found[0].article if found else None


async def visible_target(
    db: Database,
    scope: Scope,
    message: Message,
    argument: str,
    *,
    chat_id_for_username: Callable[[str], Awaitable[int | None]],
) -> Article | str:
    """The article a reader's command is about, if they may ask about it; else why not.

    Tried in order: the argument (link or id), the post the message replies to or
    forwards (any part, or its discussion copy), then the latest post in scope.
    An article outside the scope is answered exactly like one that does not
    exist, so a reader learns nothing about other chats' posts.
    """
    if argument.strip():
        ref = parse_reference(argument)
        if ref is None:
            return "no_post"
        found = await article_for_reference(db, ref, chat_id_for_username=chat_id_for_username)
        if found is None or found.id is None or not await scope.sees_article(db, found.id):
            return "unknown_post"
        return found
    sent = await resolve_message(db, message)
    if sent is not None:
        if not await scope.sees_article(db, sent.article_id):
            return "no_post"
        async with db.begin() as conn:
            return await articles.get_article(conn, sent.article_id) or "no_post"
    if message.reply_to_message is not None:
        return "no_post"
    latest = await scope.latest(db, limit=1)
    if not latest:
        return "nothing_posted"
    async with db.begin() as conn:
        return await articles.get_article(conn, latest[0].article_id) or "nothing_posted"
