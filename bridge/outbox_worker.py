"""What the outbox's delivery workers share (bridge/mailer.py, bridge/webhook_sender.py): a
pool of worker connections, a round of work again and again, woken by a NOTIFY on kassa_events
(written with the events) and otherwise every `poll` seconds, so events are delivered without
the wake-up too. A worker says what a round is; a round that may have left work runs again at
once. A round that fails on the database or the network is logged and tried again.

`serve(worker, port)` runs a worker as its process: GET /health answers 200 while the database
answers, with whether it listens and the worker's counts (what it delivered and failed).
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping

import asyncpg
from aiohttp import web

CHANNEL = "kassa_events"


def positive_number(env: Mapping[str, str], name: str, default: str, kind=float):
    """A worker setting: the variable's value, else the default; ValueError naming the variable
    when it is not a number above zero."""
    try:
        value = kind(env.get(name) or default)
    except ValueError:
        raise ValueError(f"{name}: not a number: {env[name]!r}") from None
    if value <= 0:
        raise ValueError(f"{name}: must be above zero, not {value}")
    return value


class OutboxWorker:
    def __init__(self, database_url: str, poll: float, pool_size: int, log: logging.Logger) -> None:
        self.database_url, self.poll, self.pool_size, self.log = database_url, poll, pool_size, log
        self.pool: asyncpg.Pool | None = None
        self.listener: asyncpg.Connection | None = None
        self.wake = asyncio.Event()
        self.loop_task: asyncio.Task | None = None

    async def round(self) -> bool:
        """One round of work; True when there may be more to do at once."""
        raise NotImplementedError

    def counts(self) -> dict[str, int]:
        """What /health reports besides the status: what this worker did since it started."""
        return {}

    async def start(self, app: web.Application) -> None:
        self.pool = await asyncpg.create_pool(self.database_url, min_size=1, max_size=self.pool_size)
        await self.listen()
        self.loop_task = asyncio.get_running_loop().create_task(self.run())

    async def stop(self, app: web.Application) -> None:
        self.loop_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self.loop_task  # its connections back in the pool before the pool closes
        if self.listening:
            await self.listener.close()
        await self.pool.close()

    @property
    def listening(self) -> bool:
        return self.listener is not None and not self.listener.is_closed()

    async def listen(self) -> None:
        """LISTEN on kassa_events; on failure the loop polls and tries again each round."""
        try:
            self.listener = await asyncpg.connect(self.database_url)
            await self.listener.add_listener(CHANNEL, lambda *_: self.wake.set())
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            self.log.warning("cannot LISTEN on %s (polling only until it can): %s", CHANNEL, error)
            self.listener = None

    async def run(self) -> None:
        while True:
            self.wake.clear()
            try:
                if not self.listening:
                    await self.listen()
                busy = await self.round()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                self.log.warning("delivery round failed, trying again: %s", error)
                busy = False
            if not busy:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), timeout=self.poll)

    async def health(self, request: web.Request) -> web.Response:
        await self.pool.fetchval("SELECT 1")
        return web.json_response({"status": "ok", "listening": self.listening, **self.counts()})

    def app(self) -> web.Application:
        app = web.Application()
        app.on_startup.append(self.start)
        app.on_cleanup.append(self.stop)
        app.router.add_get("/health", self.health)
        return app


def serve(worker: OutboxWorker, port: int) -> None:
    # Warnings and errors only: an access log line for every health check would bury them.
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    web.run_app(worker.app(), host="127.0.0.1", port=port, print=None)
