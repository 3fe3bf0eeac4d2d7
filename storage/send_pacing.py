"""Send slots shared by every worker process, booked through the database.

Telegram's limits (per chat, per group per minute, overall per second) hold for the
bot, not per process: N workers each pacing themselves would send N times too fast.
Every worker books its sends here instead. A booking locks the single overall row
(so bookings are serialised across processes), checks the chat's own limits and,
when the chat may send, takes the next overall slot (possibly a little in the
future: the caller sleeps until it). Overall slots are handed out evenly spaced in
booking order, so the overall rate never bunches. Times are seconds since the epoch
on the database's clock.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from storage.async_engine import AsyncConnection
from storage.deliveries import database_now
from storage.schema import send_log, send_pacing

OVERALL = 0  # the scope of the overall limit; chat ids are never 0


@dataclass(frozen=True, slots=True)
class Limits:
    overall_spacing: float  # seconds between two sends of the bot
    chat_spacing: float  # seconds between two sends to one chat
    group_limit: int  # sends to one group or channel per window
    group_window: float  # seconds


@dataclass(frozen=True, slots=True)
class Booking:
    """`booked`: send after `wait` seconds (the slot is yours); else ask again after `wait`.

    `slot` is the booked moment (database clock), to give back if it was missed.
    """

    wait: float
    booked: bool
    slot: float = 0.0


async def database_seconds(conn: AsyncConnection) -> float:
    """Seconds since the epoch on the database's clock (this host's, for SQLite)."""
    return (await database_now(conn)).timestamp()


async def _lock_overall(conn: AsyncConnection) -> float:
    """Lock the overall row for this transaction (PostgreSQL row lock, SQLite write lock)."""
    result = await conn.execute(
        send_pacing.update()
        .where(send_pacing.c.scope == OVERALL)
        .values(next_at=send_pacing.c.next_at)
        .returning(send_pacing.c.next_at)
    )
    value = result.scalar_one_or_none()
    if value is None:  # the row the migration inserts was deleted: recreate it
        await conn.execute(send_pacing.insert().values(scope=OVERALL, next_at=0.0))
        return 0.0
    return float(value)


async def _chat_next(conn: AsyncConnection, chat_id: int) -> float | None:
    value = (
        await conn.execute(sa.select(send_pacing.c.next_at).where(send_pacing.c.scope == chat_id))
    ).scalar_one_or_none()
    return None if value is None else float(value)


async def _set_chat_next(conn: AsyncConnection, chat_id: int, at: float, exists: bool) -> None:
    if exists:
        await conn.execute(
            send_pacing.update().where(send_pacing.c.scope == chat_id).values(next_at=at)
        )
    else:
        await conn.execute(send_pacing.insert().values(scope=chat_id, next_at=at))


async def book_send(
    conn: AsyncConnection,
    chat_id: int,
    limits: Limits,
    *,
    is_group: bool,
    missed: float | None = None,
) -> Booking:
    """Book the chat's next send if its own limits allow it now; see the module doc.

    `missed`: the slot this chat booked before but woke too late for (sending late
    would bunch it with the sends booked after it); the chat's own limits forget it.
    """
    overall_next = await _lock_overall(conn)  # first: every booking queues here
    now = await database_seconds(conn)
    if missed is not None:
        await _give_back(conn, chat_id, missed, limits)
    chat_next = await _chat_next(conn, chat_id)
    ready = max(now, chat_next or 0.0)
    if is_group:
        since = now - limits.group_window
        await conn.execute(
            send_log.delete().where(send_log.c.chat_id == chat_id, send_log.c.sent_at <= since)
        )
        recent = (
            (
                await conn.execute(
                    sa.select(send_log.c.sent_at)
                    .where(send_log.c.chat_id == chat_id)
                    .order_by(send_log.c.sent_at)
                )
            )
            .scalars()
            .all()
        )
        if len(recent) >= limits.group_limit:
            ready = max(ready, float(recent[-limits.group_limit]) + limits.group_window)
    if ready > now:
        return Booking(ready - now, booked=False)
    slot = max(now, overall_next)
    await conn.execute(
        send_pacing.update()
        .where(send_pacing.c.scope == OVERALL)
        .values(next_at=slot + limits.overall_spacing)
    )
    await _set_chat_next(conn, chat_id, slot + limits.chat_spacing, chat_next is not None)
    if is_group:
        await conn.execute(send_log.insert().values(chat_id=chat_id, sent_at=slot))
    # The wait from now, not from the start of the booking (the lock may have taken a while).
    return Booking(slot - await database_seconds(conn), booked=True, slot=slot)


async def _give_back(conn: AsyncConnection, chat_id: int, slot: float, limits: Limits) -> None:
    await conn.execute(
        send_pacing.update()
        .where(send_pacing.c.scope == chat_id, send_pacing.c.next_at == slot + limits.chat_spacing)
        .values(next_at=slot)
    )
    await conn.execute(
        send_log.delete().where(send_log.c.chat_id == chat_id, send_log.c.sent_at == slot)
    )


async def pause_chat(conn: AsyncConnection, chat_id: int, seconds: float) -> None:
    """Telegram asked this chat to wait: no worker books it for `seconds`."""
    await _lock_overall(conn)
    until = await database_seconds(conn) + seconds
    current = await _chat_next(conn, chat_id)
    if current is None or current < until:
        await _set_chat_next(conn, chat_id, until, current is not None)


async def forget_chat(conn: AsyncConnection, chat_id: int) -> None:
    """The chat is gone (it migrated to a new id): drop its state."""
    await conn.execute(send_pacing.delete().where(send_pacing.c.scope == chat_id))
    await conn.execute(send_log.delete().where(send_log.c.chat_id == chat_id))
