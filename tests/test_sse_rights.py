"""An SSE stream lasts only as long as the right that opened it: it ends when its customer is
closed (and, tested with the tenant CLI, when its tenant is suspended). And the gateway
survives a PostgreSQL restart under 500 open streams: it listens again, and no event is lost,
not even one written before it listens again."""
from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import aiohttp
import psycopg
from psycopg.rows import dict_row

from factories import create_customer, create_tenant, open_stream
from kassa import services
from kassa.cluster import Cluster
from kassa.testrun import throwaway
from kassa.tokens import make_token


def test_a_closed_customers_open_stream_ends(settings, db, api, token, tenant):
    leaving = create_customer(db, tenant["id"], "Leaving Soon")
    lines = open_stream(settings.sse_url, token("customer", tenant["id"], leaving["id"]))
    staff = api(token("staff", tenant["id"]))
    closed = staff.rpc("close_customer", customer_id=str(leaving["id"]), reason="moved away")
    assert closed.status_code == 200, closed.text
    assert lines.get(timeout=10) is None, "the stream should end, not deliver"


STREAMS_PER_TENANT, TENANTS = 100, 5


async def read_events(session: aiohttp.ClientSession, url: str, token: str, seen: list, opened: asyncio.Event) -> None:
    """Every event of one stream into `seen`: (name, id, data)."""
    async with session.get(url, headers={"Authorization": f"Bearer {token}"}) as answer:
        fields: dict[str, str] = {}
        async for raw in answer.content:
            line = raw.decode().rstrip("\n")
            if line == ": connected":
                opened.set()
            elif line:
                name, _, value = line.partition(": ")
                fields[name] = value
            elif "data" in fields:
                seen.append((fields.get("event"), fields.get("id"), json.loads(fields["data"])))
                fields = {}


def write_round(settings, customers: list[dict], number: int) -> None:
    """One transaction: an outbox event and a posting of 1.00 for every customer."""
    with psycopg.connect(settings.database_url) as conn:
        for customer in customers:
            conn.execute("SELECT internal.emit(%s, %s, 'restart_test', %s)",
                         [customer["tenant_id"], customer["id"], json.dumps({"round": number})])
            conn.execute("SELECT internal.post_entry(%s, %s, 'adjustment', 100, 'test', %s)",
                         [customer["tenant_id"], customer["id"], f"round-{number}-{customer['id']}"])


async def until(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    return condition()


async def streams_through_a_restart(settings, gateway: services.Service, customers: list[dict]) -> list[list]:
    """500 streams open while PostgreSQL restarts; a round of events before, one written as soon
    as it is back (the gateway still connecting again), one once the gateway listens again."""
    cluster = Cluster(Path(settings.home), settings.ports["postgres"], settings.superuser_password)
    seen: list[list] = [[] for _ in customers]
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        opened = [asyncio.Event() for _ in customers]
        tasks = [asyncio.create_task(read_events(session, settings.sse_url,
                                                 make_token(settings.jwt_secret, "customer", c["tenant_id"], c["id"]),
                                                 events, ready))
                 for c, events, ready in zip(customers, seen, opened)]
        await asyncio.wait_for(asyncio.gather(*(ready.wait() for ready in opened)), timeout=60)

        def every_stream_has(rounds: int) -> bool:
            return all(sum(name == "restart_test" for name, *_ in events) >= rounds for events in seen)

        write_round(settings, customers, 1)
        assert await until(lambda: every_stream_has(1), 30), "round 1 did not reach every stream"
        await asyncio.to_thread(cluster.stop)
        await asyncio.to_thread(cluster.start, fast=True)
        await asyncio.to_thread(write_round, settings, customers, 2)
        assert await until(gateway.healthy, 30), "the gateway did not listen again"
        await asyncio.to_thread(write_round, settings, customers, 3)
        assert await until(lambda: every_stream_has(3), 30), "an event written around the restart was lost"
        await asyncio.sleep(1)  # anything sent twice would have arrived by now
        for task in tasks:
            task.cancel()
    return seen


def test_a_postgresql_restart_under_500_streams_loses_no_event():
    """Outbox events arrive once each and in order; the balance changed while the gateway was
    not listening arrives all the same (sent again once it listens: a balance is a state)."""
    with throwaway("sse-restart-") as settings:
        home = Path(settings.home)
        gateway = next(s for s in services.stack(settings) if s.name == "sse")
        gateway.start(home, settings.environment())
        try:
            gateway.wait_healthy(home)
            with psycopg.connect(settings.database_url, autocommit=True, row_factory=dict_row) as conn:
                customers = []
                for _ in range(TENANTS):
                    tenant = create_tenant(conn)
                    customers += [create_customer(conn, tenant["id"]) for _ in range(STREAMS_PER_TENANT)]
            seen = asyncio.run(streams_through_a_restart(settings, gateway, customers))
        finally:
            gateway.stop(home)
    for customer, events in zip(customers, seen):
        outbox = [(event_id, data) for name, event_id, data in events if name == "restart_test"]
        assert [data["payload"]["round"] for _, data in outbox] == [1, 2, 3], f"stream of {customer['id']}"
        assert len({event_id for event_id, _ in outbox}) == 3
        assert all(data["customer_id"] == str(customer["id"]) for _, data in outbox)
        balances = [data["balance"] for name, _, data in events if name == "balance"]
        assert {100, 200, 300} <= set(balances) and balances[-1] == 300, f"balances of {customer['id']}: {balances}"
