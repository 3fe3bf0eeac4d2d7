"""The demo: a local feed, the real poller, formatter and publisher, a stand-in Telegram.

Nothing leaves the machine: the feed is served on 127.0.0.1 and the Bot API is the
in-process stand-in, so the demo needs no account and no network.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from typing import TextIO

import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.config import Settings
from bot.demo.feed import FEED_TITLE, demo_feed
from bot.ingest import manage
from bot.models import Entity, OutgoingMessage
from bot.render.terminal import render_ansi
from bot.runtime import Runtime, runtime
from bot.standin import FakeBotAPIRequest, FakeTelegram, SentRecord

CHANNEL_ID = -1001000000001
GROUP_ID = -1001000000002
ADMIN_CHAT_ID = -1001000000003
READER_ID = 424242
ADMIN_ID = 1001
WAIT_SECONDS = 20.0


class _FeedHandler(tornado.web.RequestHandler):
    def initialize(self, body: bytes) -> None:
        self.body = body

    def get(self) -> None:
        self.set_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.write(self.body)


def _serve_feed() -> tuple[str, tornado.httpserver.HTTPServer]:
    """Serve the demo feed on a free loopback port; returns its URL and the server."""
    sockets = tornado.netutil.bind_sockets(0, "127.0.0.1")
    base = f"http://127.0.0.1:{sockets[0].getsockname()[1]}"
    app = tornado.web.Application([(r"/feed\.xml", _FeedHandler, {"body": demo_feed(base)})])
    server = tornado.httpserver.HTTPServer(app)
    server.add_sockets(sockets)
    return f"{base}/feed.xml", server


def _settings(folder: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=f"sqlite:///{folder}/demo.db",
        admin_ids=frozenset({ADMIN_ID}),
        admin_chat_id=ADMIN_CHAT_ID,
        send_per_chat_per_second=50.0,
        send_per_group_per_minute=3000,
        send_global_per_second=100.0,
    )


def _world(fake: FakeTelegram) -> None:
    fake.add_channel(CHANNEL_ID, "chatwire demo", username="chatwire_demo")
    fake.add_group(GROUP_ID, "chatwire demo · comments")
    fake.link_discussion(CHANNEL_ID, GROUP_ID)
    fake.add_group(ADMIN_CHAT_ID, "chatwire admins")
    fake.add_user(READER_ID, "Lin", "lin_reads")


async def _until(check: Callable[[], bool]) -> None:
    try:
        async with asyncio.timeout(WAIT_SECONDS):
            # The stand-in's state changes in other tasks and threads; polling is simplest.
            while not check():  # noqa: ASYNC110
                await asyncio.sleep(0.05)
    except TimeoutError:
        raise TimeoutError("the demo waited too long for the stand-in Telegram") from None


def _as_message(record: SentRecord) -> OutgoingMessage:
    entities = [
        Entity(e["type"], e["offset"], e["length"], e.get("url"), e.get("language"))
        for e in record.entities
    ]
    return OutgoingMessage(record.body, entities, record.photo)


class _Printer:
    def __init__(self, out: TextIO, color: bool) -> None:
        self.out = out
        self.color = color

    def heading(self, text: str) -> None:
        rule = "═" * 72
        styled = f"\x1b[1;36m{text}\x1b[0m" if self.color else text
        self.out.write(f"\n{rule}\n{styled}\n{rule}\n")

    def note(self, text: str) -> None:
        self.out.write((f"\x1b[2m{text}\x1b[0m" if self.color else text) + "\n")

    def message(self, record: SentRecord, label: str) -> None:
        self.out.write(f"\n── {label} · message {record.message_id} ──\n")
        self.out.write(render_ansi(_as_message(record), color=self.color) + "\n")


async def _publish(rt: Runtime, fake: FakeTelegram, feed_url: str, show: _Printer) -> None:
    added = await manage.add_feed(rt.db, feed_url, chat=CHANNEL_ID, backfill=3)
    show.note(f"feed {added.feed.id} added: {feed_url} → channel @chatwire_demo (backfill 3)")
    report = await rt.poller.run_until_idle()
    show.note(f"polled {report.polled} feed(s): {len(report.new_article_ids)} new article(s)")
    await rt.publisher.run_once()
    show.heading(f"Channel @chatwire_demo, as a reader sees it ({FEED_TITLE})")
    for record in fake.sent_to(CHANNEL_ID):
        show.message(record, "channel post")


async def _ask(fake: FakeTelegram, chat_id: int, send: Callable[[], object]) -> SentRecord:
    before = len(fake.sent_to(chat_id))
    send()
    await _until(lambda: len(fake.sent_to(chat_id)) > before)
    return fake.sent_to(chat_id)[before]


async def _converse(rt: Runtime, fake: FakeTelegram, show: _Printer) -> None:
    posts = fake.sent_to(CHANNEL_ID)
    seed = [r for r in posts if "DeepSeek" in r.body]
    part = seed[1] if len(seed) > 1 else seed[0]
    await _until(lambda: (CHANNEL_ID, part.message_id) in fake.automatic_forwards)
    copy_id = fake.automatic_forwards[(CHANNEL_ID, part.message_id)]

    show.heading("A reader replies to part 2 of the DeepSeek post in the comments: /summary")
    answer = await _ask(
        fake, GROUP_ID, lambda: fake.send_group(GROUP_ID, READER_ID, "/summary", reply_to=copy_id)
    )
    show.message(answer, "bot, in the discussion group")

    show.heading("In a private chat, the reader forwards the post and asks /quotes")
    forwarded = fake.send_private(
        READER_ID, part.body[:64], forward_from=(CHANNEL_ID, part.message_id)
    )
    answer = await _ask(
        fake,
        READER_ID,
        lambda: fake.send_private(READER_ID, "/quotes", reply_to=forwarded["message_id"]),
    )
    show.message(answer, "bot, in private")

    show.heading("The reader sends feedback; an admin answers from the admin chat")
    card = await _ask(
        fake,
        ADMIN_CHAT_ID,
        lambda: fake.send_private(READER_ID, "/feedback 摘要很有用，谢谢！能加上原文链接吗？"),
    )
    show.message(card, "bot, in the admin chat")
    reply = await _ask(
        fake,
        READER_ID,
        lambda: fake.send_group(
            ADMIN_CHAT_ID, ADMIN_ID, "每篇帖子的标题就是原文链接。", reply_to=card.message_id
        ),
    )
    show.message(reply, "bot, to the reader")


async def run_demo(out: TextIO, *, color: bool = False) -> int:
    """Run the whole pipeline once and print what readers would see; 0 on success."""
    show = _Printer(out, color)
    fake = FakeTelegram()
    _world(fake)
    feed_url, server = _serve_feed()
    try:
        with tempfile.TemporaryDirectory(prefix="chatwire-demo-") as folder:
            settings = _settings(folder)
            async with runtime(
                settings,
                token=fake.token,
                request=FakeBotAPIRequest(fake),
                updates_request=FakeBotAPIRequest(fake),
                with_jobs=False,
            ) as rt:
                updater = rt.app.updater
                assert updater is not None
                await updater.start_polling(poll_interval=0.05, timeout=1)
                await rt.app.start()
                try:
                    await _publish(rt, fake, feed_url, show)
                    await _converse(rt, fake, show)
                finally:
                    await updater.stop()
                    await rt.app.stop()
    finally:
        server.stop()
    show.note(
        f"\n{len(fake.sent_to(CHANNEL_ID))} messages posted; "
        f"{'no' if not fake.used_parse_mode else 'SOME'} markup parsing used; demo finished."
    )
    return 0
