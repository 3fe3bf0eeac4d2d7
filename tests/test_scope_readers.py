"""Answer scope through the real Application and the stand-in Telegram.

A bot serving a public channel and a private one: readers of an unrelated group
or of a private chat must not get the private channel's posts or articles that
were never posted (summary, quotes, listing); members of the private channel may.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from bot.config import Settings
from bot.models import Article
from bot.runtime import Runtime, runtime
from bot.scope import TelegramFacts
from bot.standin import FakeBotAPIRequest, FakeTelegram
from storage import articles, deliveries, feeds, routes
from storage.db import Database
from tests.standin_helpers import process_updates

PUBLIC, PUBLIC_GROUP = -1003000000001, -1003000000002
PRIVATE, PRIVATE_GROUP = -1003000000011, -1003000000012
UNRELATED = -1003000000021
READER, MEMBER, GROUPIE = 7001, 7002, 7003  # GROUPIE writes in the groups

NOT_FOUND = "I have no post for"
CANT_TELL = "can't tell which post"
NOTHING = "Nothing has been posted yet"


def _body(speaker: str, words: str) -> str:
    return (
        f"{speaker} opened the new bridge over the river on Monday.\n\n"
        f'"{words}," {speaker} said at the ceremony.\n\n'
        "Traffic is expected to ease by the summer, officials added."
    )


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class World:
    rt: Runtime
    fake: FakeTelegram
    clock: Clock
    ids: dict[str, int] = field(default_factory=dict)
    posts: dict[int, int] = field(default_factory=dict)

    async def deliver_updates(self) -> None:
        await process_updates(self.rt.app, self.fake)

    async def answer(self, queued: dict[str, Any], chat_id: int) -> str:
        before = len(self.fake.sent_to(chat_id))
        await self.deliver_updates()
        answers = self.fake.sent_to(chat_id)[before:]
        assert answers, "the bot did not answer"
        return "\n".join(a.body for a in answers)

    async def private(self, user_id: int, text: str, **extra: Any) -> str:
        return await self.answer(self.fake.send_private(user_id, text, **extra), user_id)

    async def group(self, chat_id: int, text: str, *, reply_to: int | None = None) -> str:
        queued = self.fake.send_group(chat_id, GROUPIE, text, reply_to=reply_to)
        return await self.answer(queued, chat_id)

    def first_post(self, chat_id: int) -> int:
        """The channel message id of the latest article's post there (its first part)."""
        return self.posts[chat_id]

    async def forward_into_group(self, chat_id: int, channel_id: int, message_id: int) -> int:
        """A reader forwards a channel post into a group; returns the forward's id there."""
        message = self.fake.send_group(chat_id, GROUPIE, "Bridge news")
        message["forward_origin"] = {
            "type": "channel",
            "date": int(time.time()),
            "chat": self.fake.chats[channel_id].to_json(),
            "message_id": message_id,
        }
        await self.deliver_updates()
        return int(message["message_id"])


async def _publish(world: World, chat_id: int, title: str, speaker: str, words: str) -> int:
    rt = world.rt
    before = len(world.fake.sent_to(chat_id))
    article = Article(
        title=title, url=f"https://news.example/{title}", content_markdown=_body(speaker, words)
    )
    async with rt.db.begin() as conn:
        feed = await feeds.add_feed(conn, f"https://news.example/{title.replace(' ', '-')}.xml")
        route = await routes.add_route(conn, feed.id, chat_id)
        article.feed_id = feed.id
        article_id = await articles.insert_article(conn, article)
        await deliveries.enqueue_deliveries(conn, article_id, [route])
    await rt.publisher.run_once()
    world.posts[chat_id] = world.fake.sent_to(chat_id)[before].message_id
    return article_id


