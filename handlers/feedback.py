"""Readers' /feedback, the admins' reply relay, follow-ups, and comment capture.

Groups: commands in 0; replies (admin relay, reader follow-ups) in 1; comment
capture in 2 with commands filtered out, so it never swallows anything.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Chat, Message, MessageOriginChannel, Update
from telegram.ext import BaseHandler, CommandHandler, MessageHandler, filters

from bot import feedback as core
from bot.services import Services, services
from handlers.common import (
    Context,
    actor_id,
    display_name,
    feedback_room,
    is_admin,
    language,
    reply_plain,
    say,
    within_limit,
)
from storage import comments

log = logging.getLogger(__name__)

GROUP_COMMANDS = 0
GROUP_REPLIES = 1
GROUP_COMMENTS = 2

_NEW_MESSAGES = filters.UpdateType.MESSAGE
_READER_CHATS = filters.ChatType.PRIVATE | filters.ChatType.GROUPS


def _chat_link(chat: Chat, message_id: int) -> str | None:
    if chat.username:
        return f"https://t.me/{chat.username}/{message_id}"
    text_id = str(chat.id)
    if text_id.startswith("-100"):
        return f"https://t.me/c/{text_id[4:]}/{message_id}"
    return None


def post_link(message: Message) -> str | None:
    """A link to the post the message replies to: the channel post if it is a copy."""
    replied = message.reply_to_message
    if replied is None:
        return None
    origin = replied.forward_origin
    if isinstance(origin, MessageOriginChannel):
        return _chat_link(origin.chat, origin.message_id)
    return replied.link


def reader_of(update: Update) -> core.Reader | None:
    """The author: the user, or the chat they post as (anonymous admins, channels)."""
    message = update.effective_message
    if message is not None and message.sender_chat is not None:
        chat = message.sender_chat
        return core.Reader(chat.id, chat.title or chat.username, chat.username)
    user = update.effective_user
    if user is None:
        return None
    return core.Reader(user.id, display_name(user), user.username)


async def _submit(
    update: Update,
    context: Context,
    svc: Services,
    text: str,
    *,
    article_id: int | None,
    parent_id: int | None = None,
) -> None:
    message = update.effective_message
    reader = reader_of(update)
    assert message is not None
    if reader is None:
        return
    lang = language(update)
    if len(text) > core.MAX_FEEDBACK_CHARS:
        limit, length = core.MAX_FEEDBACK_CHARS, len(text)
        await reply_plain(message, say("feedback_too_long", lang, limit=limit, length=length))
        return
    if not await feedback_room(svc, update, message):
        return
    origin = core.Origin(
        chat_id=message.chat.id,
        chat_title=message.chat.title,
        message_id=message.message_id,
        article_id=article_id,
        post_link=post_link(message),
        parent_id=parent_id,
        thread_id=message.message_thread_id if message.is_topic_message else None,
    )
    saved = await core.submit_feedback(
        svc.db,
        context.bot,
        admin_chat_id=svc.settings.admin_chat_id,
        reader=reader,
        origin=origin,
        text=text,
    )
    log.info("feedback #%s from %s in chat %s", saved.id, reader.user_id, message.chat.id)
    await reply_plain(message, say("feedback_thanks", lang, id=saved.id))


async def feedback_command(update: Update, context: Context) -> None:
    """/feedback <text>: store it, tell the admins, thank the reader."""
    message = update.effective_message
    if message is None:
        return
    svc = services(context)
    if not await within_limit(svc, update, message):
        return
    text = core.command_argument(message.text)
    if not text:
        await reply_plain(message, say("feedback_usage", language(update)))
        return
    article_id = await core.resolve_article_id(svc.db, message)
    await _submit(update, context, svc, text, article_id=article_id)


def _from_this_bot(message: Message, context: Context) -> bool:
    author = message.from_user
    return author is not None and author.id == context.bot.id


async def _relay(update: Update, context: Context, svc: Services, message: Message) -> None:
    """An admin's reply to a feedback card in the admin chat goes to the reader."""
    replied = message.reply_to_message
    if replied is None or not _from_this_bot(replied, context):
        return
    found = await core.feedback_for_admin_message(svc.db, message.chat.id, replied.message_id)
    if found is None:
        return
    admin = actor_id(update)
    if admin is None or not is_admin(svc, update):
        log.warning("refused reply to feedback #%s from non-admin %s", found.id, admin)
        if svc.command_limiter.allow(admin):
            await reply_plain(message, say("not_admin", language(update)))
        return
    answer = core.message_content(message)
    if not answer:
        return
    if len(answer) > core.MAX_ANSWER_CHARS:
        await reply_plain(
            message,
            f"Not sent: answers are limited to {core.MAX_ANSWER_CHARS} characters "
            f"(this one has {len(answer)}).",
        )
        return
    outcome = await core.relay_answer(svc.db, context.bot, found, admin_id=admin, answer=answer)
    who = found.user_name or str(found.user_id)
    if outcome.error is not None:
        await reply_plain(
            message, f"Could not deliver to {who} (feedback #{found.id}): {outcome.error}"
        )
        return
    log.info("admin %s answered feedback #%s", admin, found.id)
    where = "in private" if found.from_private_chat else "in the group"
    await reply_plain(message, f"Sent to {who} {where}; feedback #{found.id} marked answered.")


