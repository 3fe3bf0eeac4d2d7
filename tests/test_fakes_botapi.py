"""The fake Bot API validates like Telegram, so tests built on it can fail for real reasons."""

from __future__ import annotations

import asyncio

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaDocument,
    InputMediaPhoto,
    LinkPreviewOptions,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TimedOut,
)
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes, MessageHandler, filters

from bot.standin import FakeTelegram, RateLimits, fake_telegram_bot
from bot.standin.botapi import FakeBotAPIRequest, split_api_url
from bot.standin.limits import LimitState
from tests.fakes.plugin import fake_bot, fake_telegram  # noqa: F401

CHANNEL, GROUP, USER = -1001, -1002, 501


@pytest.fixture
def world(fake_telegram: FakeTelegram) -> FakeTelegram:  # noqa: F811
    fake_telegram.add_channel(CHANNEL, "新闻", username="news_cn")
    fake_telegram.add_group(GROUP, "讨论")
    fake_telegram.link_discussion(CHANNEL, GROUP)
    fake_telegram.add_user(USER, "Ann", "ann")
    return fake_telegram


async def test_text_limits_count_utf16_units(world: FakeTelegram, fake_bot: Bot) -> None:  # noqa: F811
    emoji = "😀" * 2048  # 2048 code points, 4096 UTF-16 units: the maximum
    sent = await fake_bot.send_message(CHANNEL, emoji)
    assert sent.message_id == 1
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await fake_bot.send_message(CHANNEL, emoji + "x")
    with pytest.raises(BadRequest, match=r"(?i)empty"):
        await fake_bot.send_message(CHANNEL, "  \n")
    with pytest.raises(BadRequest, match=r"(?i)caption is too long"):
        await fake_bot.send_photo(CHANNEL, "https://e.x/p.jpg", caption="字" * 1025)
    assert [r.message_id for r in world.sent_to(CHANNEL)] == [1]


async def test_entities_checked_against_utf16_text(world: FakeTelegram, fake_bot: Bot) -> None:  # noqa: F811
    text = "😀 bold"  # the emoji takes two units, so "bold" starts at 3
    await fake_bot.send_message(CHANNEL, text, entities=[MessageEntity("bold", 3, 4)])
    assert world.sent_to(CHANNEL)[0].entities == [{"type": "bold", "offset": 3, "length": 4}]
    with pytest.raises(BadRequest, match=r"(?i)out of range"):
        await fake_bot.send_message(CHANNEL, text, entities=[MessageEntity("bold", 3, 5)])
    with pytest.raises(BadRequest, match=r"(?i)text_link without url"):
        await fake_bot.send_message(CHANNEL, text, entities=[MessageEntity("text_link", 0, 2)])
    many = [MessageEntity("bold", i, 1) for i in range(101)]
    with pytest.raises(BadRequest, match=r"(?i)too many entities"):
        await fake_bot.send_message(CHANNEL, "x" * 101, entities=many)
    with pytest.raises(BadRequest, match=r"(?i)parse_mode and entities"):
        await fake_bot.send_message(
            CHANNEL, "x", entities=[MessageEntity("bold", 0, 1)], parse_mode="HTML"
        )
    assert world.used_parse_mode
    assert len(world.sent_to(CHANNEL)) == 1


async def test_parse_mode_is_flagged_even_when_accepted(world: FakeTelegram, fake_bot: Bot) -> None:  # noqa: F811
    assert not world.used_parse_mode
    await fake_bot.send_message(CHANNEL, "<b>x</b>", parse_mode="HTML")
    assert world.parse_mode_uses == [("sendMessage", CHANNEL, "HTML")]


async def test_media_groups(world: FakeTelegram, fake_bot: Bot) -> None:  # noqa: F811
    with pytest.raises(BadRequest, match=r"(?i)number of media"):
        await fake_bot.send_media_group(CHANNEL, [InputMediaPhoto("https://e.x/1.jpg")])
    with pytest.raises(BadRequest, match=r"(?i)number of media"):
        await fake_bot.send_media_group(
            CHANNEL, [InputMediaPhoto(f"https://e.x/{i}.jpg") for i in range(11)]
        )
    with pytest.raises(BadRequest, match=r"(?i)document can't be mixed"):
        await fake_bot.send_media_group(
            CHANNEL, [InputMediaPhoto("https://e.x/1.jpg"), InputMediaDocument("https://e.x/d")]
        )
    album = await fake_bot.send_media_group(
        CHANNEL, [InputMediaPhoto(f"https://e.x/{i}.jpg", caption=f"c{i}") for i in range(3)]
    )
    assert [m.message_id for m in album] == [1, 2, 3]
    assert len({m.media_group_id for m in album}) == 1
    assert [r.caption for r in world.sent_to(CHANNEL)] == ["c0", "c1", "c2"]