@pytest.fixture
async def world(db: Database) -> AsyncIterator[World]:
    fake = FakeTelegram()
    fake.add_channel(PUBLIC, "Open Wire", username="open_wire")
    fake.add_group(PUBLIC_GROUP, "Open Wire chat")
    fake.link_discussion(PUBLIC, PUBLIC_GROUP)
    fake.add_channel(PRIVATE, "Members' Wire")
    fake.add_group(PRIVATE_GROUP, "Members' chat")
    fake.link_discussion(PRIVATE, PRIVATE_GROUP)
    fake.add_group(UNRELATED, "Elsewhere", bot_status="member")
    fake.add_user(READER, "Ada")
    fake.add_user(MEMBER, "Ben")
    fake.add_member(PRIVATE, MEMBER)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        commands_per_minute=500,
        send_per_chat_per_second=100.0,
        send_per_group_per_minute=6000,
        send_global_per_second=1000.0,
    )
    clock = Clock()
    async with runtime(
        settings,
        token=fake.token,
        request=FakeBotAPIRequest(fake),
        updates_request=FakeBotAPIRequest(fake),
        db=db,
        with_jobs=False,
    ) as rt:
        rt.services.telegram_facts = TelegramFacts(clock=clock)
        built = World(rt, fake, clock)
        # Posted before the channel had its discussion group: no copy, only the link counts.
        fake.chats[PRIVATE].linked_chat_id = None
        built.ids["early"] = await _publish(
            built, PRIVATE, "Early notice", "Ines Berg", "We start in the spring"
        )
        fake.chats[PRIVATE].linked_chat_id = PRIVATE_GROUP
        built.ids["public"] = await _publish(
            built, PUBLIC, "Open bridge", "Maria Lopez", "This bridge belongs to everyone"
        )
        built.ids["private"] = await _publish(
            built, PRIVATE, "Secret budget", "Victor Hale", "The budget stays between us"
        )
        async with rt.db.begin() as conn:  # a first poll's baseline: stored, never posted
            built.ids["baseline"] = await articles.insert_article(
                conn,
                Article(
                    title="Baseline item",
                    content_markdown=_body("Nora Quist", "Nobody was meant to read this"),
                ),
            )
            feed = await feeds.add_feed(conn, "https://news.example/queued.xml")
            route = await routes.add_route(conn, feed.id, PRIVATE)
            built.ids["queued"] = await articles.insert_article(
                conn, Article(title="Queued item", content_markdown=_body("Otto Rank", "Later"))
            )
            await deliveries.enqueue_deliveries(conn, built.ids["queued"], [route])
        await built.deliver_updates()  # the discussion copies
        yield built


async def test_unrelated_group_gets_nothing_private_or_unposted(world: World) -> None:
    hidden = [world.ids[k] for k in ("private", "early", "baseline", "queued")]
    for command in ("/summary", "/quotes"):
        for article_id in hidden:
            assert NOT_FOUND in await world.group(UNRELATED, f"{command} {article_id}")
        link = f"https://t.me/c/{str(PRIVATE)[4:]}/{world.first_post(PRIVATE)}"
        assert NOT_FOUND in await world.group(UNRELATED, f"{command} {link}")
    # A private post forwarded into the group, then asked about by reply: refused too.
    forwarded = await world.forward_into_group(UNRELATED, PRIVATE, world.first_post(PRIVATE))
    refused = await world.group(UNRELATED, "/quotes", reply_to=forwarded)
    assert CANT_TELL in refused and "Victor Hale" not in refused
    # Its own posts: none. The listing and a bare /summary show nothing of other chats.
    assert NOTHING in await world.group(UNRELATED, "/latest")
    assert NOTHING in await world.group(UNRELATED, "/summary")
    # A public channel's post may be asked about from anywhere.
    public = await world.group(UNRELATED, f"/quotes {world.ids['public']}")
    assert public.startswith("Open bridge") and "Maria Lopez" in public


