"""Storage for the feedback relay and comments, on every backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.models import Article
from storage import articles, comments
from storage import feedback as fb
from storage.db import Database

T0 = datetime(2025, 3, 1, 8, 0, tzinfo=UTC)


async def test_feedback_relay_keys_and_answers(db: Database) -> None:
    async with db.begin() as conn:
        first = await fb.add_feedback(
            conn, user_id=42, user_name="Ann", chat_id=42, message_id=7, text="太长了", now=T0
        )
        group = await fb.add_feedback(
            conn,
            user_id=43,
            user_name=None,
            chat_id=-1001,
            message_id=9,
            text="typo in para 2",
            now=T0 + timedelta(minutes=1),
        )
        assert first.from_private_chat and not group.from_private_chat
        await fb.set_admin_message(conn, first.id, -500, 77)
        await fb.set_admin_message(conn, group.id, -500, 78)
    async with db.begin() as conn:
        found = await fb.find_by_admin_message(conn, -500, 77)
        assert found is not None and found.id == first.id and found.text == "太长了"
        assert await fb.find_by_admin_message(conn, -500, 79) is None
        assert await fb.find_by_admin_message(conn, -501, 77) is None
        assert [f.id for f in await fb.list_open(conn)] == [first.id, group.id]
        assert await fb.count_open(conn) == 2
        reply = await fb.record_answer(
            conn, first.id, admin_id=1, text="fixed", now=T0 + timedelta(hours=1)
        )
        assert reply.feedback_id == first.id
        await fb.record_answer(
            conn, first.id, admin_id=2, text="再看看", now=T0 + timedelta(hours=2)
        )
    async with db.begin() as conn:
        answered = await fb.get_feedback(conn, first.id)
        assert answered is not None
        assert answered.answered_by == 2 and answered.answered_at == T0 + timedelta(hours=2)
        assert [r.text for r in await fb.replies_for(conn, first.id)] == ["fixed", "再看看"]
        assert [f.id for f in await fb.list_open(conn)] == [group.id]
        assert await fb.count_open(conn) == 1
        assert await fb.get_feedback(conn, 9999) is None


async def test_comments_latest_and_edits(db: Database) -> None:
    async with db.begin() as conn:
        article_id = await articles.insert_article(conn, Article(title="T"))
        other_id = await articles.insert_article(conn, Article(title="U"))
        for i in range(5):
            assert await comments.save_comment(
                conn,
                article_id=article_id,
                chat_id=-1002,
                message_id=100 + i,
                user_id=10 + i,
                user_name=f"u{i}",
                text=f"comment {i}",
                now=T0 + timedelta(minutes=i),
            )
        await comments.save_comment(
            conn, article_id=other_id, chat_id=-1002, message_id=200, text="elsewhere", now=T0
        )
        edited = await comments.save_comment(
            conn, article_id=article_id, chat_id=-1002, message_id=104, text="comment 4 (edited)"
        )
        assert edited is False
    async with db.begin() as conn:
        latest = await comments.latest_comments(conn, article_id, limit=3)
        assert [c.text for c in latest] == ["comment 2", "comment 3", "comment 4 (edited)"]
        assert latest[0].user_id == 12 and latest[0].created_at == T0 + timedelta(minutes=2)
        assert await comments.count_comments(conn, article_id) == 5
        assert await comments.count_comments(conn) == 6
