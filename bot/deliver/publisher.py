"""The publisher: takes due deliveries from the outbox and posts them, part by part.

Different chats go out concurrently, one chat strictly in order. Each part is
recorded (its own short transaction) the moment Telegram answers, so after a
crash the delivery resumes at the first unsent part: no post is lost, and at most
the one part in flight at the crash can be sent twice. Flood waits pause only the
chat they came from; network trouble backs off and retries, never drops.

Several worker processes may share the outbox. Every write for a claimed delivery
names the claim's token and the lease is renewed before each send, so a worker that
stalled past its lease (and was taken over) is refused at its next write and stops:
at most the part it had in flight repeats. Sends are paced through the database
(storage/send_pacing.py), so the limits hold for all workers together; lease and
pacing times come from the database's clock. A post keeps the rendering its first
part went out with; an edit of its article is applied once the post is complete.

With an injected `clock` (tests simulating time) leases use that clock and pacing
is kept in-process (bot/deliver/pacing.py) instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from telegram import Bot
from telegram.error import TelegramError

from bot.deliver.clock import Clock, SystemClock
from bot.deliver.edits import EditRenderFn, edit_part, posted_parts, render_edit
from bot.deliver.fallback import strip_entities
from bot.deliver.pacing import Pacer, PacingConfig, is_group_chat
from bot.deliver.plan import PlainFn, Plan, dump_parts, kind_for, load_parts
from bot.deliver.telegram_send import Classified, Failure, classify, send_part
from bot.models import Article, OutgoingMessage
from bot.routing import topics
from bot.routing.sending import SendOptions, send_options
from storage import articles, chats, deliveries, messages, routes, send_pacing
from storage.async_engine import AsyncConnection
from storage.db import Database
from storage.deliveries import Delivery, LeaseLost

log = logging.getLogger(__name__)

RenderFn = Callable[[Article, Mapping[str, Any]], list[OutgoingMessage]]
"""Article and the route's options → the post's messages (same input, same output)."""
NotifyFn = Callable[[str], Awaitable[None]]
PrepareFn = Callable[[Delivery, Article, Mapping[str, Any]], Awaitable[Article | None]]
"""Delivery, article, route options → the article to post (e.g. its translation), or None
when the hook deferred or held the delivery itself (bot/translate/gate.py)."""


@dataclass(frozen=True, slots=True)
class PublisherSettings:
    batch: int = 50  # chats started per tick
    lease: timedelta = timedelta(minutes=5)
    backoff_base: float = 5.0  # seconds; doubles per attempt
    backoff_max: float = 900.0
    max_length: int = 4096
    preview_last_part: bool = False
    max_attempts: int = 8  # rejections (400s at the plainest form) before giving up


@dataclass(slots=True)
class PublisherCounts:
    """Running totals since start, read by bot/metrics.py."""

    started: int = 0  # deliveries (one article to one chat) whose first part went out
    parts_sent: int = 0  # messages of posts Telegram accepted
    completed: int = 0  # deliveries with every part sent


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
        prepare: PrepareFn | None = None,
        edit_render: EditRenderFn = render_edit,
    ) -> None:
        self._db = db
        self._prepare = prepare
        self._bot = bot
        self._render = render
        self._edit_render = edit_render
        self._plain = plain
        config = pacing or PacingConfig()
        self._pacer = Pacer(config)
        self._limits = send_pacing.Limits(
            overall_spacing=1.0 / (config.global_per_second * config.margin),
            chat_spacing=config.chat_spacing,
            group_limit=config.per_group_per_minute,
            group_window=config.group_window,
        )
        # A booked send later than one overall spacing is given back and booked again:
        # evenly spaced sends leave a window of the overall limit room for one more.
        self._late_limit = max(self._limits.overall_spacing, 0.01)
        self._simulated = clock is not None  # then: leases on `clock`, pacing in-process
        self._notify = notify
        self._clock = clock or SystemClock()
        self._settings = settings or PublisherSettings()
        lease = self._settings.lease.total_seconds()
        # How long PostgreSQL lets a transaction of ours sit idle (see `_begin`): far longer
        # than a healthy worker ever pauses inside one, short enough not to stall the rest.
        self._idle_ms = int(1000 * max(5.0, min(lease / 2, 10.0)))
        self._workers: dict[int, asyncio.Task[None]] = {}
        self._chat_ready: dict[int, float] = {}  # chat → monotonic time of its next send
        self._stopping = False
        self._claim_lock = asyncio.Lock()
        self._stop_event = asyncio.Event()
        self.counts = PublisherCounts()

    @property
    def busy_chats(self) -> frozenset[int]:
        return frozenset(self._workers)

    async def tick(self) -> int:
        """Claim due deliveries for idle chats and start sending them; returns how many."""
        if self._stopping:
            return 0
        now = self._clock.monotonic()
        self._chat_ready = {c: t for c, t in self._chat_ready.items() if t > now}
        async with self._claim_lock, self._begin() as conn:
            claimed = await deliveries.claim_due_deliveries(
                conn,
                limit=self._settings.batch,
                lease=self._settings.lease,
                now=self._wall(),
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

    # ---- transactions and time ----------------------------------------------------

    @asynccontextmanager
    async def _begin(self) -> AsyncIterator[AsyncConnection]:
        """A short transaction. On PostgreSQL the server ends it if this process stalls
        inside it (a frozen process, a VM pause): its row locks and the pacing lock would
        otherwise hold up every other worker until it wakes."""
        async with self._db.begin() as conn:
            if conn.dialect.name == "postgresql":
                await conn.execute(
                    sa.text(f"SET LOCAL idle_in_transaction_session_timeout = {self._idle_ms}")
                )
            yield conn

    def _wall(self) -> datetime | None:
        """The simulated time, or None: the storage layer then asks the database."""
        return self._clock.now() if self._simulated else None

    async def _now(self, conn: AsyncConnection) -> datetime:
        return self._clock.now() if self._simulated else await deliveries.database_now(conn)

    # ---- one chat ---------------------------------------------------------------

    async def _run_chat(self, delivery: Delivery) -> None:
        key = delivery.chat_id
        try:
            current: Delivery | None = delivery
            while current is not None:
                if self._stopping:  # claimed, not begun: free it now, not when the lease ends
                    async with self._begin() as conn:
                        await deliveries.release(conn, current.id, token=current.lease_token)
                    break
                done = await (self._edit(current) if current.is_edit else self._deliver(current))
                if not done:
                    break
                current = await self._claim_next(current.chat_id)
        except LeaseLost as lost:
            log.warning(
                "chat %s: delivery %s was taken over by another worker after this one's "
                "lease ran out; stopping here",
                key,
                lost.delivery_id,
            )
        except Exception:
            log.exception("delivery worker for chat %s failed", key)
        finally:
            self._workers.pop(key, None)

    async def _claim_next(self, chat_id: int) -> Delivery | None:
        async with self._claim_lock, self._begin() as conn:
            found = await deliveries.claim_due_deliveries(
                conn, limit=1, lease=self._settings.lease, now=self._wall(), chat_id=chat_id
            )
        return found[0] if found else None

    async def _deliver(self, delivery: Delivery) -> bool:
        """Send the delivery's unsent parts; True when the chat may go on to its next one."""
        loaded = await self._load(delivery)
        if loaded is None:
            return True
        plan, index, send = loaded
        first_chat = chat_id = delivery.chat_id
        finished = False
        while index < len(plan.messages):
            if self._stopping:
                async with self._begin() as conn:
                    await deliveries.release(conn, delivery.id, token=delivery.lease_token)
                return False
            message = plan.messages[index]
            if not await self._pace(delivery, chat_id):
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
            index += 1
            last = index == len(plan.messages)
            await self._record(delivery, plan, chat_id, message_id, index, last=last)
            self.counts.parts_sent += 1
            if index == 1:  # its first part went out: started (retries and resumptions not)
                self.counts.started += 1
            finished = finished or last
        if not finished:  # every part was recorded before (a crash right after the last)
            async with self._begin() as conn:
                await deliveries.mark_done(
                    conn, delivery.id, now=await self._now(conn), token=delivery.lease_token
                )
        self.counts.completed += 1
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
        async with self._begin() as conn:
            article = await articles.get_article(conn, delivery.article_id)
            route = await routes.get_route(conn, delivery.route_id) if delivery.route_id else None
            sent = await messages.messages_for_delivery(conn, delivery.id)
        if article is None:
            await self._give_up(delivery, "article no longer stored")
            return None
        ad_hoc = delivery.route_id is None and bool(article.extra.get(articles.AD_HOC_POST))
        if not ad_hoc and (route is None or not route.active):  # an admin's /post has no route
            await self._hold(delivery, route is None)
            return None
        options: Mapping[str, Any] = route.options if route else {}
        if self._prepare is not None:
            prepared = await self._prepare(delivery, article, options)
            if prepared is None:
                return None  # waiting for its translation, or held
            article = prepared
        if delivery.rendered is not None:  # resumed: the parts it began with, not a new cut
            base = load_parts(delivery.rendered)
        else:
            try:
                base = self._render(article, options)
            except Exception as exc:  # a renderer bug must not kill the worker or drop the post
                log.exception("rendering article %s failed", delivery.article_id)
                failure = Classified(Failure.REJECTED, f"render failed: {exc}")
                await self._rejected(delivery, failure)
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

    async def _pace(self, delivery: Delivery, chat_id: int) -> bool:
        """Wait for this chat's next send slot, the lease renewed; False if stopped meanwhile.

        Raises LeaseLost when the delivery is no longer ours: nothing more is sent.
        """
        if self._simulated:
            return await self._pace_locally(delivery, chat_id)
        missed: float | None = None
        while True:
            # What this process knows already (its own last send there) spares a booking
            # that could only say "not yet"; the database still decides.
            early = self._chat_ready.get(chat_id, 0.0) - self._clock.monotonic()
            if early > 0 and not await self._sleep(early):
                return False
            async with self._begin() as conn:
                await self._renew(conn, delivery)
                booking = await send_pacing.book_send(
                    conn, chat_id, self._limits, is_group=is_group_chat(chat_id), missed=missed
                )
                booked_at = self._clock.monotonic()
            # The slot is a moment: the commit's own time must not push the send later.
            due = booked_at + booking.wait
            if not await self._sleep(due - self._clock.monotonic()):
                return False
            if not booking.booked:
                missed = None
                continue
            if self._clock.monotonic() - due > self._late_limit:
                # Woken too late (a stalled loop, a slow commit): sent now, this part would
                # bunch with the sends booked after it and break the overall limit.
                missed = booking.slot
                continue
            self._chat_ready[chat_id] = due + self._limits.chat_spacing
            if booking.wait > self._settings.lease.total_seconds() / 4:
                async with self._begin() as conn:  # a long wait: check again
                    await self._renew(conn, delivery)
            return True

    async def _pace_locally(self, delivery: Delivery, chat_id: int) -> bool:
        """The in-process pacer books a send for right now only: renew the lease first."""
        async with self._begin() as conn:
            await self._renew(conn, delivery)
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

    async def _renew(
        self, conn: AsyncConnection, delivery: Delivery, now: datetime | None = None
    ) -> None:
        """Extend the lease; `now` when the caller already read the clock in this transaction."""
        await deliveries.extend_lease(
            conn,
            delivery.id,
            lease=self._settings.lease,
            now=now or self._wall(),
            token=delivery.lease_token,
        )

    async def _pause_chat(self, chat_id: int, seconds: float) -> None:
        """Telegram said RetryAfter for this chat: every worker holds it back."""
        if self._simulated:
            self._pacer.pause_chat(chat_id, self._clock.monotonic() + seconds)
            return
        async with self._begin() as conn:
            await send_pacing.pause_chat(conn, chat_id, seconds)

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
        self,
        delivery: Delivery,
        plan: Plan,
        chat_id: int,
        message_id: int,
        part: int,
        *,
        last: bool,
    ) -> None:
        """Record the part (and, with the first, the rendering) if the delivery is still ours;
        with the last part, the delivery is done in the same transaction.

        A stale worker's message is still mapped to its article (replies to it work),
        but not as the delivery's part; then LeaseLost stops the worker.
        """
        kind = kind_for(plan.level_at(part - 1))
        stored = dump_parts(plan.base) if delivery.rendered is None else None
        try:
            async with self._begin() as conn:
                now = await self._now(conn)  # one clock read for the whole transaction
                await self._renew(conn, delivery, now)
                if stored is not None:
                    await deliveries.store_rendering(
                        conn, delivery.id, stored, token=delivery.lease_token or ""
                    )
                await messages.record_message(
                    conn,
                    chat_id=chat_id,
                    message_id=message_id,
                    article_id=delivery.article_id,
                    part=part,
                    delivery_id=delivery.id,
                    kind=kind,
                    now=now,
                )
                if last:
                    await deliveries.mark_done(
                        conn, delivery.id, now=now, token=delivery.lease_token
                    )
            if stored is not None:
                delivery.rendered = stored
        except (LeaseLost, sa.exc.IntegrityError) as exc:
            async with self._begin() as conn:
                await messages.record_message(
                    conn,
                    chat_id=chat_id,
                    message_id=message_id,
                    article_id=delivery.article_id,
                    part=part,
                    kind=kind,
                    now=await self._now(conn),
                )
            raise LeaseLost(delivery.id) from exc

    # ---- edits --------------------------------------------------------------------

    async def _edit(self, delivery: Delivery) -> bool:
        """Edit a finished post after its article changed; True when the chat may go on."""
        async with self._begin() as conn:
            article = await articles.get_article(conn, delivery.article_id)
            seen = await articles.update_count(conn, delivery.article_id)
            route = await routes.get_route(conn, delivery.route_id) if delivery.route_id else None
            parts = posted_parts(await messages.messages_for_delivery(conn, delivery.id))
        if article is not None and parts:
            options: Mapping[str, Any] = route.options if route else {}
            try:
                rendered = self._edit_render(article, options, len(parts))
            except Exception:
                log.exception("rendering the edit of article %s failed", delivery.article_id)
                rendered = []
            for posted, new in zip(parts, rendered, strict=False):
                if not await self._edit_one(delivery, posted.chat_id, posted.message_id, new):
                    return False
        async with self._begin() as conn:
            await deliveries.finish_edit(
                conn, delivery.id, seen_update=seen, token=delivery.lease_token or ""
            )
        log.info("edited article %s in chat %s", delivery.article_id, delivery.chat_id)
        return True

    async def _edit_one(
        self, delivery: Delivery, chat_id: int, message_id: int, new: OutgoingMessage
    ) -> bool:
        """Edit one part, paced; False when the edit must wait (retry later or stopping)."""
        while True:
            if self._stopping:
                async with self._begin() as conn:
                    await deliveries.release(conn, delivery.id, token=delivery.lease_token)
                return False
            if await self._pace(delivery, chat_id):
                break
        try:
            await edit_part(self._bot, chat_id, message_id, new)
        except TelegramError as exc:
            failure = classify(exc, has_photo=bool(new.photo))
            log.warning(
                "edit failed: article %s chat %s message %s: %s (%s)",
                delivery.article_id,
                chat_id,
                message_id,
                failure.kind.value,
                failure.detail,
            )
            if failure.kind is Failure.RETRY_AFTER:
                await self._pause_chat(chat_id, failure.retry_after)
                await self._retry(delivery, failure.retry_after, failure.detail)
                return False
            if failure.kind is Failure.TRANSIENT:
                await self._retry(delivery, self._backoff(delivery.attempts), failure.detail)
                return False
            # Refused for good (message deleted, chat gone): this part keeps its old text.
        return True

    async def _retry(self, delivery: Delivery, seconds: float, error: str) -> None:
        async with self._begin() as conn:
            at = await self._now(conn) + timedelta(seconds=seconds)
            await deliveries.retry_later(
                conn, delivery.id, at=at, error=error, token=delivery.lease_token
            )

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
            await self._pause_chat(chat_id, failure.retry_after)
            await self._retry(delivery, failure.retry_after, failure.detail)
        else:
            await self._retry(delivery, self._backoff(delivery.attempts), failure.detail)
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
        delay = timedelta(seconds=self._backoff(delivery.rejections + 1))
        async with self._begin() as conn:
            at = await self._now(conn) + delay
            await deliveries.reject_later(
                conn, delivery.id, at=at, error=failure.detail, token=delivery.lease_token
            )

    async def _hold(self, delivery: Delivery, removed: bool) -> None:
        """The route was removed (drop quietly) or paused (park until it is resumed)."""
        async with self._begin() as conn:
            if removed:
                await deliveries.mark_failed(
                    conn,
                    delivery.id,
                    "route removed",
                    now=await self._now(conn),
                    token=delivery.lease_token,
                )
            else:
                await self._renew(conn, delivery)
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
        async with self._begin() as conn:
            await deliveries.mark_failed(
                conn, delivery.id, reason, now=await self._now(conn), token=delivery.lease_token
            )
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
        async with self._begin() as conn:
            await self._renew(conn, delivery)
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
        async with self._begin() as conn:
            await self._renew(conn, delivery)
            moved = await routes.move_chat(conn, old, new_chat_id)
            await chats.move_chat_info(conn, old, new_chat_id)
            if not self._simulated:
                await send_pacing.forget_chat(conn, old)
        self._pacer.forget(old)
        self._chat_ready.pop(old, None)
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