async def test_private_chat_sees_public_channels_only(world: World) -> None:
    hidden = [world.ids[k] for k in ("private", "early", "baseline", "queued")]
    for command in ("/summary", "/quotes"):
        for article_id in hidden:
            assert NOT_FOUND in await world.private(READER, f"{command} {article_id}")
    forwarded = world.fake.send_private(
        READER, "…", forward_from=(PRIVATE, world.first_post(PRIVATE))
    )
    await world.deliver_updates()
    refused = await world.private(READER, "/quotes", reply_to=forwarded["message_id"])
    assert CANT_TELL in refused and "Victor Hale" not in refused

    listing = await world.private(READER, "/latest")
    assert f"{world.ids['public']}. Open bridge" in listing
    assert "Secret budget" not in listing and "Baseline" not in listing and "Queued" not in listing
    # Bare /summary takes the latest post the reader can see, not the newer private one.
    assert (await world.private(READER, "/summary")).startswith("Open bridge")
    by_link = await world.private(
        READER, f"/quotes https://t.me/open_wire/{world.first_post(PUBLIC)}"
    )
    assert "Maria Lopez" in by_link


async def test_member_of_the_private_channel_gets_it_in_private(world: World) -> None:
    private = world.ids["private"]
    quotes = await world.private(MEMBER, f"/quotes {private}")
    assert quotes.startswith("Secret budget") and "Victor Hale" in quotes
    forwarded = world.fake.send_private(
        MEMBER, "…", forward_from=(PRIVATE, world.first_post(PRIVATE))
    )
    await world.deliver_updates()
    summary = await world.private(MEMBER, "/summary", reply_to=forwarded["message_id"])
    assert summary.startswith("Secret budget")
    listing = await world.private(MEMBER, "/latest")
    assert f"{private}. Secret budget" in listing and "Open bridge" in listing
    assert "Baseline" not in listing and "Queued" not in listing
    # Never-posted items stay hidden from members too.
    for article_id in (world.ids["baseline"], world.ids["queued"]):
        assert NOT_FOUND in await world.private(MEMBER, f"/summary {article_id}")

    # Membership is re-checked once the short cache expires.
    world.fake.chats[PRIVATE].member_ids.discard(MEMBER)
    assert "Victor Hale" in await world.private(MEMBER, f"/quotes {private}")  # cached
    world.clock.now += 61
    assert NOT_FOUND in await world.private(MEMBER, f"/quotes {private}")
    assert "Secret budget" not in await world.private(MEMBER, "/latest")


async def test_discussion_group_sees_its_channel(world: World) -> None:
    private = world.ids["private"]
    copy_id = world.fake.automatic_forwards[(PRIVATE, world.first_post(PRIVATE))]
    by_reply = await world.group(PRIVATE_GROUP, "/quotes", reply_to=copy_id)
    assert by_reply.startswith("Secret budget") and "Victor Hale" in by_reply
    assert "Victor Hale" in await world.group(PRIVATE_GROUP, f"/quotes {private}")
    listing = await world.group(PRIVATE_GROUP, "/latest")
    assert f"{private}. Secret budget" in listing
    assert "Open bridge" not in listing  # /latest is the asking chat's own posts
    assert (await world.group(PRIVATE_GROUP, "/summary")).startswith("Secret budget")
    # A post from before the group was linked has no copy here: the link lets it in.
    assert "Ines Berg" in await world.group(PRIVATE_GROUP, f"/quotes {world.ids['early']}")
    assert "Early notice" in listing
    # The public channel's discussion group cannot reach the private channel.
    assert NOT_FOUND in await world.group(PUBLIC_GROUP, f"/summary {private}")
    public_listing = await world.group(PUBLIC_GROUP, "/latest")
    assert "Open bridge" in public_listing and "Secret budget" not in public_listing


async def test_links_learned_from_copies_stand_in_when_getchat_fails(world: World) -> None:
    """Without Telegram's answer the group still reaches its channel through the stored link."""
    world.fake.fail_next(PRIVATE_GROUP, "bad_request", method="getChat", times=5)
    listing = await world.group(PRIVATE_GROUP, "/latest")
    assert f"{world.ids['private']}. Secret budget" in listing
    assert f"{world.ids['early']}. Early notice" in listing
    # …and a failing getChat never makes a private channel public.
    world.fake.fail_next(PRIVATE, "bad_request", method="getChat", times=5)
    assert NOT_FOUND in await world.private(READER, f"/summary {world.ids['private']}")
