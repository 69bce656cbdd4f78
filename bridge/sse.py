"""The SSE gateway: one LISTEN connection, many Server-Sent-Events clients.

Two kinds of event reach a stream, only those its token covers (a customer: their own; staff:
their tenant's):

- `balance`: a live balance. NOTIFY kassa_balance names a tenant and a transaction's start
  (one per tenant and transaction, however many accounts it moved); the gateway reads the
  balances changed since then itself, one read at a time for every tenant named meanwhile (so
  a burst of commits costs a few reads, not one each). No id: a client that reconnects reads
  the balance afresh.
- the outbox's events (docs/events.md), named by their kind (`payment_received`, …), their SSE
  id the event's own uuid (it reveals nothing of other streams or tenants). Woken by NOTIFY
  kassa_events (one per transaction), polled as a fallback, the gateway reads them in order
  (internal.events_after: only below the oldest running transaction, so none is skipped) and
  fans them out. A client that reconnects with `Last-Event-ID` (or `?last_event_id=`) first
  gets what it missed, in order, once, then the live ones; an id it could not have seen, or
  older than RESUME_WINDOW, gets a `reload` event instead (read the state afresh).

A client authenticates with the same JWT as PostgREST (`Authorization: Bearer` or `?token=`), or
a browser with a stream ticket of the portal (`?ticket=`, bridge/stream_tickets.py: valid 30
seconds, once: internal.redeem_stream_ticket; the stream lasts as long as the token it was made
from); a ticket's answer may be read by the pages of the bridge's own origin (CORS), as
EventSource there needs.
A stream ends when its token expires, when its tenant is suspended or its customer closed
(NOTIFY on kassa_access), and when the gateway stops. When the LISTEN connection is lost (a
PostgreSQL restart), the gateway connects again, retrying every second, and listens anew; the
outbox events written meanwhile are read by the next pull, and the balances changed meanwhile
are sent to their streams once it listens again.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import NamedTuple
from urllib.parse import urlsplit

import asyncpg
from aiohttp import web

from bridge import claims as api_tokens, stream_tickets
from bridge.answers import HTTP_CODES
from bridge.config import Config

CHANNEL = "kassa_balance"
ACCESS_CHANNEL = "kassa_access"  # internal.notify_access_ended: a tenant suspended, a customer closed
EVENTS_CHANNEL = "kassa_events"  # one wake-up per transaction that wrote events (db/functions/120_events.sql)
RECONNECT_EVERY_S = 1.0
POLL_EVERY_S = 1.0  # events a long transaction held back, or a wake-up lost with the connection
# Listening again, the balances changed since the last pull, less this, are sent again: a
# transaction that began that much earlier and committed while nobody listened is covered.
CATCH_UP_MARGIN = timedelta(minutes=1)
PULL_BATCH = 500
RESUME_WINDOW = timedelta(hours=24)  # how far back a reconnecting stream is replayed
REPLAY_AT_MOST = 10_000  # beyond that a reconnecting stream is told to reload

log = logging.getLogger("kassa.sse")


class Frame(NamedTuple):
    """One event of a stream: its name, data, SSE id (outbox events only) and place in the
    outbox's order (xact_id, id) to drop what a replay sent already."""
    name: str
    data: dict
    sse_id: str | None = None
    position: tuple[int, int] | None = None

    def encode(self) -> bytes:
        head = f"id: {self.sse_id}\n" if self.sse_id else ""
        return f"{head}event: {self.name}\ndata: {json.dumps(self.data)}\n\n".encode()


RELOAD = Frame("reload", {"reason": "the events since the last one seen are no longer available: read afresh"})


def outbox_frame(row) -> Frame:
    data = {"id": str(row["public_id"]), "kind": row["kind"], "version": row["version"],
            "tenant_id": str(row["tenant_id"]), "customer_id": row["customer_id"] and str(row["customer_id"]),
            "created_at": row["created_at"].isoformat(), "payload": json.loads(row["payload"])}
    return Frame(row["kind"], data, data["id"], (int(row["xact_id"]), row["id"]))


