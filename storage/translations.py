"""Translations of stored articles (one row per article, target and source hash: the job,
its result and the cache at once) and each route's characters translated per day."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from storage.async_engine import AsyncConnection
from storage.db import dialect_insert
from storage.schema import deliveries, messages, routes, translation_usage, translations
from storage.types import utcnow

PENDING = "pending"
DONE = "done"
FAILED = "failed"
HELD = "held"


@dataclass(slots=True)
class TranslationRow:
    id: int
    article_id: int
    target: str
    source_hash: str
    route_id: int | None
    state: str
    title: str | None
    content_html: str | None
    translator: str | None
    chars: int
    attempts: int
    error: str | None
    next_attempt_at: datetime
    lease_until: datetime | None
    created_at: datetime
    updated_at: datetime


def _row(row: sa.Row[Any]) -> TranslationRow:
    return TranslationRow(**row._asdict())


async def get_translation(
    conn: AsyncConnection, article_id: int, target: str, source_hash: str
) -> TranslationRow | None:
    row = (
        await conn.execute(
            translations.select().where(
                translations.c.article_id == article_id,
                translations.c.target == target,
                translations.c.source_hash == source_hash,
            )
        )
    ).first()
    return _row(row) if row else None


async def request_translation(
    conn: AsyncConnection,
    article_id: int,
    target: str,
    source_hash: str,
    *,
    route_id: int | None,
    now: datetime | None = None,
) -> TranslationRow:
    """The translation row, queued now if it did not exist (two requesters make one row)."""
    now = now or utcnow()
    values = {
        "article_id": article_id,
        "target": target,
        "source_hash": source_hash,
        "route_id": route_id,
        "next_attempt_at": now,
        "created_at": now,
        "updated_at": now,
    }
    insert = dialect_insert(conn, translations)
    await conn.execute(insert.values(**values).on_conflict_do_nothing())
    found = await get_translation(conn, article_id, target, source_hash)
    assert found is not None
    return found


async def cached_translation(
    conn: AsyncConnection, target: str, source_hash: str
) -> TranslationRow | None:
    """A finished translation of the same text into the same language, for any article."""
    row = (
        await conn.execute(
            translations.select()
            .where(
                translations.c.target == target,
                translations.c.source_hash == source_hash,
                translations.c.state == DONE,
            )
            .order_by(translations.c.id)
            .limit(1)
        )
    ).first()
    return _row(row) if row else None


async def claim_due(
    conn: AsyncConnection, *, limit: int, lease: timedelta, now: datetime | None = None
) -> list[TranslationRow]:
    """Lease up to `limit` pending translations whose time has come, oldest first."""
    now = now or utcnow()
    free = sa.or_(translations.c.lease_until.is_(None), translations.c.lease_until < now)
    due = (
        sa.select(translations.c.id)
        .where(translations.c.state == PENDING, translations.c.next_attempt_at <= now, free)
        .order_by(translations.c.id)
        .limit(limit)
    )
    if conn.dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    rows = await conn.execute(
        translations.update()
        .where(translations.c.id.in_(due.scalar_subquery()))
        .values(lease_until=now + lease, attempts=translations.c.attempts + 1)
        .returning(*translations.c)
    )
    return sorted((_row(r) for r in rows), key=lambda t: t.id)


async def _set(conn: AsyncConnection, translation_id: int, **values: Any) -> None:
    values.setdefault("updated_at", utcnow())
    await conn.execute(
        translations.update().where(translations.c.id == translation_id).values(**values)
    )


async def finish(
    conn: AsyncConnection,
    translation_id: int,
    *,
    title: str,
    content_html: str,
    translator: str,
    chars: int,
    now: datetime | None = None,
) -> None:
    await _set(
        conn,
        translation_id,
        state=DONE,
        title=title,
        content_html=content_html,
        translator=translator,
        chars=translations.c.chars + chars,
        error=None,
        lease_until=None,
        updated_at=now or utcnow(),
    )


async def fail(conn: AsyncConnection, translation_id: int, error: str, *, chars: int = 0) -> None:
    """No translation: the route's fallback applies."""
    await _set(
        conn,
        translation_id,
        state=FAILED,
        error=error,
        chars=translations.c.chars + chars,
        lease_until=None,
    )


