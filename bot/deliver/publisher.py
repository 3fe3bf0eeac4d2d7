"""The publisher: takes due deliveries from the outbox and posts them, part by part.

Different chats go out concurrently, one chat strictly in order. Each part is
recorded (its own short transaction) the moment Telegram answers, so after a
crash the delivery resumes at the first unsent part: no post is lost, and at most
the one part in flight at the crash can be sent twice. Flood waits pause only the
chat they came from; network trouble backs off and retries, never drops.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from telegram import Bot
from telegram.error import TelegramError

from bot.deliver.clock import Clock, SystemClock
from bot.deliver.fallback import strip_entities
from bot.deliver.pacing import Pacer, PacingConfig
from bot.deliver.plan import PlainFn, Plan, kind_for
from bot.deliver.telegram_send import Classified, Failure, classify, send_part
from bot.models import Article, OutgoingMessage
from bot.routing import topics
from bot.routing.sending import SendOptions, send_options
from storage import articles, chats, deliveries, messages, routes
from storage.db import Database
from storage.deliveries import Delivery

log = logging.getLogger(__name__)

RenderFn = Callable[[Article, Mapping[str, Any]], list[OutgoingMessage]]
"""Article and the route's options → the post's messages (same input, same output)."""
NotifyFn = Callable[[str], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class PublisherSettings:
    batch: int = 50  # chats started per tick
    lease: timedelta = timedelta(minutes=5)
    backoff_base: float = 5.0  # seconds; doubles per attempt
    backoff_max: float = 900.0
    max_length: int = 4096
    preview_last_part: bool = False
    max_attempts: int = 8  # rejections (400s at the plainest form) before giving up


class Publisher:
    """Sends the outbox. `tick()` starts work; `join()` waits for it; `drain()` stops."""

    def __init__(
        self,
        db: Database,
        bot: Bot,
        render: RenderFn,
        *,
        plain: PlainFn = strip_entities,
        pacing: PacingConfig | None = None,
        notify: NotifyFn | None = None,
        clock: Clock | None = None,
        settings: PublisherSettings | None = None,
    ) -> None:
        self._db = db
        self._bot = bot
        self._render = render
        self._plain = plain
        self._pacer = Pacer(pacing or PacingConfig())
        self._notify = notify
        self._clock = clock or SystemClock()
        self._settings = settings or PublisherSettings()
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._stopping = False
        self._claim_lock = asyncio.Lock()
        self._stop_event = asyncio.Event()

    @property
    def busy_chats(self) -> frozenset[int]:
        return frozenset(self._workers)

    async def tick(self) -> int:
        """Claim due deliveries for idle chats and start sending them; returns how many."""
        if self._stopping:
            return 0
        async with self._claim_lock, self._db.begin() as conn:
            claimed = await deliveries.claim_due_deliveries(
                conn,
                limit=self._settings.batch,
                lease=self._settings.lease,
                now=self._clock.now(),
                exclude_chats=frozenset(self._workers),
            )
        started = 0
        for delivery in claimed:
            task = asyncio.create_task(self._run_chat(delivery), name=f"deliver:{delivery.chat_id}")
            self._workers[delivery.chat_id] = task
            started += 1
        return started

    async def join(self) -> None:
        """Wait until every chat started so far has nothing more to send now."""
        while self._workers:
            await asyncio.gather(*list(self._workers.values()), return_exceptions=True)

    async def run_once(self) -> int:
        """Send everything due now, then return the number of deliveries started."""
        started = await self.tick()
        await self.join()
        return started

    async def drain(self) -> None:
        """Graceful stop: let each chat finish the part in flight, release the rest."""
        self._stopping = True
        self._stop_event.set()
        await self.join()

    stop = drain

    # ---- one chat ---------------------------------------------------------------

    async def _run_chat(self, delivery: Delivery) -> None:
        key = delivery.chat_id
        try:
            current: Delivery | None = delivery
            while current is not None:
                if self._stopping:  # claimed, not begun: free it now, not when the lease ends
                    async with self._db.begin() as conn:
                        await deliveries.release(conn, current.id)
                    break
                if not await self._deliver(current):
                    break
                current = await self._claim_next(current.chat_id)
        except Exception:
            log.exception("delivery worker for chat %s failed", key)
        finally:
            self._workers.pop(key, None)

    async def _claim_next(self, chat_id: int) -> Delivery | None:
        async with self._claim_lock, self._db.begin() as conn:
            found = await deliveries.claim_due_deliveries(
                conn, limit=1, lease=self._settings.lease, now=self._clock.now(), chat_id=chat_id
            )
        return found[0] if found else None

    async def _deliver(self, delivery: Delivery) -> bool:
        """Send the delivery's unsent parts; True when the chat may go on to its next one."""
        loaded = await self._load(delivery)
        if loaded is None:
            return True
        plan, index, send = loaded
        first_chat = chat_id = delivery.chat_id
        while index < len(plan.messages):
            if self._stopping:
                async with self._db.begin() as conn:
                    await deliveries.release(conn, delivery.id)
                return False
            message = plan.messages[index]
            if not await self._pace(chat_id):
                continue  # stopping: the check above releases the delivery
            try:
                message_id = await send_part(
                    self._bot,
                    chat_id,
                    message,
                    preview=self._preview(plan, index),
                    link_preview=send.link_preview(
                        last=index == len(plan.messages) - 1, default=self._preview(plan, index)
                    ),
                    thread_id=send.thread_id,
                )
            except TelegramError as exc:
                if send.thread_id is not None and topics.topic_gone(exc):
                    thread_id = await topics.recover(
                        self._db, self._bot, delivery.route_id, chat_id, self._notify
                    )
                    if thread_id is None:
                        return False
                    send = replace(send, thread_id=thread_id)
                    continue
                failure = classify(exc, has_photo=bool(message.photo))
                step = await self._on_failure(delivery, plan, index, failure)
                if step is None:
                    return False
                index, chat_id = step
                continue
            await self._record(delivery, chat_id, message_id, index + 1, plan.level_at(index))
            index += 1
        async with self._db.begin() as conn:
            await deliveries.mark_done(conn, delivery.id, now=self._clock.now())
        log.info(
            "delivered article %s to chat %s (%d parts, delivery %s)",
            delivery.article_id,
            chat_id,
            len(plan.messages),
            delivery.id,
        )
        return chat_id == first_chat  # after a migration the new chat starts afresh

    async def _load(self, delivery: Delivery) -> tuple[Plan, int, SendOptions] | None:
        """The delivery's plan and the index of its first unsent part."""
        async with self._db.begin() as conn:
            article = await articles.get_article(conn, delivery.article_id)
            route = await routes.get_route(conn, delivery.route_id) if delivery.route_id else None
            sent = await messages.messages_for_delivery(conn, delivery.id)
        if article is None:
            await self._give_up(delivery, "article no longer stored")
            return None
        if route is None or not route.active:
            await self._hold(delivery, route is None)
            return None
        options: Mapping[str, Any] = route.options if route else {}
        try:
            base = self._render(article, options)
        except Exception as exc:  # a renderer bug must not kill the worker or drop the post
            log.exception("rendering article %s failed", delivery.article_id)
            await self._rejected(delivery, Classified(Failure.REJECTED, f"render failed: {exc}"))
            return None
        if not base:
            await self._give_up(delivery, "the article rendered to no message")
            return None
        max_length = int(options.get("max_length", self._settings.max_length))
        plan = Plan.resume(
            base,
            [(m.part, m.kind) for m in sent],
            max_length=max_length,
            plain=self._plain,
        )
        index = max((m.part for m in sent), default=0)
        send = await topics.resolve(self._db, self._bot, route, send_options(options, article.url))
        return plan, index, send

    def _preview(self, plan: Plan, index: int) -> bool:
        return self._settings.preview_last_part and index == len(plan.messages) - 1

    async def _pace(self, chat_id: int) -> bool:
        """Wait until the pacer books this chat's next message; False if stopped meanwhile."""
        try:
            while True:
                now = self._clock.monotonic()
                slot = self._pacer.reserve(chat_id, now)
                if slot.booked:
                    return True
                if not await self._sleep(slot.at - now):
                    return False
        finally:
            self._pacer.withdraw(chat_id)

    async def _sleep(self, seconds: float) -> bool:
        """Sleep, cut short by drain(); False when stopping."""
        if self._stopping:
            return False
        sleeper = asyncio.ensure_future(self._clock.sleep(seconds))
        stopper = asyncio.ensure_future(self._stop_event.wait())
        try:
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            stopper.cancel()
        return not self._stopping

    async def _record(
        self, delivery: Delivery, chat_id: int, message_id: int, part: int, level: int
    ) -> None:
        now = self._clock.now()
        async with self._db.begin() as conn:
            await messages.record_message(
                conn,
                chat_id=chat_id,
                message_id=message_id,
                article_id=delivery.article_id,
                part=part,
                delivery_id=delivery.id,
                kind=kind_for(level),
                now=now,
            )
            await deliveries.extend_lease(conn, delivery.id, lease=self._settings.lease, now=now)

    # ---- failures ---------------------------------------------------------------

    async def _on_failure(
        self, delivery: Delivery, plan: Plan, index: int, failure: Classified
    ) -> tuple[int, int] | None:
        """Handle a failed part: (index, chat) to go on with, or None to stop this chat."""
        chat_id = delivery.chat_id
        log.warning(
            "send failed: article %s chat %s part %d: %s (%s)",
            delivery.article_id,
            chat_id,
            index + 1,
            failure.kind.value,
            failure.detail,
        )
        kind = failure.kind
        if kind is Failure.MEDIA:
            message = plan.messages[index]
            plan.messages[index] = OutgoingMessage(message.text, message.entities)
            return (index if message.text.strip() else index + 1), chat_id
        if kind in (Failure.TOO_LONG, Failure.FORMAT, Failure.REJECTED):
            if plan.escalate(index):
                return index, chat_id
            await self._rejected(delivery, failure)
            return None
        if kind is Failure.MIGRATED and failure.new_chat_id is not None:
            await self._migrate(delivery, failure.new_chat_id)
            return index, failure.new_chat_id
        if kind is Failure.FORBIDDEN:
            await self._forbidden(delivery, failure)
            return None
        if kind is Failure.RETRY_AFTER:
            self._pacer.pause_chat(chat_id, self._clock.monotonic() + failure.retry_after)
            at = self._clock.now() + timedelta(seconds=failure.retry_after)
        else:
            at = self._clock.now() + timedelta(seconds=self._backoff(delivery.attempts))
        async with self._db.begin() as conn:
            await deliveries.retry_later(conn, delivery.id, at=at, error=failure.detail)
        return None

    def _backoff(self, attempts: int) -> float:
        exponent = min(max(attempts - 1, 0), 20)
        return min(self._settings.backoff_max, self._settings.backoff_base * float(2**exponent))

    async def _rejected(self, delivery: Delivery, failure: Classified) -> None:
        """Even the plainest form was refused: retry later, give up after max_attempts
        rejections (flood waits and network retries do not count)."""
        if delivery.rejections + 1 >= self._settings.max_attempts:
            await self._give_up(delivery, failure.detail)
            return
        at = self._clock.now() + timedelta(seconds=self._backoff(delivery.rejections + 1))
        async with self._db.begin() as conn:
            await deliveries.reject_later(conn, delivery.id, at=at, error=failure.detail)

    async def _hold(self, delivery: Delivery, removed: bool) -> None:
        """The route was removed (drop quietly) or paused (park until it is resumed)."""
        async with self._db.begin() as conn:
            if removed:
                await deliveries.mark_failed(
                    conn, delivery.id, "route removed", now=self._clock.now()
                )
            else:
                await deliveries.pause_route_deliveries(
                    conn, delivery.route_id or 0, "route paused"
                )
        log.info(
            "not posting article %s to chat %s: route %s",
            delivery.article_id,
            delivery.chat_id,
            "removed" if removed else "paused",
        )

    async def _give_up(self, delivery: Delivery, reason: str) -> None:
        async with self._db.begin() as conn:
            await deliveries.mark_failed(conn, delivery.id, reason, now=self._clock.now())
        log.error(
            "delivery %s of article %s to chat %s failed: %s",
            delivery.id,
            delivery.article_id,
            delivery.chat_id,
            reason,
        )
        await self._tell_admins(
            f"Could not post article {delivery.article_id} to chat {delivery.chat_id}: {reason}"
        )

    async def _forbidden(self, delivery: Delivery, failure: Classified) -> None:
        chat_id = delivery.chat_id
        reason = f"bot cannot post: {failure.detail}"
        async with self._db.begin() as conn:
            paused = 0
            for route in await routes.list_routes(conn):
                if route.chat_id == chat_id and route.active:
                    paused += int(await routes.pause_route(conn, route.id, reason))
            await deliveries.pause_chat_deliveries(conn, chat_id, reason)
        await self._tell_admins(
            f"Paused {paused} route(s) to chat {chat_id}: {failure.detail}. "
            f"Add the bot back, then send /resumechat {chat_id} "
            f"(or run `chatwire routes resume {chat_id}`); the held posts follow."
        )

    async def _migrate(self, delivery: Delivery, new_chat_id: int) -> None:
        old = delivery.chat_id
        async with self._db.begin() as conn:
            moved = await routes.move_chat(conn, old, new_chat_id)
            await chats.move_chat_info(conn, old, new_chat_id)
        self._pacer.forget(old)
        delivery.chat_id = new_chat_id
        log.info("chat %s became %s: %d route(s) moved", old, new_chat_id, moved)
        await self._tell_admins(f"Chat {old} became supergroup {new_chat_id}; routes moved.")

    async def _tell_admins(self, text: str) -> None:
        if self._notify is None:
            return
        try:
            await self._notify(text)
        except Exception:
            log.exception("could not notify admins: %s", text)
