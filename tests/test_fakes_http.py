"""The fake served over real HTTP behaves like the in-process one, through PTB's httpx."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot, InputMediaPhoto, MessageEntity, Update
from telegram.error import BadRequest, Forbidden, NetworkError
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes

from bot.standin import FakeTelegram, RunningServer
from tests.fakes.plugin import fake_telegram, http_fake_telegram  # noqa: F401

CHANNEL, USER = -1001, 42


async def test_http_fake_round_trip(
    fake_telegram: FakeTelegram,  # noqa: F811
    http_fake_telegram: RunningServer,  # noqa: F811
) -> None:
    fake_telegram.add_channel(CHANNEL, "频道")
    fake_telegram.add_user(USER, "Bo")
    bot = Bot(fake_telegram.token, base_url=http_fake_telegram.base_url)
    async with bot:
        assert bot.username == fake_telegram.bot.username
        text = " 前后空格 kept  "
        sent = await bot.send_message(CHANNEL, text, entities=[MessageEntity("bold", 1, 4)])
        assert sent.text == text
        await bot.send_photo(CHANNEL, b"\x89PNG bytes", caption="上传")
        await bot.send_media_group(
            CHANNEL, [InputMediaPhoto("https://e.x/a.jpg"), InputMediaPhoto(b"\x89PNG")]
        )
        with pytest.raises(BadRequest, match=r"(?i)too long"):
            await bot.send_message(CHANNEL, "x" * 4097)
        fake_telegram.fail_next(CHANNEL, "timeout")
        with pytest.raises(NetworkError):
            await bot.send_message(CHANNEL, "dropped")
        fake_telegram.kick_bot(USER)
        with pytest.raises(Forbidden, match=r"(?i)blocked"):
            await bot.send_message(USER, "x")
        fake_telegram.send_private(USER, "/start")
        updates = await bot.get_updates(timeout=1)
        assert [u.message.text for u in updates if u.message] == ["/start"]
    records = fake_telegram.sent_to(CHANNEL)
    assert [r.body for r in records] == [text, "上传", "", ""]
    assert records[0].entities == [{"type": "bold", "offset": 1, "length": 4}]
    assert records[1].photo == "upload:photo"
    assert records[3].photo is not None and records[3].photo.startswith("upload:")


async def test_real_application_polls_the_http_fake(
    fake_telegram: FakeTelegram,  # noqa: F811
    http_fake_telegram: RunningServer,  # noqa: F811
) -> None:
    fake_telegram.add_user(USER, "Bo")
    replied = asyncio.Event()

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("欢迎")
        replied.set()

    app = (
        ApplicationBuilder()
        .token(fake_telegram.token)
        .base_url(http_fake_telegram.base_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    fake_telegram.send_private(USER, "/start")
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        await app.start()
        await asyncio.wait_for(replied.wait(), 10)
        await app.updater.stop()
        await app.stop()
    assert fake_telegram.texts(USER) == ["欢迎"]