async def test_bad_media_url_is_rejected(world: FakeTelegram, fake_bot: Bot) -> None:  # noqa: F811
    world.reject_media("https://e.x/broken.jpg")
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await fake_bot.send_photo(CHANNEL, "https://e.x/broken.jpg", caption="c")
    await fake_bot.send_photo(CHANNEL, "https://e.x/fine.jpg", caption="c")
    assert [r.photo for r in world.sent_to(CHANNEL)] == ["https://e.x/fine.jpg"]


async def test_unknown_kicked_and_migrated_chats(world: FakeTelegram, fake_bot: Bot) -> None:  # noqa: F811
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await fake_bot.send_message(-999, "x")
    world.kick_bot(CHANNEL)
    with pytest.raises(Forbidden, match=r"(?i)kicked"):
        await fake_bot.send_message(CHANNEL, "x")
    world.add_group(-5, "small", supergroup=False)
    world.migrate_chat(-5, -1005)
    with pytest.raises(ChatMigrated) as migrated:
        await fake_bot.send_message(-5, "x")
    assert migrated.value.new_chat_id == -1005
    await fake_bot.send_message(-1005, "x")
    assert world.texts(-1005) == ["x"]


async def test_message_ids_are_per_chat(world: FakeTelegram, fake_bot: Bot) -> None:  # noqa: F811
    a = await fake_bot.send_message(CHANNEL, "a")
    b = await fake_bot.send_message(USER, "b")
    c = await fake_bot.send_message(CHANNEL, "c")
    assert (a.message_id, b.message_id, c.message_id) == (1, 1, 2)


async def test_faults_hit_only_their_chat_and_count(world: FakeTelegram, fake_bot: Bot) -> None:  # noqa: F811
    world.fail_next(CHANNEL, "retry_after", retry_after=7, times=2)
    world.fail_next(USER, "timeout")
    for _ in range(2):
        with pytest.raises(RetryAfter) as flood:
            await fake_bot.send_message(CHANNEL, "x")
        assert "7" in str(flood.value)
    with pytest.raises(TimedOut):
        await fake_bot.send_message(USER, "x")
    await fake_bot.send_message(CHANNEL, "ok")
    await fake_bot.send_message(USER, "ok")
    world.fail_next(None, "server_error", method="sendPhoto")
    await fake_bot.send_message(CHANNEL, "text is unaffected")
    with pytest.raises(NetworkError):
        await fake_bot.send_photo(CHANNEL, "https://e.x/p.jpg")
    world.fail_next(GROUP, "migrate", migrate_to=-1777)
    with pytest.raises(ChatMigrated):
        await fake_bot.send_message(GROUP, "x")
    world.fail_next(CHANNEL, "too_long")
    with pytest.raises(BadRequest, match=r"(?i)too long"):
        await fake_bot.send_message(CHANNEL, "short")
    with pytest.raises(ValueError):
        world.fail_next(CHANNEL, "no-such-fault")


async def test_channel_post_is_copied_to_discussion(world: FakeTelegram, fake_bot: Bot) -> None:  # noqa: F811
    post = await fake_bot.send_message(CHANNEL, "头条")
    updates = await fake_bot.get_updates(timeout=0)
    assert len(updates) == 1
    copy = updates[0].message
    assert copy is not None and copy.chat.id == GROUP and copy.is_automatic_forward
    assert copy.sender_chat is not None and copy.sender_chat.id == CHANNEL
    assert copy.forward_origin is not None
    assert copy.forward_origin.message_id == post.message_id  # type: ignore[attr-defined]
    assert world.automatic_forwards[(CHANNEL, post.message_id)] == copy.message_id
    assert copy.text == "头条"


async def test_get_updates_offset_and_long_poll(world: FakeTelegram, fake_bot: Bot) -> None:  # noqa: F811
    world.send_private(USER, "/start hello")
    world.send_private(USER, "plain")
    first = await fake_bot.get_updates(timeout=0)
    assert [u.message.text for u in first if u.message] == ["/start hello", "plain"]
    assert first[0].message is not None
    assert first[0].message.entities[0].type == "bot_command"
    assert first[0].message.entities[0].length == len("/start")
    rest = await fake_bot.get_updates(offset=first[-1].update_id + 1, timeout=0)
    assert rest == ()

    async def later() -> None:
        await asyncio.sleep(0.05)
        world.send_private(USER, "late")

    task = asyncio.create_task(later())
    waited = await fake_bot.get_updates(offset=first[-1].update_id + 1, timeout=2)
    await task
    assert [u.message.text for u in waited if u.message] == ["late"]


