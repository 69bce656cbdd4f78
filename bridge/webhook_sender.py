"""The webhook worker: the outbox's events to the tenants' own systems over HTTP (docs/messages.md,
"Webhooks").

`python -m bridge.webhook_sender` (started by `kassa up`). Each round fans new events out into
deliveries, one per enabled endpoint whose filter takes the event (internal.fan_out_webhooks),
claims the deliveries that are due (internal.claim_webhook_deliveries: leased, so a worker that
dies leaves them to another after the lease), posts each one, signed per the Standard Webhooks
scheme, and records the attempt (internal.record_webhook_attempt decides what follows: delivered,
the next attempt of the retry schedule, failed, or the endpoint disabled). Several workers may
run at once: the claims skip what another worker holds. A NOTIFY on kassa_events wakes the loop;
it also polls every KASSA_WEBHOOK_POLL_SECONDS. Once an hour it purges the delivery log older
than KASSA_WEBHOOK_LOG_RETENTION_DAYS.

Requests never reach a private, loopback or link-local address unless the tenant is allowed one:
the host is resolved once, and only the addresses let through are connected to
(bridge/outbound.py); redirects are not followed (an answer 3xx is a failed attempt).

GET /health on KASSA_WEBHOOKS_URL's port answers 200 while the database answers, with what this
worker delivered and failed since it started.
"""
from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import hmac
import logging
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import aiohttp
import asyncpg
from aiohttp import web

from bridge import outbound
from bridge.outbox_worker import OutboxWorker, positive_number, serve

BATCH = 100  # events fanned out per endpoint, and deliveries claimed and posted at once, per round
ANSWER_BYTES = 1000  # how much of an answer the delivery log keeps
PURGE_EVERY = 3600.0  # seconds between purges of the delivery log
# Standard Webhooks' suggestion, about three days in all: the delay before each attempt.
DEFAULT_SCHEDULE = "0,5,300,1800,7200,18000,36000,50400,72000,86400"
log = logging.getLogger("kassa.webhooks")


@dataclass(frozen=True)
class SenderConfig:
    worker_database_url: str
    health_port: int
    poll: float  # seconds between rounds without a NOTIFY
    lease: timedelta  # how long a claimed delivery is this worker's before another may send it
    timeout: float  # seconds a receiver has to answer
    schedule: list[timedelta]  # the delay before each attempt; after the last, the delivery fails
    disable_after: timedelta  # an endpoint failing this long without a success is disabled
    retention: timedelta  # how long the delivery log is kept

    @classmethod
    def from_environment(cls, env: Mapping[str, str] = os.environ) -> SenderConfig:
        """Raises ValueError naming the variable that is not a positive number."""
        def number(name: str, default: str) -> float:
            return positive_number(env, name, default)

        schedule_text = env.get("KASSA_WEBHOOK_RETRY_SCHEDULE") or DEFAULT_SCHEDULE
        try:
            schedule = [timedelta(seconds=float(delay)) for delay in schedule_text.split(",")]
        except ValueError:
            raise ValueError(f"KASSA_WEBHOOK_RETRY_SCHEDULE: not a list of seconds: {schedule_text!r}") from None
        if any(delay < timedelta(0) for delay in schedule):
            raise ValueError(f"KASSA_WEBHOOK_RETRY_SCHEDULE: no delay may be negative: {schedule_text!r}")
        timeout = number("KASSA_WEBHOOK_TIMEOUT_SECONDS", "15")
        lease = number("KASSA_WEBHOOK_LEASE_SECONDS", "60")
        if lease <= timeout:
            raise ValueError(f"KASSA_WEBHOOK_LEASE_SECONDS ({lease}) must be longer than the timeout ({timeout})")
        return cls(worker_database_url=env["KASSA_WORKER_DATABASE_URL"],
                   health_port=urlsplit(env["KASSA_WEBHOOKS_URL"]).port,
                   poll=number("KASSA_WEBHOOK_POLL_SECONDS", "2"),
                   lease=timedelta(seconds=lease), timeout=timeout, schedule=schedule,
                   disable_after=timedelta(days=number("KASSA_WEBHOOK_DISABLE_AFTER_DAYS", "5")),
                   retention=timedelta(days=number("KASSA_WEBHOOK_LOG_RETENTION_DAYS", "30")))


def signature(secrets: list[str], message_id: str, timestamp: int, body: bytes) -> str:
    """The webhook-signature header: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` for each
    secret (its base64 part after `whsec_` is the key), space-separated."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    return " ".join("v1," + base64.b64encode(hmac.new(base64.b64decode(secret.removeprefix("whsec_")), signed,
                                                      hashlib.sha256).digest()).decode()
                    for secret in secrets)


def retry_after(answer: aiohttp.ClientResponse) -> timedelta | None:
    """The receiver's Retry-After: seconds or an HTTP date; None without a readable one."""
    value = answer.headers.get("Retry-After", "").strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    with contextlib.suppress(TypeError, ValueError):
        return max(parsedate_to_datetime(value) - datetime.now(timezone.utc), timedelta(0))
    return None


