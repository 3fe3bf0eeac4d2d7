"""/healthz and /metrics over HTTP, for load balancers, systemd and Prometheus."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
import tornado.httpserver
import tornado.web

from bot.metrics import Metrics
from storage.db import Database

log = logging.getLogger(__name__)


class _Base(tornado.web.RequestHandler):
    def initialize(self, db: Database, metrics: Metrics, max_age: dict[str, float]) -> None:
        self.db = db
        self.metrics = metrics
        self.max_age = max_age


class HealthHandler(_Base):
    """200 when the database answers and every job ticked recently; 503 says what is wrong."""

    async def get(self) -> None:
        problems = [f"job {job} has not run" for job in self.metrics.stale_jobs(self.max_age)]
        try:
            async with self.db.begin() as conn:
                await conn.execute(sa.text("SELECT 1"))
        except Exception as exc:
            problems.append(f"database: {type(exc).__name__}")
        self.set_status(503 if problems else 200)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish("\n".join(problems) + "\n" if problems else "ok\n")


class MetricsHandler(_Base):
    async def get(self) -> None:
        self.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        self.finish(await self.metrics.exposition(self.db))


def start_http(
    db: Database,
    metrics: Metrics,
    *,
    port: int,
    address: str = "127.0.0.1",
    max_age: dict[str, float],
) -> tornado.httpserver.HTTPServer:
    """Listen on `address:port` in the running event loop; stop() the result to close."""
    args: dict[str, Any] = {"db": db, "metrics": metrics, "max_age": max_age}
    app = tornado.web.Application(
        [(r"/healthz", HealthHandler, args), (r"/metrics", MetricsHandler, args)]
    )
    server = app.listen(port, address)
    log.info("health and metrics on http://%s:%s/healthz and /metrics", address, port)
    return server