# The outbox read in order; xid8 travels as text (asyncpg has no codec for it).
EVENTS_AFTER = ("SELECT tenant_id, customer_id, public_id, kind, version, payload, created_at, xact_id::text, id"
                "  FROM internal.events_after($1::text::xid8, $2, $3, $4, $5)")


@dataclass(eq=False)
class Client:
    claims: dict
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)  # Frames; None ends the stream


class Gateway:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.clients: dict[str, set[Client]] = {}  # by tenant: an event reaches its tenant's streams only
        self.pool: asyncpg.Pool | None = None
        self.listener: asyncpg.Connection | None = None
        self.reconnecting: asyncio.Task | None = None
        self.cursor: tuple[int, int] = (0, 0)  # the last outbox event fanned out
        self.alive_at: datetime | None = None  # the database's clock at the last pull (or the start)
        self.wake = asyncio.Event()
        self.puller: asyncio.Task | None = None
        self.moved: dict[str, datetime] = {}  # tenants whose balances moved, since when, not read yet
        self.balances_moved = asyncio.Event()
        self.balance_reader: asyncio.Task | None = None

    async def start(self, app: web.Application) -> None:
        self.pool = await asyncpg.create_pool(self.config.worker_database_url, min_size=1, max_size=4)
        row = await self.pool.fetchrow("SELECT xact_id::text, id FROM internal.events_cursor()")
        self.cursor = (int(row["xact_id"]), row["id"])
        self.alive_at = await self.pool.fetchval("SELECT now()")
        await self.listen()
        self.puller = asyncio.get_running_loop().create_task(self.pull_forever())
        self.balance_reader = asyncio.get_running_loop().create_task(self.read_balances_forever())

    async def listen(self) -> None:
        self.listener = await asyncpg.connect(self.config.worker_database_url)
        self.listener.add_termination_listener(self.on_listener_lost)
        await self.listener.add_listener(CHANNEL, self.on_notify)
        await self.listener.add_listener(ACCESS_CHANNEL, self.on_access_ended)
        await self.listener.add_listener(EVENTS_CHANNEL, lambda *_: self.wake.set())
        self.wake.set()  # what was written while the gateway was not listening

    def on_listener_lost(self, connection) -> None:
        if self.reconnecting is None or self.reconnecting.done():
            self.reconnecting = asyncio.get_running_loop().create_task(self.listen_again())

    async def listen_again(self) -> None:
        log.warning("LISTEN connection lost; connecting again")
        while True:
            await asyncio.sleep(RECONNECT_EVERY_S)
            try:
                await self.listen()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("LISTEN connection not back yet: %s", error)
                continue
            log.warning("LISTEN connection back")
            await self.catch_up()
            return

    async def catch_up(self) -> None:
        """The balances NOTIFY told nobody while the gateway was not listening, to their streams
        (a balance sent twice is harmless: it is the state, not a change)."""
        for tenant in list(self.clients):
            self.note_moved(tenant, self.alive_at - CATCH_UP_MARGIN)

    async def end_streams(self, app: web.Application) -> None:
        """Shutting down: every open stream ends now rather than holding the shutdown up."""
        for client in self.every_client():
            client.queue.put_nowait(None)

    async def stop(self, app: web.Application) -> None:
        self.puller.cancel()
        self.balance_reader.cancel()
        if self.reconnecting is not None:
            self.reconnecting.cancel()
        self.listener.remove_termination_listener(self.on_listener_lost)
        await self.listener.close()
        await self.pool.close()

    def on_notify(self, connection, pid, channel, payload: str) -> None:
        moved = json.loads(payload)
        self.note_moved(moved["tenant_id"], datetime.fromisoformat(moved["since"]))

    def note_moved(self, tenant: str, since: datetime) -> None:
        """Balances of the tenant moved since then: read them next (a tenant without streams: never)."""
        if tenant in self.clients:
            self.moved[tenant] = min(since, self.moved.get(tenant, since))
            self.balances_moved.set()

    def on_access_ended(self, connection, pid, channel, payload: str) -> None:
        ended = json.loads(payload)
        for client in self.clients.get(ended["tenant_id"], ()):
            if ended["customer_id"] is None or client.claims.get("customer_id") == ended["customer_id"]:
                client.queue.put_nowait(None)  # ends the stream

    async def read_balances_forever(self) -> None:
        """The balances the notifications named, read and fanned out one batch at a time: those
        that come during a read wait for the next, together."""
        while True:
            await self.balances_moved.wait()
            self.balances_moved.clear()
            moved, self.moved = self.moved, {}
            try:
                await self.fan_out(moved)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("reading balances failed, trying again: %s", error)
                for tenant, since in moved.items():
                    self.note_moved(tenant, since)
                await asyncio.sleep(RECONNECT_EVERY_S)

    async def fan_out(self, moved: dict[str, datetime]) -> None:
        """The balances the tenants' transactions changed since then, to the streams that cover them.
        Queued before the connection goes back to the pool: its reset is one more round trip that
        no stream need wait for."""
        async with self.pool.acquire() as connection:
            rows = await connection.fetch("SELECT tenant_id::text, customer_id, balance, currency"
                                          "  FROM internal.balances_changed_since($1::uuid[], $2::timestamptz[])",
                                          list(moved), list(moved.values()))
            for row in rows:
                frame = Frame("balance", {"tenant_id": row["tenant_id"], "customer_id": str(row["customer_id"]),
                                          "balance": row["balance"], "currency": row["currency"]})
                for client in self.clients.get(row["tenant_id"], ()):
                    if covers(client.claims, frame.data):
                        client.queue.put_nowait(frame)

    async def pull_forever(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self.wake.wait(), timeout=POLL_EVERY_S)
            except asyncio.TimeoutError:
                pass
            self.wake.clear()
            try:
                await self.pull()
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("reading the outbox failed, trying again: %s", error)

    async def pull(self) -> None:
        """Fans out the outbox's events after the cursor, in order."""
        async with self.pool.acquire() as connection:  # fanned out before the pool's reset, as above
            self.alive_at = await connection.fetchval("SELECT now()")
            while True:
                rows = await connection.fetch(EVENTS_AFTER, str(self.cursor[0]), self.cursor[1], PULL_BATCH, None, None)
                for row in rows:
                    frame = outbox_frame(row)
                    self.cursor = frame.position
                    for client in self.clients.get(frame.data["tenant_id"], ()):
                        if covers(client.claims, frame.data):
                            client.queue.put_nowait(frame)
                if len(rows) < PULL_BATCH:
                    return

    def every_client(self) -> list[Client]:
        return [client for tenant in self.clients.values() for client in tenant]

    def add(self, client: Client) -> None:
        self.clients.setdefault(client.claims["tenant_id"], set()).add(client)

    def remove(self, client: Client) -> None:
        tenant = self.clients[client.claims["tenant_id"]]
        tenant.discard(client)
        if not tenant:
            del self.clients[client.claims["tenant_id"]]

    async def missed(self, claims: dict, last_event_id: str) -> list[Frame]:
        """What a reconnecting stream missed since its last event, in order; [RELOAD] when that
        event is not one it could have seen, or too old to replay."""
        try:
            last = uuid.UUID(last_event_id)
        except ValueError:
            return [RELOAD]
        seen = await self.pool.fetchrow("SELECT xact_id::text, id, created_at FROM internal.event_position($1, $2, $3)",
                                        claims["tenant_id"], claims.get("customer_id"), last)
        if seen is None or seen["created_at"] < datetime.now(timezone.utc) - RESUME_WINDOW:
            return [RELOAD]
        rows = await self.pool.fetch(EVENTS_AFTER, seen["xact_id"], seen["id"], REPLAY_AT_MOST + 1,
                                     claims["tenant_id"], claims.get("customer_id"))
        return [RELOAD] if len(rows) > REPLAY_AT_MOST else [outbox_frame(row) for row in rows]


