"""Reader feedback and the admins' answers: the relay's memory across restarts.

A feedback row remembers where the reader wrote (to answer there) and which
message the bot posted in the admin chat (so an admin's reply finds it again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from storage.async_engine import AsyncConnection
from storage.schema import feedback, feedback_replies
from storage.types import utcnow


@dataclass(slots=True)
class Feedback:
    id: int
    user_id: int
    user_name: str | None
    chat_id: int
    message_id: int | None
    article_id: int | None
    text: str
    admin_chat_id: int | None
    admin_message_id: int | None
    created_at: datetime
    answered_at: datetime | None
    answered_by: int | None
    message_thread_id: int | None = None  # the forum topic the reader wrote in

    @property
    def from_private_chat(self) -> bool:
        """Private chats have positive ids; the reader has started the bot there."""
        return self.chat_id > 0


@dataclass(slots=True)
class FeedbackReply:
    id: int
    feedback_id: int
    admin_id: int
    text: str
    created_at: datetime


def _feedback(row: sa.Row[Any]) -> Feedback:
    return Feedback(**row._asdict())


async def add_feedback(
    conn: AsyncConnection,
    *,
    user_id: int,
    user_name: str | None,
    chat_id: int,
    text: str,
    message_id: int | None = None,
    article_id: int | None = None,
    message_thread_id: int | None = None,
    now: datetime | None = None,
) -> Feedback:
    result = await conn.execute(
        feedback.insert()
        .values(
            user_id=user_id,
            user_name=user_name,
            chat_id=chat_id,
            message_id=message_id,
            article_id=article_id,
            message_thread_id=message_thread_id,
            text=text,
            created_at=now or utcnow(),
        )
        .returning(*feedback.c)
    )
    return _feedback(result.one())


async def get_feedback(conn: AsyncConnection, feedback_id: int) -> Feedback | None:
    row = (await conn.execute(feedback.select().where(feedback.c.id == feedback_id))).first()
    return _feedback(row) if row else None


async def set_admin_message(
    conn: AsyncConnection, feedback_id: int, admin_chat_id: int, admin_message_id: int
) -> None:
    """Remember the admin-chat copy, the key an admin's reply is matched by."""
    await conn.execute(
        feedback.update()
        .where(feedback.c.id == feedback_id)
        .values(admin_chat_id=admin_chat_id, admin_message_id=admin_message_id)
    )


async def find_by_admin_message(
    conn: AsyncConnection, admin_chat_id: int, admin_message_id: int
) -> Feedback | None:
    row = (
        await conn.execute(
            feedback.select().where(
                feedback.c.admin_chat_id == admin_chat_id,
                feedback.c.admin_message_id == admin_message_id,
            )
        )
    ).first()
    return _feedback(row) if row else None


async def record_answer(
    conn: AsyncConnection,
    feedback_id: int,
    *,
    admin_id: int,
    text: str,
    now: datetime | None = None,
) -> FeedbackReply:
    """Store an admin's answer and mark the feedback answered (by the latest admin)."""
    now = now or utcnow()
    await conn.execute(
        feedback.update()
        .where(feedback.c.id == feedback_id)
        .values(answered_at=now, answered_by=admin_id)
    )
    result = await conn.execute(
        feedback_replies.insert()
        .values(feedback_id=feedback_id, admin_id=admin_id, text=text, created_at=now)
        .returning(*feedback_replies.c)
    )
    return FeedbackReply(**result.one()._asdict())


async def replies_for(conn: AsyncConnection, feedback_id: int) -> list[FeedbackReply]:
    rows = await conn.execute(
        feedback_replies.select()
        .where(feedback_replies.c.feedback_id == feedback_id)
        .order_by(feedback_replies.c.id)
    )
    return [FeedbackReply(**row._asdict()) for row in rows]


async def list_open(conn: AsyncConnection, *, limit: int = 20) -> list[Feedback]:
    """Unanswered feedback, oldest first: the queue admins work through."""
    rows = await conn.execute(
        feedback.select()
        .where(feedback.c.answered_at.is_(None))
        .order_by(feedback.c.created_at, feedback.c.id)
        .limit(limit)
    )
    return [_feedback(row) for row in rows]


async def count_open(conn: AsyncConnection) -> int:
    query = sa.select(sa.func.count()).select_from(feedback).where(feedback.c.answered_at.is_(None))
    return int((await conn.execute(query)).scalar_one())
