"""A publisher process for the crash test: posts everything queued, then exits 0.

    python -m tests.fakes.publisher_driver DATABASE_URL BASE_URL TOKEN

Prints "ready" once connected, so the test knows sending is about to start. Runs the
real Publisher with the test renderer, fast pacing and a one-second lease.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import timedelta

from telegram import Bot

from bot.deliver.pacing import PacingConfig
from bot.deliver.publisher import Publisher, PublisherSettings
from storage import deliveries
from storage.db import open_database
from tests.fakes.posts import simple_render

PACING = PacingConfig(
    per_chat_per_second=20, per_group_per_minute=100_000, global_per_second=1000, margin=1.0
)
SETTINGS = PublisherSettings(lease=timedelta(seconds=1), backoff_base=0.2, backoff_max=1.0)


async def main(database_url: str, base_url: str, token: str) -> int:
    db = await open_database(database_url, migrate=False)
    try:
        async with Bot(token, base_url=base_url) as bot:
            publisher = Publisher(db, bot, simple_render, pacing=PACING, settings=SETTINGS)
            print("ready", flush=True)
            while True:
                await publisher.run_once()
                async with db.begin() as conn:
                    states = await deliveries.count_by_state(conn)
                if not states.get(deliveries.PENDING):
                    break
                await asyncio.sleep(0.05)
    finally:
        await db.close()
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(*sys.argv[1:4])))
