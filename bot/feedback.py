"""Reader feedback relayed to the admin chat, and the admins' answers relayed back.

Everything a reader or an admin wrote is stored and sent as plain text: no
parse mode, no markup, so nothing they type can change how a message looks.
The admin-chat copy of each feedback is the key an admin's reply finds it by;
the answer a reader receives carries "#<id>" so a reply to it continues the
same thread (checked against the reader's own user id).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from telegram import Bot, Message, MessageOriginChannel, ReplyParameters
from telegram.error import TelegramError

from bot.deliver.discussion import resolve_post
from bot.models import Article
from storage import articles
from storage import feedback as store
from storage.db import Database
from storage.feedback import Feedback

log = logging.getLogger(__name__)

MAX_FEEDBACK_CHARS = 2000
MAX_ANSWER_CHARS = 3500  # leaves room for the header within Telegram's 4096
ATTACHMENT_KINDS = (
    "photo",
    "video",
    "animation",
    "document",
    "audio",
    "voice",
    "video_note",
    "sticker",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
)
_ANSWER_HEADER = {
    "en": "Reply from the editors to your feedback #{id}:",
    "zh": "编辑对您的反馈 #{id} 的回复：",
}
_ANSWER_MARKER = re.compile(r"^(?:Reply from the editors to your feedback|编辑对您的反馈) #(\d+)")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True, slots=True)
class Reader:
    """Who wrote: a user, or a chat posting anonymously (then `user_id` is that chat's id)."""

    user_id: int
    name: str | None
    username: str | None = None


@dataclass(frozen=True, slots=True)
class Origin:
    """Where the feedback was written and what it is about."""

    chat_id: int
    chat_title: str | None
    message_id: int | None
    article_id: int | None = None
    post_link: str | None = None
    parent_id: int | None = None
    thread_id: int | None = None  # the forum topic it was written in, if any


@dataclass(frozen=True, slots=True)
class RelayOutcome:
    """What became of an admin's answer; `error` set means the reader did not get it."""

    feedback: Feedback
    error: str | None = None


def text_language(text: str) -> str:
    """Cheap guess of the reader's language from what they wrote (we do not store theirs)."""
    return "zh" if _CJK.search(text) else "en"


def attachment_kind(message: Message) -> str | None:
    """The kind of the first attachment, e.g. "photo", or None for plain text."""
    return next((kind for kind in ATTACHMENT_KINDS if getattr(message, kind, None)), None)


def message_content(message: Message) -> str:
    """A message as text: its text or caption, plus a note such as "[photo]" for attachments."""
    body = (message.text or message.caption or "").strip()
    kind = attachment_kind(message)
    if kind is None:
        return body
    note = f"[{kind.replace('_', ' ')}]"
    return f"{note} {body}" if body else note


def command_argument(text: str | None) -> str:
    """What follows `/command` (and `@botname`), newlines kept."""
    parts = (text or "").split(None, 1)
    return parts[1].strip() if len(parts) == 2 else ""


def answer_text(feedback: Feedback, answer: str) -> str:
    """The message a reader receives; its first line names the thread."""
    header = _ANSWER_HEADER[text_language(feedback.text)].format(id=feedback.id)
    return f"{header}\n\n{answer}"


def answered_feedback_id(bot_text: str | None) -> int | None:
    """The feedback id an answer message (one the bot sent) was about."""
    match = _ANSWER_MARKER.match(bot_text or "")
    return int(match.group(1)) if match else None


def clip(text: str, limit: int) -> str:
    """One line of at most `limit` characters, for listings."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _where(origin: Origin) -> str:
    if origin.chat_id > 0:
        return "private chat"
    title = f'"{clip(origin.chat_title, 100)}" ' if origin.chat_title else ""
    return f"group {title}({origin.chat_id})"


def admin_card(feedback: Feedback, reader: Reader, origin: Origin, article: Article | None) -> str:
    """The admin-chat message for one feedback: who, where, which post, then the text."""
    who = reader.name or "unknown"
    if reader.username:
        who += f" @{reader.username}"
    lines = [f"Feedback #{feedback.id} from {who} (id {reader.user_id})", f"From: {_where(origin)}"]
    if origin.parent_id is not None:
        lines.append(f"Follow-up to #{origin.parent_id}")
    if article is not None:
        lines.append(f"Post: {clip(article.title, 200)} (article {article.id})")
        link = origin.post_link or article.url
        if link:
            lines.append(f"Link: {link}")
    elif origin.post_link:
        lines.append(f"Link: {origin.post_link}")
    lines += ["", feedback.text, "", "Reply to this message to answer the reader."]
    return "\n".join(lines)


async def resolve_article_id(db: Database, message: Message) -> int | None:
    """The article a message is about: the post (or its discussion copy) it replies to,
    that copy's channel post, or the comment thread it belongs to."""
    keys: list[tuple[int, int]] = []
    replied = message.reply_to_message
    if replied is not None:
        origin = replied.forward_origin
        if isinstance(origin, MessageOriginChannel):
            keys.append((origin.chat.id, origin.message_id))
        keys.append((message.chat.id, replied.message_id))
    if message.message_thread_id is not None:
        keys.append((message.chat.id, message.message_thread_id))
    for chat_id, message_id in keys:
        sent = await resolve_post(db, chat_id, message_id)
        if sent is not None:
            return sent.article_id
    return None


async def submit_feedback(
    db: Database,
    bot: Bot,
    *,
    admin_chat_id: int | None,
    reader: Reader,
    origin: Origin,
    text: str,
    now: datetime | None = None,
) -> Feedback:
    """Store the feedback and post it to the admin chat (as a reply in its thread, if any).

    A failed send to the admin chat is logged, not raised: the feedback is
    stored and /feedback_open still lists it.
    """
    async with db.begin() as conn:
        saved = await store.add_feedback(
            conn,
            user_id=reader.user_id,
            user_name=reader.name,
            chat_id=origin.chat_id,
            message_id=origin.message_id,
            article_id=origin.article_id,
            message_thread_id=origin.thread_id,
            text=text,
            now=now,
        )
        article = await articles.get_article(conn, origin.article_id) if origin.article_id else None
        parent = await store.get_feedback(conn, origin.parent_id) if origin.parent_id else None
    if admin_chat_id is None:
        log.warning("feedback #%s stored; ADMIN_CHAT_ID is not set", saved.id)
        return saved
    reply_to = None
    if parent is not None and parent.admin_message_id and parent.admin_chat_id == admin_chat_id:
        reply_to = ReplyParameters(parent.admin_message_id, allow_sending_without_reply=True)
    try:
        sent = await bot.send_message(
            admin_chat_id,
            admin_card(saved, reader, origin, article),
            parse_mode=None,
            reply_parameters=reply_to,
        )
    except TelegramError:
        log.exception("could not post feedback #%s to the admin chat", saved.id)
        return saved
    async with db.begin() as conn:
        await store.set_admin_message(conn, saved.id, admin_chat_id, sent.message_id)
    saved.admin_chat_id, saved.admin_message_id = admin_chat_id, sent.message_id
    return saved


async def feedback_for_admin_message(
    db: Database, admin_chat_id: int, message_id: int
) -> Feedback | None:
    async with db.begin() as conn:
        return await store.find_by_admin_message(conn, admin_chat_id, message_id)


async def thread_parent(db: Database, bot_text: str | None, user_id: int) -> Feedback | None:
    """The feedback a reader's reply to an answer continues, if it is theirs."""
    feedback_id = answered_feedback_id(bot_text)
    if feedback_id is None:
        return None
    async with db.begin() as conn:
        found = await store.get_feedback(conn, feedback_id)
    return found if found is not None and found.user_id == user_id else None


async def relay_answer(
    db: Database,
    bot: Bot,
    feedback: Feedback,
    *,
    admin_id: int,
    answer: str,
    now: datetime | None = None,
) -> RelayOutcome:
    """Send an admin's answer to the reader, then record it and mark the feedback answered.

    Private feedback is answered in the private chat (the reader started the
    bot); group feedback as a reply to the reader's message, in the forum
    topic it was written in (so it stays there if that message is gone). If
    Telegram refuses (the reader blocked the bot, the group or topic is gone)
    nothing is marked.
    """
    reply_to = None
    if not feedback.from_private_chat and feedback.message_id is not None:
        reply_to = ReplyParameters(feedback.message_id, allow_sending_without_reply=True)
    try:
        await bot.send_message(
            feedback.chat_id,
            answer_text(feedback, answer),
            parse_mode=None,
            reply_parameters=reply_to,
            message_thread_id=feedback.message_thread_id,
        )
    except TelegramError as exc:
        log.warning("answer to feedback #%s not delivered: %s", feedback.id, exc)
        return RelayOutcome(feedback, error=str(exc) or type(exc).__name__)
    async with db.begin() as conn:
        await store.record_answer(conn, feedback.id, admin_id=admin_id, text=answer, now=now)
        updated = await store.get_feedback(conn, feedback.id)
    assert updated is not None
    return RelayOutcome(updated)


async def open_feedback_text(db: Database, *, limit: int = 20) -> str:
    """The unanswered feedback, oldest first, one entry per feedback."""
    async with db.begin() as conn:
        pending = await store.list_open(conn, limit=limit + 1)
        total = await store.count_open(conn)
    if not pending:
        return "No unanswered feedback."
    lines = [f"Unanswered feedback ({total}):"]
    for item in pending[:limit]:
        where = "private" if item.from_private_chat else f"group {item.chat_id}"
        snippet = clip(item.text, 120)
        when = item.created_at.strftime("%Y-%m-%d %H:%M UTC")
        lines.append(f"#{item.id} {when} {item.user_name or item.user_id} ({where}): {snippet}")
    if total > limit:
        lines.append(f"… and {total - limit} more.")
    return "\n".join(lines)
