"""The Bot API methods the fake answers, each validating like Telegram does.

Each handler takes (fake, params, files) under the fake's lock and returns the
`result` of the reply, or raises ApiError.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.standin.checks import (
    check_caption,
    check_entities,
    check_markup,
    check_media_group,
    check_text,
)
from bot.standin.errors import ApiError
from bot.standin.state import FakeChat, SentRecord

if TYPE_CHECKING:
    from bot.standin.botapi import FakeTelegram

Handler = Callable[["FakeTelegram", dict[str, Any], dict[str, Any]], Any]
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
MEDIA_ERROR = "Bad Request: wrong file identifier/HTTP URL specified"


def get_me(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    return {
        **fake.bot.to_json(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
    }


def send_message(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    chat = fake.resolve_chat(params.get("chat_id"))
    thread = _thread(chat, params)
    text = check_text(params.get("text"))
    check_markup(params.get("parse_mode"), params.get("entities"))
    entities = check_entities(text, params.get("entities"))
    reply_to = _reply_to(chat, params)
    markup = _reply_markup(params)
    fake.admit(chat, 1)
    message = fake.bot_message(
        chat,
        text=text,
        entities=entities or None,
        link_preview_options=params.get("link_preview_options"),
        reply_to_message=reply_to,
        reply_markup=markup,
        **thread,
    )
    _record(fake, "sendMessage", chat, message, params, text=text, entities=entities)
    fake.after_bot_post(chat, [message])
    return message


def send_photo(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    chat = fake.resolve_chat(params.get("chat_id"))
    thread = _thread(chat, params)
    photo = _media_ref(fake, params.get("photo"), files, "photo")
    caption = check_caption(params.get("caption"))
    check_markup(params.get("parse_mode"), params.get("caption_entities"))
    caption_entities = check_entities(caption or "", params.get("caption_entities"))
    reply_to = _reply_to(chat, params)
    markup = _reply_markup(params)
    fake.admit(chat, 1)
    message = fake.bot_message(
        chat,
        photo=_photo_sizes(fake, photo),
        caption=caption,
        caption_entities=caption_entities or None,
        reply_to_message=reply_to,
        reply_markup=markup,
        **thread,
    )
    _record(
        fake,
        "sendPhoto",
        chat,
        message,
        params,
        caption=caption,
        entities=caption_entities,
        photo=photo,
    )
    fake.after_bot_post(chat, [message])
    return message


def send_media_group(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    chat = fake.resolve_chat(params.get("chat_id"))
    thread = _thread(chat, params)
    media = check_media_group(params.get("media"))
    prepared = []
    for item in media:
        ref = _media_ref(fake, item["media"], files, item["type"])
        caption = check_caption(item.get("caption"))
        check_markup(item.get("parse_mode"), item.get("caption_entities"))
        if "parse_mode" in item:
            fake.parse_mode_uses.append(("sendMediaGroup", chat.id, item["parse_mode"]))
        entities = check_entities(caption or "", item.get("caption_entities"))
        prepared.append((item["type"], ref, caption, entities))
    reply_to = _reply_to(chat, params)
    fake.admit(chat, len(prepared))
    group_id = fake.new_media_group_id()
    sent = []
    for kind, ref, caption, entities in prepared:
        media_field: dict[str, Any] = (
            {"photo": _photo_sizes(fake, ref)} if kind == "photo" else {kind: _file(fake, ref)}
        )
        message = fake.bot_message(
            chat,
            caption=caption,
            caption_entities=entities or None,
            media_group_id=group_id,
            reply_to_message=reply_to,
            **media_field,
            **thread,
        )
        _record(
            fake,
            "sendMediaGroup",
            chat,
            message,
            params,
            caption=caption,
            entities=entities,
            photo=ref,
            media_group_id=group_id,
        )
        sent.append(message)
    fake.after_bot_post(chat, sent)
    return sent


def edit_message_text(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    chat, message = _own_message(fake, params)
    if "text" not in message:
        raise ApiError(400, "Bad Request: there is no text in the message to edit")
    text = check_text(params.get("text"))
    check_markup(params.get("parse_mode"), params.get("entities"))
    entities = check_entities(text, params.get("entities"))
    if text == message.get("text") and entities == message.get("entities", []):
        raise ApiError(
            400,
            "Bad Request: message is not modified: specified new message content and reply "
            "markup are exactly the same as a current content and reply markup of the message",
        )
    message["text"] = text
    _set_or_drop(message, "entities", entities)
    _record(fake, "editMessageText", chat, message, params, text=text, entities=entities, edit=True)
    return message


def edit_message_caption(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    chat, message = _own_message(fake, params)
    if "text" in message:
        raise ApiError(400, "Bad Request: there is no caption in the message to edit")
    caption = check_caption(params.get("caption"))
    check_markup(params.get("parse_mode"), params.get("caption_entities"))
    entities = check_entities(caption or "", params.get("caption_entities"))
    if caption == message.get("caption") and entities == message.get("caption_entities", []):
        raise ApiError(400, "Bad Request: message is not modified")
    _set_or_drop(message, "caption", caption)
    _set_or_drop(message, "caption_entities", entities)
    _record(
        fake,
        "editMessageCaption",
        chat,
        message,
        params,
        caption=caption,
        entities=entities,
        edit=True,
    )
    return message


def forward_message(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    chat, source, original = _forward_source(fake, params)
    fake.admit(chat, 1)
    content = _content(original)
    message = fake.bot_message(chat, forward_origin=_origin_of(source, original), **content)
    _record(
        fake,
        "forwardMessage",
        chat,
        message,
        params,
        text=content.get("text"),
        caption=content.get("caption"),
        entities=content.get("entities") or content.get("caption_entities"),
        forwarded_from=(source.id, original["message_id"]),
    )
    fake.after_bot_post(chat, [message])
    return message


def copy_message(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    chat, source, original = _forward_source(fake, params)
    content = _content(original)
    if "caption" in params:
        content["caption"] = check_caption(params["caption"])
    reply_to = _reply_to(chat, params)
    fake.admit(chat, 1)
    message = fake.bot_message(
        chat, reply_to_message=reply_to, reply_markup=_reply_markup(params), **content
    )
    _record(
        fake,
        "copyMessage",
        chat,
        message,
        params,
        text=content.get("text"),
        caption=content.get("caption"),
        entities=content.get("entities") or content.get("caption_entities"),
        forwarded_from=(source.id, original["message_id"]),
    )
    fake.after_bot_post(chat, [message])
    return {"message_id": message["message_id"]}


def edit_message_reply_markup(
    fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]
) -> Any:
    _, message = _own_message(fake, params)
    markup = _reply_markup(params)
    if markup == message.get("reply_markup"):
        raise ApiError(400, "Bad Request: message is not modified")
    _set_or_drop(message, "reply_markup", markup)
    return message


def delete_message(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    chat = fake.resolve_chat(params.get("chat_id"))
    message_id = params.get("message_id")
    if message_id not in chat.messages:
        raise ApiError(400, "Bad Request: message to delete not found")
    del chat.messages[message_id]
    fake.deleted.append((chat.id, message_id))
    return True


def get_chat(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    chat = fake.resolve_chat(params.get("chat_id"))
    info: dict[str, Any] = {
        **chat.to_json(),
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }
    if chat.linked_chat_id is not None:
        info["linked_chat_id"] = chat.linked_chat_id
    return info


def get_chat_member(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    chat = _known_chat(fake, params.get("chat_id"))
    user_id = params.get("user_id")
    if user_id == fake.bot.id:
        return _member(fake.bot.to_json(), chat.bot_status, chat)
    user = fake.users.get(user_id) if isinstance(user_id, int) else None
    if user is None:
        raise ApiError(400, "Bad Request: user not found")
    return _member(user.to_json(), _user_status(chat, user.id), chat)


def get_chat_administrators(
    fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]
) -> Any:
    chat = fake.resolve_chat(params.get("chat_id"))
    admins = []
    if chat.owner_id is not None:
        admins.append(_member(fake.users[chat.owner_id].to_json(), "creator", chat))
    for user_id in sorted(chat.admin_ids - {chat.owner_id}):
        admins.append(_member(fake.users[user_id].to_json(), "administrator", chat))
    if chat.bot_status == "administrator":
        admins.append(_member(fake.bot.to_json(), "administrator", chat))
    return admins


def answer_callback_query(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    if not params.get("callback_query_id"):
        raise ApiError(400, "Bad Request: query is too old and response timeout expired")
    fake.callback_answers.append(params)
    return True


def _thread(chat: FakeChat, params: dict[str, Any]) -> dict[str, Any]:
    """The topic fields of a message sent with message_thread_id (400 when no such topic)."""
    thread_id = params.get("message_thread_id")
    if thread_id is None:
        return {}
    if not chat.is_forum or thread_id not in chat.topics:
        raise ApiError(400, "Bad Request: message thread not found")
    return {"message_thread_id": thread_id, "is_topic_message": True}


def create_forum_topic(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    chat = fake.resolve_chat(params.get("chat_id"))
    if not chat.is_forum:
        raise ApiError(400, "Bad Request: the chat is not a forum")
    if chat.bot_status != "administrator":
        raise ApiError(400, "Bad Request: not enough rights to create a topic")
    name = params.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 128:
        raise ApiError(400, "Bad Request: invalid topic name")
    thread_id = chat.take_message_id()  # Telegram numbers a topic by its creation message
    chat.topics[thread_id] = name
    return {"message_thread_id": thread_id, "name": name, "icon_color": 7322096}


def answer_inline_query(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    if not params.get("inline_query_id"):
        raise ApiError(400, "Bad Request: query is too old and response timeout expired")
    results = params.get("results")
    if not isinstance(results, list) or len(results) > 50:
        raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
    ids = [r.get("id") for r in results if isinstance(r, dict)]
    if len(ids) != len(results) or len(set(ids)) != len(ids):
        raise ApiError(400, "Bad Request: RESULT_ID_DUPLICATE")
    fake.inline_answers.append(params)
    return True


def set_my_commands(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    commands = params.get("commands")
    if not isinstance(commands, list) or len(commands) > 100:
        raise ApiError(400, "Bad Request: can't parse commands")
    for command in commands:
        name = command.get("command", "") if isinstance(command, dict) else ""
        if not _COMMAND.fullmatch(name):
            raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
    fake.commands = commands
    return True


def get_my_commands(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    return fake.commands


def always_true(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    return True


def set_webhook(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    url = params.get("url", "")
    if url and not str(url).startswith("https://") and not fake.allow_http_webhook:
        raise ApiError(400, "Bad Request: bad webhook: HTTPS url must be provided for webhook")
    fake.webhook = {"url": url, "secret_token": params.get("secret_token")}
    return True


def delete_webhook(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    fake.webhook = None
    return True


def get_webhook_info(fake: FakeTelegram, params: dict[str, Any], files: dict[str, Any]) -> Any:
    url = fake.webhook["url"] if fake.webhook else ""
    return {"url": url, "has_custom_certificate": False, "pending_update_count": 0}


HANDLERS: dict[str, Handler] = {
    "getMe": get_me,
    "sendMessage": send_message,
    "sendPhoto": send_photo,
    "sendMediaGroup": send_media_group,
    "editMessageText": edit_message_text,
    "editMessageCaption": edit_message_caption,
    "deleteMessage": delete_message,
    "forwardMessage": forward_message,
    "copyMessage": copy_message,
    "editMessageReplyMarkup": edit_message_reply_markup,
    "getChat": get_chat,
    "getChatMember": get_chat_member,
    "getChatAdministrators": get_chat_administrators,
    "answerCallbackQuery": answer_callback_query,
    "answerInlineQuery": answer_inline_query,
    "createForumTopic": create_forum_topic,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": always_true,
    "deleteWebhook": delete_webhook,
    "setWebhook": set_webhook,
    "getWebhookInfo": get_webhook_info,
    "sendChatAction": always_true,
    "close": always_true,
    "logOut": always_true,
}


# ---- helpers -------------------------------------------------------------------------


def _record(
    fake: FakeTelegram,
    method: str,
    chat: FakeChat,
    message: dict[str, Any],
    params: dict[str, Any],
    *,
    text: str | None = None,
    caption: str | None = None,
    entities: list[dict[str, Any]] | None = None,
    photo: str | None = None,
    media_group_id: str | None = None,
    edit: bool = False,
    forwarded_from: tuple[int, int] | None = None,
) -> None:
    reply = message.get("reply_to_message")
    record = SentRecord(
        chat_id=chat.id,
        message_id=message["message_id"],
        method=method,
        text=text,
        entities=list(entities or []),
        photo=photo,
        caption=caption,
        reply_to=reply["message_id"] if reply else None,
        time=fake.clock(),
        parse_mode=params.get("parse_mode"),
        link_preview_options=params.get("link_preview_options"),
        media_group_id=media_group_id,
        reply_markup=message.get("reply_markup"),
        forwarded_from=forwarded_from,
        message_thread_id=message.get("message_thread_id"),
    )
    (fake.edits if edit else fake.sent).append(record)


def _reply_to(chat: FakeChat, params: dict[str, Any]) -> dict[str, Any] | None:
    reply = params.get("reply_parameters")
    message_id = reply.get("message_id") if isinstance(reply, dict) else None
    if message_id is None:
        message_id = params.get("reply_to_message_id")
    if message_id is None:
        return None
    found = chat.messages.get(message_id)
    if found is None:
        allow = isinstance(reply, dict) and reply.get("allow_sending_without_reply")
        if allow or params.get("allow_sending_without_reply"):
            return None
        raise ApiError(400, "Bad Request: message to be replied not found")
    return {k: v for k, v in found.items() if k != "reply_to_message"}


def _reply_markup(params: dict[str, Any]) -> dict[str, Any] | None:
    """Inline keyboards must be rows of buttons, each with text and one action."""
    markup = params.get("reply_markup")
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return markup  # other keyboards: kept as given
    for row in rows if isinstance(rows, list) else [None]:
        for button in row if isinstance(row, list) else [None]:
            if not isinstance(button, dict) or not button.get("text"):
                raise ApiError(400, "Bad Request: can't parse inline keyboard button")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
    return markup


def _forward_source(
    fake: FakeTelegram, params: dict[str, Any]
) -> tuple[FakeChat, FakeChat, dict[str, Any]]:
    chat = fake.resolve_chat(params.get("chat_id"))
    ref = params.get("from_chat_id")
    source = fake.chats.get(ref) if isinstance(ref, int) else None
    if source is None and isinstance(ref, str):
        source = fake.find_chat_by_username(ref.lstrip("@"))
    if source is None:
        raise ApiError(400, "Bad Request: chat not found")
    original = source.messages.get(params.get("message_id"))  # type: ignore[arg-type]
    if original is None:
        raise ApiError(400, "Bad Request: message to forward not found")
    return chat, source, original


def _content(message: dict[str, Any]) -> dict[str, Any]:
    keys = ("text", "entities", "photo", "caption", "caption_entities")
    return {k: message[k] for k in keys if k in message}


def _origin_of(source: FakeChat, original: dict[str, Any]) -> dict[str, Any]:
    if source.type == "channel":
        return {
            "type": "channel",
            "date": original["date"],
            "chat": source.to_json(),
            "message_id": original["message_id"],
        }
    if "from" not in original:
        return {"type": "hidden_user", "date": original["date"], "sender_user_name": "Hidden"}
    return {"type": "user", "date": original["date"], "sender_user": original["from"]}


def _media_ref(fake: FakeTelegram, ref: Any, files: dict[str, Any], name: str) -> str:
    """The photo's URL or file id; an upload becomes "upload:<name>"."""
    if ref is None and name in files:
        return f"upload:{name}"
    if not isinstance(ref, str) or not ref:
        raise ApiError(400, "Bad Request: there is no photo in the request")
    if ref.startswith("attach://"):
        attached = ref.removeprefix("attach://")
        if attached not in files:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        return f"upload:{attached}"
    if ref in fake.bad_media:
        raise ApiError(400, MEDIA_ERROR)
    return ref