@dataclass
class Attempt:
    """What one POST came to, as internal.record_webhook_attempt takes it."""
    status_code: int | None = None
    latency_ms: int | None = None
    answer: str | None = None
    error: str | None = None
    retry_after: timedelta | None = None


class Sender(OutboxWorker):
    def __init__(self, config: SenderConfig) -> None:
        super().__init__(config.worker_database_url, config.poll, pool_size=4, log=log)
        self.config = config
        self.sessions: dict[bool, aiohttp.ClientSession] = {}  # by the tenant's allow-private flag
        self.next_purge = 0.0
        self.delivered = self.failed = 0

    async def start(self, app: web.Application) -> None:
        for allow_private in (False, True):
            self.sessions[allow_private] = outbound.session(allow_private, self.config.timeout, "Kassa-Webhooks/1",
                                                            connections=BATCH)
        await super().start(app)

    async def stop(self, app: web.Application) -> None:
        await super().stop(app)
        for session in self.sessions.values():
            await session.close()

    def counts(self) -> dict[str, int]:
        return {"delivered": self.delivered, "failed": self.failed}

    async def round(self) -> bool:
        """One fan-out and one batch of posts, at once; True when there may be more to do now."""
        if time.monotonic() >= self.next_purge:
            purged = await self.pool.fetchval("SELECT internal.purge_webhook_log($1)", self.config.retention)
            self.next_purge = time.monotonic() + PURGE_EVERY
            if purged:
                log.warning("purged %s rows of the webhook log older than %s", purged, self.config.retention)
        fanned = await self.pool.fetchval("SELECT internal.fan_out_webhooks($1)", BATCH)
        claimed = await self.pool.fetch("SELECT * FROM internal.claim_webhook_deliveries($1, $2)",
                                        BATCH, self.config.lease)
        # Every post ends (and is recorded, or left to its lease) before a failure ends the round.
        outcomes = await asyncio.gather(*(self.deliver(delivery) for delivery in claimed), return_exceptions=True)
        if errors := [outcome for outcome in outcomes if isinstance(outcome, Exception)]:
            raise errors[0]
        return fanned > 0 or len(claimed) == BATCH

    async def deliver(self, claimed: asyncpg.Record) -> None:
        attempt = await self.post(claimed)
        outcome = await self.pool.fetchval(
            "SELECT internal.record_webhook_attempt($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            claimed["tenant_id"], claimed["delivery_id"], claimed["attempt"], attempt.status_code, attempt.latency_ms,
            attempt.answer, attempt.error, attempt.retry_after, self.config.schedule, self.config.disable_after)
        if outcome == "delivered":
            self.delivered += 1
        else:
            self.failed += 1
            log.warning("webhook %s to %s (attempt %s): %s, %s", claimed["delivery_id"], claimed["url"],
                        claimed["attempt"], attempt.error or f"HTTP {attempt.status_code}", outcome)

    async def post(self, claimed: asyncpg.Record) -> Attempt:
        """One POST of a claimed delivery, signed with each of its endpoint's secrets."""
        message_id, body = str(claimed["delivery_id"]), claimed["body"].encode()
        timestamp = int(time.time())  # the receiver's tolerance is about real time, not the billing clock
        headers = {"Content-Type": "application/json", "webhook-id": message_id, "webhook-timestamp": str(timestamp),
                   "webhook-signature": signature(claimed["secrets"], message_id, timestamp, body)}
        started = time.monotonic()
        try:
            outbound.refuse_address_literal(claimed["url"], claimed["allow_private"])
            session = self.sessions[claimed["allow_private"]]
            async with session.post(claimed["url"], data=body, headers=headers, allow_redirects=False) as answer:
                latency = round((time.monotonic() - started) * 1000)
                # Text as PostgreSQL keeps it: no NUL character, whatever the receiver sent.
                text = (await answer.content.read(ANSWER_BYTES)).decode("utf-8", errors="replace").replace("\0", "\ufffd")
                if 300 <= answer.status < 400:
                    error = f"HTTP {answer.status}: redirect to {answer.headers.get('Location', '?')} not followed"
                else:
                    error = None if 200 <= answer.status < 300 else f"HTTP {answer.status}"
                return Attempt(answer.status, latency, text, error, retry_after(answer) if error else None)
        except outbound.RefusedAddress as refused:
            return Attempt(error=f"refused: {refused}")
        except asyncio.TimeoutError:
            return Attempt(latency_ms=round((time.monotonic() - started) * 1000),
                           error=f"timeout: no answer within {self.config.timeout:g} s")
        except (aiohttp.ClientError, OSError, ValueError) as error:
            return Attempt(latency_ms=round((time.monotonic() - started) * 1000), error=f"{type(error).__name__}: {error}")


if __name__ == "__main__":
    config = SenderConfig.from_environment()
    serve(Sender(config), config.health_port)
