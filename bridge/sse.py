"""The SSE gateway: one LISTEN connection, many Server-Sent-Events clients.

NOTIFY payloads carry ids only ({tenant_id, customer_id}); the gateway reads the current
balance itself and sends it only to clients whose token covers that customer. A client
authenticates with the same JWT as PostgREST (`Authorization: Bearer` or `?token=`). Event ids
number each stream's own events (1, 2, …); missed events are not replayed (Last-Event-ID is
not read): a client that reconnects reads the balance afresh.

A stream ends when its token expires, when its tenant is suspended or its customer closed
(NOTIFY on kassa_access), and when the gateway stops. When the LISTEN connection is lost (a
PostgreSQL restart), the gateway connects again, retrying every second, and listens anew.
"""
from __future__ import annotations

import asyncio
import itertools
import json
import logging
import time
from dataclasses import dataclass, field
from typing import Iterator
from urllib.parse import urlsplit

import asyncpg
from aiohttp import web

from bridge import claims as api_tokens
from bridge.answers import HTTP_CODES
from bridge.config import Config

CHANNEL = "kassa_balance"
ACCESS_CHANNEL = "kassa_access"  # internal.notify_access_ended: a tenant suspended, a customer closed
RECONNECT_EVERY_S = 1.0

log = logging.getLogger("kassa.sse")


@dataclass(eq=False)
class Client:
    claims: dict
    queue: asyncio.Queue = field(default_factory=asyncio.Queue)  # events' data; None ends the stream
    # Event ids count this stream's own events: one counter for the whole gateway would let a
    # client count every other client's events between two of its own.
    event_ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))


class Gateway:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.clients: set[Client] = set()
        self.pool: asyncpg.Pool | None = None
        self.listener: asyncpg.Connection | None = None
        self.reconnecting: asyncio.Task | None = None

    async def start(self, app: web.Application) -> None:
        self.pool = await asyncpg.create_pool(self.config.worker_database_url, min_size=1, max_size=4)
        await self.listen()

    async def listen(self) -> None:
        self.listener = await asyncpg.connect(self.config.worker_database_url)
        self.listener.add_termination_listener(self.on_listener_lost)
        await self.listener.add_listener(CHANNEL, self.on_notify)
        await self.listener.add_listener(ACCESS_CHANNEL, self.on_access_ended)

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
            return

    async def end_streams(self, app: web.Application) -> None:
        """Shutting down: every open stream ends now rather than holding the shutdown up."""
        for client in self.clients:
            client.queue.put_nowait(None)

    async def stop(self, app: web.Application) -> None:
        if self.reconnecting is not None:
            self.reconnecting.cancel()
        self.listener.remove_termination_listener(self.on_listener_lost)
        await self.listener.close()
        await self.pool.close()

    def on_notify(self, connection, pid, channel, payload: str) -> None:
        asyncio.get_running_loop().create_task(self.fan_out(json.loads(payload)))

    def on_access_ended(self, connection, pid, channel, payload: str) -> None:
        ended = json.loads(payload)
        for client in self.clients:
            if client.claims.get("tenant_id") == ended["tenant_id"] and (
                    ended["customer_id"] is None or client.claims.get("customer_id") == ended["customer_id"]):
                client.queue.put_nowait(None)  # ends the stream

    async def fan_out(self, ids: dict) -> None:
        interested = [client for client in self.clients if covers(client.claims, ids)]
        if not interested:
            return
        row = await self.pool.fetchrow(
            "SELECT balance, currency FROM internal.account_balance($1, $2)",
            ids["tenant_id"], ids["customer_id"])
        event = {**ids, "balance": row["balance"], "currency": row["currency"]}
        for client in interested:
            client.queue.put_nowait(event)


GATEWAY = web.AppKey("gateway", Gateway)  # the app's one gateway, for its handlers


def covers(claims: dict, ids: dict) -> bool:
    if claims.get("tenant_id") != ids["tenant_id"]:
        return False
    return claims.get("role") == "staff" or claims.get("customer_id") == ids["customer_id"]


async def read_claims(request: web.Request) -> dict:
    """The token's claims, through the bridge's one door (bridge/claims.py); raises Refused."""
    gateway = request.app[GATEWAY]
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
    await response.prepare(request)
    client = Client(claims)
    gateway.clients.add(client)
    try:
        await response.write(b": connected\n\n")
        # The stream lasts as long as its token: the client reconnects with a fresh one.
        while (left := claims["exp"] - time.time()) > 0:
            try:
                event = await asyncio.wait_for(client.queue.get(), timeout=min(15, left))
            except asyncio.TimeoutError:
                await response.write(b": keep-alive\n\n")
                continue
            if event is None:  # the gateway stops, the tenant was suspended or the customer closed
                break
            await response.write(f"id: {next(client.event_ids)}\nevent: balance\ndata: {json.dumps(event)}\n\n".encode())
    except ConnectionResetError:
        pass  # the client went away: an ordinary end of a stream, nothing to log
    finally:
        gateway.clients.discard(client)
    return response


async def health(request: web.Request) -> web.Response:
    gateway = request.app[GATEWAY]
    if gateway.reconnecting is not None and not gateway.reconnecting.done():  # events would be lost
        return web.json_response({"status": "listening again"}, status=503)
    await gateway.pool.fetchval("SELECT 1")
    return web.json_response({"status": "ok", "clients": len(gateway.clients)})


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
