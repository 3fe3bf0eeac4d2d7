"""Feedback and comments through the real Application and the fake Bot API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.models import Article
from storage import articles as articles_store
from storage import comments, messages
from storage import feedback as fb
from storage.db import Database
from tests.test_feedback_support import (
    ADMIN,
    ADMIN_CHAT,
    ANONYMOUS_BOT,
    CHANNEL,
    GROUP,
    OTHER_READER,
    READER,
    SECOND_ADMIN,
    World,
    make_settings,
    make_world,
)


@pytest.fixture
async def world(db: Database) -> AsyncIterator[World]:
    async with make_world(db) as built:
        yield built


async def publish(world: World, title: str) -> tuple[int, int, int]:
    """The bot posts an article to the channel: (article id, channel post id, group copy id)."""
    async with world.db.begin() as conn:
        article_id = await articles_store.insert_article(
            conn, Article(title=title, url=f"https://news.example/{title}")
        )
    sent = await world.app.bot.send_message(CHANNEL, f"{title}\n\nbody")
    async with world.db.begin() as conn:
        await messages.record_message(
            conn, chat_id=CHANNEL, message_id=sent.message_id, article_id=article_id, part=0
        )
    await world.run()  # the discussion copy arrives as an update
    copy_id = world.fake.automatic_forwards[(CHANNEL, sent.message_id)]
    return article_id, sent.message_id, copy_id


async def feedback_row(world: World, feedback_id: int) -> fb.Feedback:
    async with world.db.begin() as conn:
        found = await fb.get_feedback(conn, feedback_id)
    assert found is not None
    return found


async def test_private_round_trip_two_rounds(world: World) -> None:
    await world.private(READER, "/feedback 第二段有个错别字：“的地得”。", language_code="zh-hans")
    assert world.texts(READER) == ["谢谢！你的反馈 #1 已转交编辑。"]
    card = world.last(ADMIN_CHAT)
    assert card.text is not None
    assert card.text.startswith("Feedback #1 from Reader @reader1 (id 2001)")
    assert "From: private chat" in card.text and "第二段有个错别字：“的地得”。" in card.text
    assert (await feedback_row(world, 1)).admin_message_id == card.message_id

    await world.private(ADMIN, "/feedback_open")
    assert "#1" in world.last(ADMIN).body and "第二段" in world.last(ADMIN).body

    await world.group(ADMIN_CHAT, ADMIN, "Thanks, fixed now.", reply_to=card.message_id)
    answer = world.last(READER)
    assert answer.text == "编辑对您的反馈 #1 的回复：\n\nThanks, fixed now."
    assert world.last(ADMIN_CHAT).body == (
        "Sent to Reader in private; feedback #1 marked answered."
    )
    first = await feedback_row(world, 1)
    assert first.answered_by == ADMIN and first.answered_at is not None

    # Round two: the reader answers the answer; a different (anonymous) admin replies with a photo.
    await world.private(READER, "还有第三段。", reply_to=answer.message_id, language_code="zh")
    assert world.last(READER).body == "谢谢！你的反馈 #2 已转交编辑。"
    second_card = world.last(ADMIN_CHAT)
    assert second_card.text is not None and "Follow-up to #1" in second_card.text
    assert second_card.reply_to == card.message_id
    second = await feedback_row(world, 2)
    assert second.answered_at is None and second.chat_id == READER

    photo = [{"file_id": "p1", "file_unique_id": "up1", "width": 10, "height": 10}]
    await world.raw_message(
        ADMIN_CHAT,
        sender=ANONYMOUS_BOT,
        sender_chat={"id": ADMIN_CHAT, "type": "supergroup", "title": "Editors"},
        reply_to=second_card.message_id,
        photo=photo,
        caption="见截图",
    )
    assert world.last(READER).text == "编辑对您的反馈 #2 的回复：\n\n[photo] 见截图"
    answered = await feedback_row(world, 2)
    assert answered.answered_by == ADMIN_CHAT
    async with world.db.begin() as conn:
        assert [r.text for r in await fb.replies_for(conn, 2)] == ["[photo] 见截图"]
        assert await fb.count_open(conn) == 0

    # A second admin may answer the same thread again.
    await world.group(ADMIN_CHAT, SECOND_ADMIN, "One more note.", reply_to=card.message_id)
    assert world.last(READER).body.endswith("One more note.")
    assert (await feedback_row(world, 1)).answered_by == SECOND_ADMIN

    await world.private(ADMIN, "/feedback_open")
    assert world.last(ADMIN).body == "No unanswered feedback."
    assert not world.fake.used_parse_mode


async def test_group_feedback_links_post_and_is_answered_in_the_group(world: World) -> None:
    article_id, post_id, copy_id = await publish(world, "Budget")
    asked = await world.group(
        GROUP, OTHER_READER, "/feedback The headline is wrong", reply_to=copy_id
    )
    assert world.last(GROUP).body.startswith("Thank you! Your feedback #1")
    card = world.last(ADMIN_CHAT).body
    assert f"Post: Budget (article {article_id})" in card
    assert f"Link: https://t.me/news_channel/{post_id}" in card
    assert 'From: group "News chat"' in card
    saved = await feedback_row(world, 1)
    assert saved.article_id == article_id and saved.chat_id == GROUP

    await world.group(
        ADMIN_CHAT, ADMIN, "Corrected, thank you.", reply_to=world.last(ADMIN_CHAT).message_id
    )
    answer = world.last(GROUP)
    assert answer.reply_to == asked["message_id"]
    assert answer.body == "Reply from the editors to your feedback #1:\n\nCorrected, thank you."
    assert "in the group" in world.last(ADMIN_CHAT).body

    # The reader answers in the group: a follow-up on the same article.
    await world.group(
        GROUP, OTHER_READER, "Still wrong in the subtitle", reply_to=answer.message_id
    )
    follow = await feedback_row(world, 2)
    assert follow.article_id == article_id and follow.text == "Still wrong in the subtitle"
    assert "Follow-up to #1" in world.last(ADMIN_CHAT).body

    # Someone else replying to that answer does not hijack the thread.
    await world.group(GROUP, READER, "me too", reply_to=answer.message_id)
    async with world.db.begin() as conn:
        assert await fb.get_feedback(conn, 3) is None


async def test_feedback_usage_limits_and_rate(db: Database) -> None:
    async with make_world(db, settings=make_settings(commands_per_minute=3)) as world:
        await world.private(READER, "/feedback")
        assert world.last(READER).body.startswith("Usage: /feedback")
        await world.private(READER, "/feedback   ", language_code="zh-TW")
        assert world.last(READER).body.startswith("用法：/feedback")
        await world.private(READER, "/feedback " + "x" * 2001)
        assert "limited to 2000 characters (yours has 2001)" in world.last(READER).body
        await world.private(READER, "/feedback hello")
        assert "try again in 60 s" in world.last(READER).body
        world.clock.now += 61
        await world.private(READER, "/feedback hello")
        assert world.last(READER).body.startswith("Thank you! Your feedback #1")
        async with db.begin() as conn:
            assert [f.text for f in await fb.list_open(conn)] == ["hello"]


async def test_non_admin_cannot_answer_and_failed_delivery_is_reported(world: World) -> None:
    await world.private(READER, "/feedback please add RSS for sports")
    card = world.last(ADMIN_CHAT)
    world.fake.add_member(ADMIN_CHAT, OTHER_READER)
    await world.group(ADMIN_CHAT, OTHER_READER, "no", reply_to=card.message_id)
    assert world.last(ADMIN_CHAT).body == "Sorry, only the bot's admins can use this command."
    assert world.texts(READER) == ["Thank you! Your feedback #1 has been passed on to the editors."]

    # An anonymous admin of some other group is not an admin here either.
    await world.raw_message(
        GROUP,
        sender=ANONYMOUS_BOT,
        sender_chat={"id": GROUP, "type": "supergroup", "title": "News chat"},
        text="/stats",
        entities=[{"type": "bot_command", "offset": 0, "length": 6}],
    )
    assert world.last(GROUP).body == "Sorry, only the bot's admins can use this command."

    world.fake.kick_bot(READER)
    await world.group(ADMIN_CHAT, ADMIN, "Will do", reply_to=card.message_id)
    assert world.last(ADMIN_CHAT).body.startswith("Could not deliver to Reader (feedback #1)")
    assert "blocked" in world.last(ADMIN_CHAT).body
    assert (await feedback_row(world, 1)).answered_at is None

    # Replies to other messages in the admin chat are just conversation.
    other = await world.group(ADMIN_CHAT, ADMIN, "lunch?")
    before = len(world.fake.sent)
    await world.group(ADMIN_CHAT, SECOND_ADMIN, "sure", reply_to=other["message_id"])
    assert len(world.fake.sent) == before


async def test_feedback_without_admin_chat_is_stored(db: Database) -> None:
    async with make_world(db, settings=make_settings(admin_chat_id=None)) as world:
        await world.private(READER, "/feedback hi there")
        assert world.last(READER).body.startswith("Thank you!")
        assert world.texts(ADMIN_CHAT) == []
        async with db.begin() as conn:
            assert [f.text for f in await fb.list_open(conn)] == ["hi there"]


async def test_comment_capture(world: World) -> None:
    article_id, _post, copy_id = await publish(world, "Rates")
    async with world.db.begin() as conn:  # what the discussion mapper stores for each copy
        await messages.record_message(
            conn,
            chat_id=GROUP,
            message_id=copy_id,
            article_id=article_id,
            part=0,
            kind=messages.DISCUSSION_COPY,
        )
    first = await world.group(GROUP, READER, "好文章！", reply_to=copy_id)
    await world.raw_message(
        GROUP,
        sender={"id": OTHER_READER, "is_bot": False, "first_name": "Mallory"},
        reply_to=first["message_id"],
        message_thread_id=copy_id,
        text="I disagree",
    )
    await world.group(GROUP, READER, "/summary", reply_to=copy_id)  # a command, not a comment
    await world.group(GROUP, READER, "unrelated chatter")
    await world.raw_message(
        GROUP,
        kind="edited_message",
        message_id=first["message_id"],
        sender={"id": READER, "is_bot": False, "first_name": "Reader"},
        reply_to=copy_id,
        text="好文章！（改）",
    )
    async with world.db.begin() as conn:
        stored = await comments.latest_comments(conn, article_id)
    assert [(c.user_id, c.user_name, c.text) for c in stored] == [
        (READER, "Reader", "好文章！（改）"),
        (OTHER_READER, "Mallory", "I disagree"),
    ]
    # Only the /summary command is answered; comments get no reply.
    assert world.texts(GROUP) == ["Rates\n\nThis article has no body text to summarise."]

    await world.private(ADMIN, f"/comments {article_id}")
    shown = world.last(ADMIN).body
    assert shown.startswith(f"Comments on “Rates” (article {article_id}), latest 2 of 2:")
    assert "Reader: 好文章！（改）" in shown and "Mallory: I disagree" in shown
    await world.private(ADMIN, f"/comments https://t.me/news_channel/{_post}")
    assert world.last(ADMIN).body == shown
    await world.private(ADMIN, "/comments 999")
    assert world.last(ADMIN).body == "No post found for '999'."
    await world.private(READER, f"/comments {article_id}")
    assert world.last(READER).body == "Sorry, only the bot's admins can use this command."
