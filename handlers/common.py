"""Small helpers the conversation handlers share: plain replies, admin checks, limits, words."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Message, Update, User
from telegram.ext import ContextTypes

from bot import i18n
from bot.scope import Scope, Viewer, scope_for
from bot.services import Services, services

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
Callback = Callable[[Update, Context], Coroutine[Any, Any, None]]
MAX_MESSAGE_CHARS = 4000  # under Telegram's 4096 UTF-16 units, even with a few astral chars

_TEXTS: dict[str, dict[str, str]] = {
    "not_admin": {
        "en": "Sorry, only the bot's admins can use this command.",
        "zh": "抱歉，只有机器人的管理员可以使用这个命令。",
    },
    "feedback_busy": {
        "en": (
            "The editors are receiving a lot of feedback right now; "
            "please send yours again in {seconds} s."
        ),
        "zh": "编辑们此刻收到的反馈太多了，请 {seconds} 秒后再发送。",
    },
    "feedback_usage": {
        "en": "Usage: /feedback <your message> (reply to a post to link it).",
        "zh": "用法：/feedback <你的意见>（回复某条文章可关联该文章）。",
    },
    "feedback_too_long": {
        "en": "Feedback is limited to {limit} characters (yours has {length}); please shorten it.",
        "zh": "反馈最多 {limit} 个字符（你的有 {length} 个），请缩短后再发。",
    },
    "feedback_thanks": {
        "en": "Thank you! Your feedback #{id} has been passed on to the editors.",
        "zh": "谢谢！你的反馈 #{id} 已转交编辑。",
    },
}


def language(update: Update) -> str:
    """Chinese for users whose Telegram is set to Chinese, else English."""
    user = update.effective_user
    return i18n.language_of(user.language_code if user else None)


def say(key: str, lang: str, **values: object) -> str:
    entry = _TEXTS[key]
    return entry.get(lang, entry["en"]).format(**values)


def chunks(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Split a long plain-text answer at line breaks so every part fits one message."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            candidate = line
        current = candidate
    if current or not parts:
        parts.append(current)
    return parts


async def reader_scope(update: Update, context: Context, svc: Services) -> Scope:
    """What the person who sent this update may ask about (bot/scope.py decides)."""
    message = update.effective_message
    assert message is not None
    user = update.effective_user
    viewer = Viewer(message.chat.id, message.chat.type, user.id if user else None)
    return await scope_for(svc.db, context.bot, svc.telegram_facts, viewer)


async def reply_plain(message: Message, text: str) -> Message:
    """Reply as plain text (never a parse mode), quoting in groups, split if long."""
    sent = message
    for part in chunks(text):
        sent = await message.reply_text(part, parse_mode=None, entities=None)
    return sent


def display_name(user: User | None) -> str | None:
    return user.full_name if user else None


def actor_id(update: Update) -> int | None:
    """Who acts: the user, or for anonymous group admins the chat they speak as."""
    message = update.effective_message
    if message is not None and message.sender_chat is not None:
        return message.sender_chat.id
    user = update.effective_user
    return user.id if user else None


def is_admin(svc: Services, update: Update) -> bool:
    """An ADMIN_IDS user, or an anonymous admin of the admin chat speaking as that chat.

    Anonymous admins appear as GroupAnonymousBot with `sender_chat` set to the
    group itself; only the admin chat's own anonymous admins count.
    """
    message = update.effective_message
    admin_chat = svc.settings.admin_chat_id
    if message is not None and message.sender_chat is not None:
        # Whoever writes under a chat's name (send-as-channel, a linked channel) is that
        # chat, never the user behind it: only the admin chat itself, inside it, counts.
        in_admin_chat = message.chat.id == admin_chat
        as_admin_chat = message.sender_chat.id == admin_chat
        return in_admin_chat and as_admin_chat
    user = update.effective_user
    return svc.is_admin(user.id if user else None)


async def within_limit(svc: Services, update: Update, message: Message) -> bool:
    """Count one reader command for its actor; if over the limit, say when to retry (once).

    The actor is the user, or the chat an anonymous admin or a channel speaks as:
    all of those share Telegram's placeholder user ids, not one budget.
    """
    key = actor_id(update)
    if key is None:
        return False
    limiter = svc.command_limiter
    if limiter.allow(key):
        return True
    wait = max(1, round(limiter.retry_in(key)))
    log.info("rate limit: %s in chat %s waits %s s", key, message.chat.id, wait)
    if limiter.first_refusal(key):
        await reply_plain(message, i18n.text("slow_down", language(update), seconds=wait))
    return False


async def feedback_room(svc: Services, update: Update, message: Message) -> bool:
    """One more feedback card for the admin chat, all readers together, if the cap allows.

    The cap keeps the admin chat's Telegram budget free for operational notices
    and the admins' own replies; a reader over it is told when to send again.
    """
    if svc.settings.admin_chat_id is None or svc.feedback_limiter.allow("admin_chat"):
        return True
    wait = max(1, round(svc.feedback_limiter.retry_in("admin_chat")))
    log.warning(
        "feedback cap reached: %s in chat %s waits %s s", actor_id(update), message.chat.id, wait
    )
    await reply_plain(message, say("feedback_busy", language(update), seconds=wait))
    return False


def limited(callback: Callback) -> Callback:
    """Run a reader command only within its actor's rate limit."""

    @functools.wraps(callback)
    async def guarded(update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None:
            return
        if await within_limit(services(context), update, message):
            await callback(update, context)

    return guarded


def admin_command(callback: Callback) -> Callback:
    """Run `callback` only for admins; anyone else gets one polite line, and it is logged."""

    @functools.wraps(callback)
    async def guarded(update: Update, context: Context) -> None:
        message = update.effective_message
        if message is None:
            return
        svc = services(context)
        if not is_admin(svc, update):
            log.warning(
                "refused admin command %r from %s in chat %s",
                (message.text or "")[:40],
                actor_id(update),
                message.chat.id,
            )
            if svc.command_limiter.allow(actor_id(update)):
                await reply_plain(message, say("not_admin", language(update)))
            return
        await callback(update, context)

    return guarded