async def test_injected_replies_forwards_and_buttons(world: FakeTelegram, fake_bot: Bot) -> None:  # noqa: F811
    post = await fake_bot.send_message(CHANNEL, "post")
    copy_id = world.automatic_forwards[(CHANNEL, post.message_id)]
    world.send_group(GROUP, USER, "/summary", reply_to=copy_id)
    world.send_private(USER, "what is this?", forward_from=(CHANNEL, post.message_id))
    sent = await fake_bot.send_message(USER, "menu")
    world.press_button(USER, "fb:1", chat_id=USER, message_id=sent.message_id)
    updates = await fake_bot.get_updates(timeout=0)
    reply, forward, button = updates[1], updates[2], updates[3]
    assert reply.message is not None and reply.message.reply_to_message is not None
    assert reply.message.reply_to_message.message_id == copy_id
    assert forward.message is not None and forward.message.forward_origin is not None
    assert forward.message.forward_origin.chat.id == CHANNEL  # type: ignore[attr-defined]
    assert button.callback_query is not None and button.callback_query.data == "fb:1"
    assert await fake_bot.answer_callback_query(button.callback_query.id, "thanks")


async def test_reply_edit_delete(world: FakeTelegram, fake_bot: Bot) -> None:  # noqa: F811
    first = await fake_bot.send_message(USER, "one")
    reply = await fake_bot.send_message(
        USER, "two", reply_parameters=ReplyParameters(first.message_id)
    )
    assert world.sent_to(USER)[1].reply_to == first.message_id
    with pytest.raises(BadRequest, match=r"(?i)replied not found"):
        await fake_bot.send_message(USER, "x", reply_parameters=ReplyParameters(99))
    await fake_bot.edit_message_text("two, edited", USER, reply.message_id)
    assert world.message(USER, reply.message_id)["text"] == "two, edited"  # type: ignore[index]
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await fake_bot.edit_message_text("two, edited", USER, reply.message_id)
    with pytest.raises(BadRequest, match=r"(?i)to edit not found"):
        await fake_bot.edit_message_text("x", USER, 99)
    assert await fake_bot.delete_message(USER, first.message_id)
    with pytest.raises(BadRequest, match=r"(?i)to delete not found"):
        await fake_bot.delete_message(USER, first.message_id)


async def test_chat_info_and_members(world: FakeTelegram, fake_bot: Bot) -> None:  # noqa: F811
    info = await fake_bot.get_chat("@news_cn")
    assert info.id == CHANNEL and info.linked_chat_id == GROUP and info.title == "新闻"
    world.add_member(GROUP, USER, admin=True)
    member = await fake_bot.get_chat_member(GROUP, USER)
    assert member.status == "administrator"
    me = await fake_bot.get_chat_member(CHANNEL, fake_bot.id)
    assert me.status == "administrator"
    admins = await fake_bot.get_chat_administrators(GROUP)
    assert {a.user.id for a in admins} == {USER, fake_bot.id}
    await fake_bot.set_my_commands([("start", "Start"), ("summary", "Summary")])
    assert [c.command for c in await fake_bot.get_my_commands()] == ["start", "summary"]


async def test_wrong_token_is_invalid(world: FakeTelegram) -> None:
    bot = Bot("999:wrong", request=FakeBotAPIRequest(world))
    with pytest.raises(InvalidToken):
        await bot.initialize()


def test_split_api_url() -> None:
    assert split_api_url("https://api.telegram.org/bot1:AB/sendMessage") == ("1:AB", "sendMessage")
    assert split_api_url("http://127.0.0.1:9/bot1:AB/getMe") == ("1:AB", "getMe")


def test_rate_limits_per_chat_group_and_global() -> None:
    state = LimitState(RateLimits(per_chat_burst=2, group_per_window=3, global_per_window=5))
    assert state.admit(1, is_group=False, count=1, now=0.0) is None
    assert state.admit(1, is_group=False, count=1, now=0.0) is None
    assert state.admit(1, is_group=False, count=1, now=0.0) == 1.0  # bucket empty
    assert state.admit(1, is_group=False, count=1, now=1.0) is None
    assert state.admit(-1, is_group=True, count=1, now=10.0) is None
    assert state.admit(-1, is_group=True, count=1, now=12.0) is None
    assert state.admit(-1, is_group=True, count=1, now=14.0) is None
    wait = state.admit(-1, is_group=True, count=1, now=16.0)
    assert wait == 54.0  # the first of the three leaves the window at 70
    assert state.admit(-1, is_group=True, count=1, now=70.0) is None
    for chat in range(2, 7):
        state.admit(chat, is_group=False, count=1, now=100.0)
    assert state.admit(9, is_group=False, count=1, now=100.0) == 1.0  # 5 in the last second
    scaled = RateLimits().scaled(10)
    assert scaled.group_window == 6.0 and not scaled.whole_seconds