GATEWAY = web.AppKey("gateway", Gateway)  # the app's one gateway, for its handlers


def covers(claims: dict, ids: dict) -> bool:
    if claims.get("tenant_id") != ids["tenant_id"]:
        return False
    return claims.get("role") == "staff" or claims.get("customer_id") == ids["customer_id"]


async def read_claims(request: web.Request) -> dict:
    """The token's claims, through the bridge's one door (bridge/claims.py); raises Refused."""
    gateway = request.app[GATEWAY]
    if "ticket" in request.query:
        ticket = stream_tickets.verified(request.query["ticket"], gateway.config.jwt_keys)
        if not await gateway.pool.fetchval("SELECT internal.redeem_stream_ticket($1::uuid, $2::uuid, to_timestamp($3))",
                                           ticket["tenant_id"], ticket["jti"], float(ticket["exp"])):
            raise stream_tickets.used_already()
        claims = stream_tickets.stream_claims(ticket)
    else:
        token = api_tokens.bearer_token(request.headers.get("Authorization", "")) or request.query.get("token", "")
        claims = api_tokens.verified(token, gateway.config.jwt_keys, ("staff", "customer"))
    try:
        await gateway.pool.execute(f"SELECT {api_tokens.CHECK_CLAIMS}($1::json, $2)", json.dumps(claims), claims["role"])
    except asyncpg.InsufficientPrivilegeError as error:
        raise api_tokens.check_refused(error.message, error.detail, error.hint)
    return claims


