"""Outbox events delivered as webhooks by two workers, against the receiver's own rate.

Data: one tenant (allowed private addresses), one customer, one endpoint with every kind, and
EVENTS outbox events written in one transaction. The receiver is bridge/fakes/webhook_receiver.py
in a process of its own on 127.0.0.1 (it answers 200 at once).

- ours: two webhook workers (bridge/webhook_sender.py, as `kassa up` starts them, on the same
  throw-away database), started before the events are written; the time from the events'
  commit until every delivery is recorded delivered: fan-out, claim, signing, POST, attempt log;
- baseline: the same number of POSTs of a body of the same size to the same receiver from a
  plain aiohttp client, as many at once as the workers use together (2 x their batch), in the
  same run: what the receiver and this machine's loopback allow with no Kassa in between.

Run: make bench NAME=outbox
"""
from __future__ import annotations

import asyncio
import json
import subprocess
import time
import urllib.request
import uuid
from datetime import datetime, timezone
from pathlib import Path

import aiohttp
import psycopg

from bench.common import metric, peak_rss_mb, write_result
from bridge import webhook_sender
from kassa import services
from kassa.config import free_port
from kassa.services import VENV_BIN
from kassa.testrun import throwaway

EVENTS = 5_000
WORKERS = 2
TIMEOUT = 120


def wait_until(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the benchmark waited too long")
        time.sleep(0.05)


def receiver_count(url: str) -> int:
    with urllib.request.urlopen(f"{url}/_fake/count", timeout=5) as answer:
        return json.load(answer)["received"]


def receiver_answers(url: str) -> bool:
    try:
        receiver_count(url)
        return True
    except OSError:
        return False


async def plain_client(url: str, body: bytes, count: int, at_once: int) -> float:
    """Seconds for `count` POSTs of `body`, `at_once` in flight, over kept-alive connections."""
    left = iter(range(count))

    async def post_in_turn(session: aiohttp.ClientSession) -> None:
        for _ in left:
            async with session.post(f"{url}/baseline", data=body, headers={"Content-Type": "application/json"}) as answer:
                await answer.read()
                assert answer.status == 200

    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=at_once)) as session:
        started = time.perf_counter()
        await asyncio.gather(*(post_in_turn(session) for _ in range(at_once)))
        return time.perf_counter() - started


def main() -> None:
    with throwaway("bench-") as settings:
        home = Path(settings.home)
        port = free_port()
        receiver = subprocess.Popen([str(VENV_BIN / "python"), "-m", "bridge.fakes.webhook_receiver", "--port", str(port)])
        receiver_url = f"http://127.0.0.1:{port}"
        workers = [services.webhook_sender(settings, f"webhooks_bench_{n}", free_port()) for n in range(WORKERS)]
        try:
            wait_until(lambda: receiver_answers(receiver_url))
            with psycopg.connect(settings.database_url, autocommit=True) as owner:
                tenant = owner.execute(
                    "INSERT INTO kassa.tenants (slug, name, legal_name, country, currency, prices_include_vat, timezone,"
                    " webhooks_allow_private) VALUES ('bench', 'Bench', 'Bench Ltd', 'ZA', 'ZAR', true,"
                    " 'Africa/Johannesburg', true) RETURNING id").fetchone()[0]
                customer = owner.execute("INSERT INTO kassa.customers (tenant_id, name, email)"
                                         " VALUES (%s, 'Bench Customer', 'bench@example.com') RETURNING id",
                                         [tenant]).fetchone()[0]
                owner.execute("SELECT internal.create_webhook_endpoint(%s, %s, '{}', 'bench')",
                              [tenant, f"{receiver_url}/kassa"])
                for worker in workers:
                    worker.start(home, {**settings.environment(), "KASSA_WEBHOOKS_URL": f"http://127.0.0.1:{worker.port}"})
                for worker in workers:
                    worker.wait_healthy(home)
                owner.execute("INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)"
                              " SELECT %s, %s, 'low_balance', jsonb_build_object('balance', n, 'threshold', 5000,"
                              " 'currency', 'ZAR') FROM generate_series(1, %s) n", [tenant, customer, EVENTS])
                started = time.perf_counter()
                wait_until(lambda: owner.execute("SELECT count(*) FROM kassa.webhook_deliveries"
                                                 " WHERE status = 'delivered'").fetchone()[0] == EVENTS, TIMEOUT)
                ours_seconds = time.perf_counter() - started
                payload = owner.execute("SELECT n.payload FROM kassa.notifications n LIMIT 1").fetchone()[0]
            received = receiver_count(receiver_url)
            assert received >= EVENTS, f"the receiver got {received} of {EVENTS}"
            print(f"ours: {EVENTS} webhooks in {ours_seconds:.1f} s ({received - EVENTS} sent twice)", flush=True)
            # A body as the worker sends it (internal.claim_webhook_deliveries builds it).
            same_size = json.dumps({"id": str(uuid.uuid4()), "type": "low_balance", "version": 1,
                                    "timestamp": datetime.now(timezone.utc).isoformat(), "tenant_id": str(tenant),
                                    "customer_id": str(customer), "data": payload}).encode()
            baseline_seconds = asyncio.run(plain_client(receiver_url, same_size, EVENTS,
                                                        WORKERS * webhook_sender.BATCH))
            print(f"plain client: {EVENTS} POSTs in {baseline_seconds:.1f} s", flush=True)
        finally:
            services.stop_services(home, workers)
            receiver.terminate()
            receiver.wait(10)
        write_result("outbox", settings, {
            "events": EVENTS, "workers": WORKERS, "batch": webhook_sender.BATCH, "body_bytes": len(same_size),
            "receiver": "bridge/fakes/webhook_receiver.py in its own process on 127.0.0.1, answering 200 at once",
            "baseline": f"plain aiohttp client, {WORKERS * webhook_sender.BATCH} POSTs in flight, same receiver and body size",
        }, [
            metric("webhooks_delivered_per_s", EVENTS / ours_seconds, "1/s", "receiver's own rate (plain client)",
                   EVENTS / baseline_seconds),
            metric("run_seconds", ours_seconds, "s"),
            metric("peak_rss_mb", peak_rss_mb(), "MB"),
        ])


if __name__ == "__main__":
    main()
