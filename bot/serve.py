"""`chatwire run`: the bot in polling or webhook mode until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import signal
from dataclasses import dataclass
from urllib.parse import urlsplit

from telegram import Update

from bot.config import Settings
from bot.runtime import Runtime, runtime

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Webhook:
    url: str
    listen: str = "0.0.0.0"
    port: int = 8443

    @property
    def path(self) -> str:
        return urlsplit(self.url).path.lstrip("/")


def parse_listen(text: str) -> tuple[str, int]:
    """'HOST:PORT' or 'PORT' → (host, port), with a clear error."""
    host, _, port = text.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ValueError(f"--listen must be HOST:PORT or PORT, not {text!r}")
    return host or "0.0.0.0", int(port)


def webhook_secret(token: str) -> str:
    """A secret Telegram echoes on every webhook call; derived, so restarts agree."""
    return hashlib.sha256(f"chatwire-webhook:{token}".encode()).hexdigest()[:64]


async def _start_updates(rt: Runtime, token: str, webhook: Webhook | None) -> None:
    updater = rt.app.updater
    assert updater is not None
    if webhook is None:
        await updater.start_polling(drop_pending_updates=False, allowed_updates=Update.ALL_TYPES)
        log.info("polling for updates")
        return
    await updater.start_webhook(
        listen=webhook.listen,
        port=webhook.port,
        url_path=webhook.path,
        webhook_url=webhook.url,
        secret_token=webhook_secret(token),
        allowed_updates=Update.ALL_TYPES,
        drop_pending_updates=False,
    )
    log.info("webhook listening on %s:%s for %s", webhook.listen, webhook.port, webhook.url)


START_RETRY_FIRST = 1.0
START_RETRY_MAX = 60.0


async def serve(
    settings: Settings,
    *,
    webhook: Webhook | None = None,
    metrics_port: int | None = None,
    metrics_host: str = "127.0.0.1",
    receive_updates: bool = True,
    retry_first: float = START_RETRY_FIRST,
    retry_max: float = START_RETRY_MAX,
) -> int:
    """Run until a signal; then finish the part in flight and stop cleanly.

    While the database or the Bot API cannot be reached at start, retry with
    backoff, one WARNING line per attempt, instead of dying: a bot started with
    its database or network still coming up just starts a little later.
    """
    from telegram.error import InvalidToken, NetworkError

    from storage.db import DatabaseUnavailable, safe_url

    token = settings.require_token()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    log.info(
        "chatwire starting: database %s (CHATWIRE_HOME %s)",
        safe_url(settings.stored_database_url()),
        settings.home,
    )
    delay = retry_first
    attempt = 0
    while not stop.is_set():
        attempt += 1
        started = False
        try:
            async with runtime(settings, token=token) as rt:
                started = True
                await _run_until(
                    rt, token, stop, webhook, metrics_port, metrics_host, receive_updates
                )
            break
        except InvalidToken:
            raise
        except (DatabaseUnavailable, NetworkError) as exc:
            if started:
                raise
            from bot.errors import describe_error

            what = str(exc) if isinstance(exc, DatabaseUnavailable) else describe_error(exc)[1]
            log.warning("start attempt %d failed: %s; retrying in %.0f s", attempt, what, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, retry_max)
    log.info("stopped")
    return 0


async def _run_until(
    rt: Runtime,
    token: str,
    stop: asyncio.Event,
    webhook: Webhook | None,
    metrics_port: int | None,
    metrics_host: str,
    receive_updates: bool,
) -> None:
    if receive_updates:
        await _start_updates(rt, token, webhook)
    else:
        log.info("worker mode: polling feeds and publishing; not receiving updates")
    await rt.app.start()
    http = None
    if metrics_port is not None:
        from bot.httpd import start_http  # tornado and prometheus only when asked for

        http = start_http(
            rt.db,
            rt.metrics,
            port=metrics_port,
            address=metrics_host,
            max_age=rt.job_max_age(),
        )
    log.info("chatwire is running; stop with Ctrl-C or SIGTERM")
    await stop.wait()
    log.info("stopping: finishing the messages in flight")
    if http is not None:
        http.stop()
    assert rt.app.updater is not None
    if rt.app.updater.running:
        await rt.app.updater.stop()
    await rt.app.stop()