async def retry_later(
    conn: AsyncConnection, translation_id: int, *, at: datetime, error: str, chars: int = 0
) -> None:
    await _set(
        conn,
        translation_id,
        next_attempt_at=at,
        error=error,
        chars=translations.c.chars + chars,
        lease_until=None,
    )


async def mark_held(conn: AsyncConnection, translation_id: int) -> None:
    """A delivery was held for this failure; when it is resumed the translation is retried."""
    await _set(conn, translation_id, state=HELD)


async def requeue(
    conn: AsyncConnection, translation_id: int, *, now: datetime | None = None
) -> None:
    """Try a failed or held translation again from the start."""
    await _set(
        conn,
        translation_id,
        state=PENDING,
        attempts=0,
        error=None,
        next_attempt_at=now or utcnow(),
        lease_until=None,
    )


# ---- per-route daily budget ---------------------------------------------------------


async def usage(conn: AsyncConnection, route_id: int, day: str) -> tuple[int, bool]:
    """(characters translated, admins told) for the route on `day` (YYYY-MM-DD, UTC)."""
    row = (
        await conn.execute(
            sa.select(translation_usage.c.chars, translation_usage.c.notified).where(
                translation_usage.c.route_id == route_id, translation_usage.c.day == day
            )
        )
    ).first()
    return (int(row.chars), bool(row.notified)) if row else (0, False)


async def _ensure_usage(conn: AsyncConnection, route_id: int, day: str) -> None:
    insert = dialect_insert(conn, translation_usage)
    await conn.execute(insert.values(route_id=route_id, day=day).on_conflict_do_nothing())


async def add_usage(conn: AsyncConnection, route_id: int, day: str, chars: int) -> None:
    await _ensure_usage(conn, route_id, day)
    await conn.execute(
        translation_usage.update()
        .where(translation_usage.c.route_id == route_id, translation_usage.c.day == day)
        .values(chars=translation_usage.c.chars + chars)
    )


async def claim_notice(conn: AsyncConnection, route_id: int, day: str) -> bool:
    """True once per route and day: the caller tells the admins the budget is used up."""
    await _ensure_usage(conn, route_id, day)
    result = await conn.execute(
        translation_usage.update()
        .where(
            translation_usage.c.route_id == route_id,
            translation_usage.c.day == day,
            translation_usage.c.notified.is_(False),
        )
        .values(notified=True)
    )
    return bool(result.rowcount)


# ---- the deliveries waiting for a translation ------------------------------------------


async def posted_targets(
    conn: AsyncConnection, article_id: int, chat_ids: Collection[int] | None = None
) -> list[str | None]:
    """The `translate` option of the routes the article was posted through (in `chat_ids`,
    when given); None for a route without translation."""
    query = (
        sa.select(routes.c.options)
        .select_from(
            messages.join(deliveries, deliveries.c.id == messages.c.delivery_id).join(
                routes, routes.c.id == deliveries.c.route_id
            )
        )
        .where(messages.c.article_id == article_id)
    )
    if chat_ids is not None:
        query = query.where(messages.c.chat_id.in_(list(chat_ids)))
    found: list[str | None] = []
    for (options,) in await conn.execute(query):
        target = (options or {}).get("translate")
        value = target if isinstance(target, str) else None
        if value not in found:
            found.append(value)
    return found


async def latest_done(conn: AsyncConnection, article_id: int, target: str) -> TranslationRow | None:
    """The newest finished translation of the article into `target`."""
    row = (
        await conn.execute(
            translations.select()
            .where(
                translations.c.article_id == article_id,
                translations.c.target == target,
                translations.c.state == DONE,
            )
            .order_by(translations.c.id.desc())
            .limit(1)
        )
    ).first()
    return _row(row) if row else None