def _photo_sizes(fake: FakeTelegram, ref: str) -> list[dict[str, Any]]:
    file_id = fake.new_file_id("photo")
    return [
        {"file_id": f"{file_id}-s", "file_unique_id": f"u{file_id}-s", "width": 90, "height": 60},
        {"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 1280, "height": 853},
    ]


def _file(fake: FakeTelegram, ref: str) -> dict[str, Any]:
    file_id = fake.new_file_id("file")
    return {
        "file_id": file_id,
        "file_unique_id": f"u{file_id}",
        "duration": 1,
        "width": 1,
        "height": 1,
    }


def _own_message(fake: FakeTelegram, params: dict[str, Any]) -> tuple[FakeChat, dict[str, Any]]:
    chat = fake.resolve_chat(params.get("chat_id"))
    message = chat.messages.get(params.get("message_id"))  # type: ignore[arg-type]
    if message is None:
        raise ApiError(400, "Bad Request: message to edit not found")
    sender = message.get("from", {}).get("id")
    if sender != fake.bot.id and not (chat.type == "channel" and "sender_chat" in message):
        raise ApiError(400, "Bad Request: message can't be edited")
    return chat, message


def _set_or_drop(message: dict[str, Any], key: str, value: Any) -> None:
    if value:
        message[key] = value
    else:
        message.pop(key, None)


def _known_chat(fake: FakeTelegram, ref: Any) -> FakeChat:
    chat = fake.chats.get(ref) if isinstance(ref, int) else None
    if chat is None and isinstance(ref, str):
        chat = fake.find_chat_by_username(ref.lstrip("@"))
    if chat is None:
        raise ApiError(400, "Bad Request: chat not found")
    return chat


def _user_status(chat: FakeChat, user_id: int) -> str:
    if chat.owner_id == user_id:
        return "creator"
    if user_id in chat.admin_ids:
        return "administrator"
    if user_id in chat.member_ids or (chat.type == "private" and chat.id == user_id):
        return "member"
    return "left"


def _member(user: dict[str, Any], status: str, chat: FakeChat) -> dict[str, Any]:
    if status == "creator":
        return {"status": "creator", "user": user, "is_anonymous": False}
    if status == "administrator":
        rights = dict.fromkeys(
            (
                "can_manage_chat",
                "can_delete_messages",
                "can_manage_video_chats",
                "can_restrict_members",
                "can_promote_members",
                "can_change_info",
                "can_invite_users",
                "can_post_stories",
                "can_edit_stories",
                "can_delete_stories",
            ),
            True,
        )
        if chat.type == "channel":
            rights.update(can_post_messages=True, can_edit_messages=True)
        return {
            "status": "administrator",
            "user": user,
            "can_be_edited": False,
            "is_anonymous": False,
            **rights,
        }
    if status == "kicked":
        return {"status": "kicked", "user": user, "until_date": 0}
    return {"status": status, "user": user}