async def _follow_up(update: Update, context: Context, svc: Services, message: Message) -> None:
    """A reader's reply to an answer becomes new feedback in the same thread."""
    replied = message.reply_to_message
    reader = reader_of(update)
    if replied is None or reader is None or not _from_this_bot(replied, context):
        return
    parent = await core.thread_parent(svc.db, replied.text, reader.user_id)
    if parent is None:
        return
    if not await within_limit(svc, update, message):
        return
    text = core.message_content(message)
    if text:
        await _submit(update, context, svc, text, article_id=parent.article_id, parent_id=parent.id)


async def on_reply(update: Update, context: Context) -> None:
    """Replies to the bot's own messages: relay in the admin chat, follow-ups elsewhere."""
    message = update.effective_message
    if message is None or message.reply_to_message is None:
        return
    svc = services(context)
    if message.chat.id == svc.settings.admin_chat_id:
        await _relay(update, context, svc, message)
    else:
        await _follow_up(update, context, svc, message)


async def capture_comment(update: Update, context: Context) -> None:
    """A group message under a post's discussion copy is stored as a comment on the article."""
    message = update.effective_message
    if message is None or message.is_automatic_forward or _from_this_bot(message, context):
        return
    if message.reply_to_message is None and message.message_thread_id is None:
        return
    text = core.message_content(message)
    if not text:
        return
    svc = services(context)
    article_id = await core.resolve_article_id(svc.db, message)
    if article_id is None:
        return
    author = reader_of(update)
    async with svc.db.begin() as conn:
        await comments.save_comment(
            conn,
            article_id=article_id,
            chat_id=message.chat.id,
            message_id=message.message_id,
            user_id=author.user_id if author else None,
            user_name=author.name if author else None,
            text=text,
            now=message.date,
        )


def grouped_handlers() -> list[tuple[int, BaseHandler[Any, Any, Any]]]:
    """(group, handler) pairs, the shape bot.app.build_application takes."""
    return [
        (
            GROUP_COMMANDS,
            CommandHandler("feedback", feedback_command, filters=_NEW_MESSAGES & _READER_CHATS),
        ),
        (
            GROUP_REPLIES,
            MessageHandler(
                _NEW_MESSAGES & filters.REPLY & ~filters.COMMAND & _READER_CHATS, on_reply
            ),
        ),
        (
            GROUP_COMMENTS,
            MessageHandler(
                (filters.UpdateType.MESSAGE | filters.UpdateType.EDITED_MESSAGE)
                & filters.ChatType.GROUPS
                & ~filters.COMMAND,
                capture_comment,
            ),
        ),
    ]