async def test_rate_limit_emulation_answers_429() -> None:
    now = [0.0]
    fake = FakeTelegram(limits=RateLimits(per_chat_burst=1), clock=lambda: now[0])
    fake.add_channel(CHANNEL)
    async with fake_telegram_bot(fake) as bot:
        await bot.send_message(CHANNEL, "1")
        with pytest.raises(RetryAfter):
            await bot.send_message(CHANNEL, "2")
        now[0] = 1.0
        await bot.send_message(CHANNEL, "2")
    assert fake.texts(CHANNEL) == ["1", "2"]
    assert fake.rate_limited == [(CHANNEL, 1.0)]


async def test_real_application_runs_against_the_fake(world: FakeTelegram) -> None:
    seen: list[str] = []
    done = asyncio.Event()

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"hi {context.args}")

    async def auto_forward(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        seen.append(f"copy {update.effective_message.forward_origin.message_id}")  # type: ignore[union-attr]
        done.set()

    app = (
        ApplicationBuilder()
        .token(world.token)
        .request(FakeBotAPIRequest(world))
        .get_updates_request(FakeBotAPIRequest(world))
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.IS_AUTOMATIC_FORWARD, auto_forward))
    world.send_private(USER, "/start 你好")
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        await app.bot.send_message(CHANNEL, "post", link_preview_options=LinkPreviewOptions(True))
        await asyncio.wait_for(done.wait(), 10)
        for _ in range(200):
            if world.texts(USER):
                break
            await asyncio.sleep(0.02)
        await app.updater.stop()
        await app.stop()
    assert world.texts(USER) == ["hi ['你好']"]
    assert seen == ["copy 1"]
    assert any(c.method == "deleteWebhook" for c in world.calls)


async def test_forward_copy_and_inline_keyboards(world: FakeTelegram, fake_bot: Bot) -> None:  # noqa: F811
    admin = 900
    world.add_user(admin, "Admin")
    question = world.send_private(USER, "这篇文章的来源是？")
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Reply", callback_data="fb:1")]])
    forwarded = await fake_bot.forward_message(admin, USER, question["message_id"])
    assert forwarded.forward_origin is not None
    assert forwarded.forward_origin.sender_user.id == USER  # type: ignore[attr-defined]
    copied = await fake_bot.copy_message(admin, USER, question["message_id"], reply_markup=keyboard)
    records = world.sent_to(admin)
    assert [r.method for r in records] == ["forwardMessage", "copyMessage"]
    assert records[1].forwarded_from == (USER, question["message_id"])
    assert records[1].reply_markup == keyboard.to_dict()
    assert records[1].text == "这篇文章的来源是？"
    await fake_bot.edit_message_reply_markup(admin, copied.message_id, reply_markup=None)
    assert "reply_markup" not in (world.message(admin, copied.message_id) or {})
    with pytest.raises(BadRequest, match=r"(?i)forward not found"):
        await fake_bot.forward_message(admin, USER, 999)
    bad = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="y" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await fake_bot.send_message(admin, "x", reply_markup=bad)


async def test_a_second_poller_terminates_the_first(world: FakeTelegram, fake_bot: Bot) -> None:  # noqa: F811
    first = asyncio.create_task(fake_bot.get_updates(timeout=2))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(fake_bot.get_updates(timeout=0))
    with pytest.raises(Conflict, match=r"(?i)terminated by other getUpdates"):
        await first
    assert await second == ()


async def test_webhook_set_and_delete(world: FakeTelegram, fake_bot: Bot) -> None:  # noqa: F811
    assert await fake_bot.set_webhook("https://bot.example/hook", secret_token="s3")
    assert world.webhook == {"url": "https://bot.example/hook", "secret_token": "s3"}
    assert (await fake_bot.get_webhook_info()).url == "https://bot.example/hook"
    world.allow_http_webhook = False
    with pytest.raises(BadRequest, match=r"(?i)https url"):
        await fake_bot.set_webhook("http://bot.example/hook")
    assert await fake_bot.delete_webhook()
    assert world.webhook is None
