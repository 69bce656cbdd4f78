"""Webhook requests per second through the bridge: POST /webhooks/stripe (gunicorn, 4 workers)
with distinct, validly signed `checkout.session.completed` events, 8 concurrent senders. Each
request verifies the signature, records the event and posts a top-up with its bonus.

Baseline, same senders, same run: the bridge's GET /health (Flask + one `SELECT 1` from the
pool), the floor any bridge request pays.

Run: make bench NAME=webhooks
"""
from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import requests

from bench.common import metric, write_result
from bridge.fakes import stripe_server
from kassa import services
from kassa.testrun import throwaway

SENDERS = 8
EVENTS = 4000
CUSTOMERS = 200
TENANT = "b0000000-0000-4000-8000-000000000002"
TARGET = 300


def customer_id(n: int) -> str:
    return f"c0000000-0000-4000-8000-{n:012d}"


def signed_events(secret: str) -> list[tuple[bytes, str]]:
    out = []
    for i in range(EVENTS):
        session = {"id": f"cs_bench_{i}", "object": "checkout.session", "amount_total": 10000, "currency": "zar",
                   "payment_status": "paid", "payment_intent": f"pi_bench_{i}",
                   "metadata": {"tenant_id": TENANT, "customer_id": customer_id(i % CUSTOMERS + 1)}}
        payload = json.dumps(stripe_server.event("checkout.session.completed", session, f"evt_bench_{i}")).encode()
        out.append((payload, stripe_server.sign(payload, secret)))
    return out


def blast(send, items: list) -> float:
    """Requests per second of `send` over `items` with SENDERS threads, one session each."""
    chunks = [items[i::SENDERS] for i in range(SENDERS)]

    def worker(chunk):
        with requests.Session() as session:
            for item in chunk:
                response = send(session, item)
                if response.status_code != 200:
                    raise RuntimeError(f"{response.status_code}: {response.text}")

    started = time.monotonic()
    with ThreadPoolExecutor(SENDERS) as pool:
        list(pool.map(worker, chunks))
    return len(items) / (time.monotonic() - started)


def main() -> None:
    with throwaway(prefix="bench-") as settings:
        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            conn.execute("INSERT INTO kassa.tenants (id, slug, name, legal_name, country, currency)"
                         " VALUES (%s, 'bench-webhooks', 'Bench', 'Bench Ltd', 'ZA', 'ZAR')", [TENANT])
            conn.execute("INSERT INTO kassa.customers (tenant_id, id, name, email)"
                         " SELECT %s, ('c0000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, 'C' || n,"
                         " 'c' || n || '@bench.example' FROM generate_series(1, %s) n", [TENANT, CUSTOMERS])
            conn.execute("INSERT INTO kassa.bonus_tiers VALUES (%s, 5000, 5)", [TENANT])
        bridge = next(s for s in services.stack(settings) if s.name == "bridge")
        home = Path(settings.home)
        bridge.start(home, settings.environment())
        try:
            bridge.wait_healthy(home)
            url, health = settings.bridge_url + "/webhooks/stripe", settings.bridge_url + "/health"
            events = signed_events(settings.stripe_webhook_secret)
            blast(lambda s, _: s.get(health, timeout=30), range(500))  # warm-up: workers, pools
            health_rps = blast(lambda s, _: s.get(health, timeout=30), range(EVENTS))
            webhook_rps = blast(lambda s, e: s.post(url, data=e[0], timeout=30, headers={
                "Stripe-Signature": e[1], "Content-Type": "application/json"}), events)
            print({"webhooks_per_s": webhook_rps, "health_per_s": health_rps}, flush=True)
        finally:
            bridge.stop(home)
        with psycopg.connect(settings.database_url) as conn:
            posted = conn.execute("SELECT count(*) FROM kassa.ledger_entries WHERE kind = 'top_up'").fetchone()[0]
            mismatches = conn.execute("SELECT count(*) FROM internal.ledger_mismatches()").fetchone()[0]
        assert posted == EVENTS and mismatches == 0, (posted, mismatches)
        write_result("webhooks", settings, {
            "senders": SENDERS, "events": EVENTS, "customers": CUSTOMERS, "bridge_workers": 4,
            "event": "checkout.session.completed (top-up + bonus)", "target_per_s": TARGET,
        }, [metric("webhooks_per_s", webhook_rps, "1/s", "bridge GET /health, same senders", health_rps)])


if __name__ == "__main__":
    main()