@web.middleware
async def error_shape(request: web.Request, handler) -> web.StreamResponse:
    """Every refusal and error in PostgREST's shape, with the bridge's codes (bridge/answers.py)."""
    try:
        return await handler(request)
    except api_tokens.Refused as refused:
        return web.json_response(refused.body(), status=refused.status)
    except web.HTTPException as error:
        if error.status < 400:
            raise
        return web.json_response({"code": HTTP_CODES.get(error.status, "P0B06"), "message": error.reason,
                                  "details": None, "hint": None}, status=error.status)
    except Exception:
        log.exception("unexpected error on %s %s", request.method, request.path)
        return web.json_response({"code": "P0B00", "message": "the gateway could not answer; the error is logged",
                                  "details": None, "hint": None}, status=500)


async def events(request: web.Request) -> web.StreamResponse:
    gateway = request.app[GATEWAY]
    claims = await read_claims(request)
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
    if "ticket" in request.query:  # the portal's pages, on the bridge's origin
        origin = urlsplit(gateway.config.public_url)
        response.headers["Access-Control-Allow-Origin"] = f"{origin.scheme}://{origin.netloc}"
    await response.prepare(request)
    client = Client(claims)
    gateway.add(client)  # first: live events queue up while the missed ones are read
    try:
        await response.write(b": connected\n\n")
        replayed = (0, 0)
        last_event_id = request.headers.get("Last-Event-ID") or request.query.get("last_event_id")
        if last_event_id:
            for frame in await gateway.missed(claims, last_event_id):
                await response.write(frame.encode())
                replayed = frame.position or replayed
        # The stream lasts as long as its token: the client reconnects with a fresh one.
        while (left := claims["exp"] - time.time()) > 0:
            try:
                frame = await asyncio.wait_for(client.queue.get(), timeout=min(15, left))
            except asyncio.TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            if frame is None:  # the gateway stops, the tenant was suspended or the customer closed
                break
            if frame.position is None or frame.position > replayed:  # not sent by the replay
                await response.write(frame.encode())
    except ConnectionResetError:
        pass  # the client went away: an ordinary end of a stream, nothing to log
    finally:
        gateway.remove(client)
    return response


async def health(request: web.Request) -> web.Response:
    gateway = request.app[GATEWAY]
    if gateway.reconnecting is not None and not gateway.reconnecting.done():  # events would be lost
        return web.json_response({"status": "listening again"}, status=503)
    await gateway.pool.fetchval("SELECT 1")
    return web.json_response({"status": "ok", "clients": len(gateway.every_client())})


def make_app(config: Config) -> web.Application:
    app = web.Application(middlewares=[error_shape])
    gateway = Gateway(config)
    app[GATEWAY] = gateway
    app.on_startup.append(gateway.start)
    app.on_shutdown.append(gateway.end_streams)
    app.on_cleanup.append(gateway.stop)
    app.router.add_get("/events", events)
    app.router.add_get("/health", health)
    return app


if __name__ == "__main__":
    config = Config.from_environment()
    address = urlsplit(config.sse_url)
    web.run_app(make_app(config), host="127.0.0.1", port=address.port, print=None)
