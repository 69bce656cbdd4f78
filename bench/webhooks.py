"""Webhook requests per second through the bridge: POST /webhooks/stripe (gunicorn, 4 workers)
with distinct, validly signed `checkout.session.completed` events from 8 concurrent connections
(wrk, replaying pre-signed events). As in production, each event completes a top-up started
before (pending payment made by internal.begin_top_up, what POST /top-ups does): the request
verifies the signature, records the event, completes the payment and posts top-up and bonus.

Also measured: events for sessions Kassa did not start (`webhooks_creating_payment_per_s`: the
payment row is created and completed in the request). Baseline, same load generator and
connections, same run: the bridge's GET /health (Flask + one `SELECT 1` from the pool), the
floor any bridge request pays.

Run: make bench NAME=webhooks   (installs wrk when missing)
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import psycopg

from bench.common import WRK_ROWS_LUA, metric, write_result
from bridge.fakes import stripe_server
from kassa import services
from kassa.testrun import throwaway

CONNECTIONS = 8
SECONDS = 10
EVENTS = 12_000  # more than a run can send: every request is a new event
CUSTOMERS = 200
TENANT = "b0000000-0000-4000-8000-000000000002"
TARGET = 300

# Each request a pre-signed event (one "signature<TAB>body" a line).
REPLAY = WRK_ROWS_LUA + """
function request()
  local e = next_row()
  return wrk.format("POST", nil, {["Stripe-Signature"] = e[1], ["Content-Type"] = "application/json"}, e[2])
end
"""


def signed_events(conn: psycopg.Connection, secret: str, started: bool) -> str:
    """Signed completions, one event per line. started: of a pending top-up each (as POST
    /top-ups leaves it); otherwise of sessions Kassa did not start (the payment is created too)."""
    payments = conn.execute(
        "SELECT p.id, p.customer_id FROM generate_series(1, %s) i,"
        " internal.begin_top_up(%s, ('c0000000-0000-4000-8000-' || lpad((i %% %s + 1)::text, 12, '0'))::uuid,"
        " 10000, 'bench-' || i) p ORDER BY i", [EVENTS, TENANT, CUSTOMERS]).fetchall() if started else [
        (None, f"c0000000-0000-4000-8000-{i % CUSTOMERS + 1:012d}") for i in range(EVENTS)]
    lines = []
    for i, (payment_id, customer) in enumerate(payments):
        key = f"{'started' if started else 'new'}_{i}"
        metadata = {"tenant_id": TENANT, "customer_id": str(customer)}
        if payment_id:
            metadata["payment_id"] = str(payment_id)
        session = {"id": f"cs_{key}", "object": "checkout.session", "amount_total": 10000, "currency": "zar",
                   "payment_status": "paid", "payment_intent": f"pi_{key}", "metadata": metadata}
        payload = json.dumps(stripe_server.event("checkout.session.completed", session, f"evt_{key}")).encode()
        lines.append(f"{stripe_server.sign(payload, secret)}\t{payload.decode()}")
    return "\n".join(lines) + "\n"


def wrk(url: str, seconds: int, *script: str) -> dict:
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "10s",
                          *(["-s", script[0], url, "--", *script[1:]] if script else [url])],
                         capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"wrk saw {errors.group(1)} failed responses:\n{out}")
    return {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "requests": int(re.search(r"(\d+) requests in", out).group(1))}


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: run `scripts/install.sh bench` (make bench does)")
    with throwaway(prefix="bench-") as settings, tempfile.TemporaryDirectory() as tmp:
        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            conn.execute("INSERT INTO kassa.tenants (id, slug, name, legal_name, country, currency)"
                         " VALUES (%s, 'bench-webhooks', 'Bench', 'Bench Ltd', 'ZA', 'ZAR')", [TENANT])
            conn.execute("INSERT INTO kassa.customers (tenant_id, id, name, email)"
                         " SELECT %s, ('c0000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, 'C' || n,"
                         " 'c' || n || '@bench.example' FROM generate_series(1, %s) n", [TENANT, CUSTOMERS])
            conn.execute("INSERT INTO kassa.bonus_tiers VALUES (%s, 5000, 5)", [TENANT])
            texts = {started: signed_events(conn, settings.stripe_webhook_secret, started) for started in (True, False)}
        bridge = next(s for s in services.stack(settings) if s.name == "bridge")
        home = Path(settings.home)
        # Stripe sends from many addresses; wrk from one: the per-address rate limit would
        # measure the limiter, not the webhook path.
        bridge.start(home, {**settings.environment(), "KASSA_BRIDGE_RATE_LIMIT": "0"})
        try:
            bridge.wait_healthy(home)
            replay = Path(tmp) / "replay.lua"
            replay.write_text(REPLAY)
            health_url, webhook_url = settings.bridge_url + "/health", settings.bridge_url + "/webhooks/stripe"
            wrk(health_url, 2)  # warm-up: workers, pools
            health = wrk(health_url, SECONDS)
            runs = {}
            for started, text in texts.items():
                events = Path(tmp) / f"events-{started}.tsv"
                events.write_text(text)
                runs[started] = wrk(webhook_url, SECONDS, str(replay), str(events), "2")
            print({"webhooks": runs, "health": health}, flush=True)
        finally:
            bridge.stop(home)
        with psycopg.connect(settings.database_url) as conn:
            posted = conn.execute("SELECT count(*) FROM kassa.ledger_entries WHERE kind = 'top_up'").fetchone()[0]
            mismatches = conn.execute("SELECT count(*) FROM internal.ledger_mismatches()").fetchone()[0]
        # Requests still in flight when wrk stops are completed by the bridge but not counted by wrk.
        sent = sum(run["requests"] for run in runs.values())
        assert sent <= posted <= sent + 2 * CONNECTIONS and mismatches == 0, (runs, posted, mismatches)
        write_result("webhooks", settings, {
            "connections": CONNECTIONS, "seconds_per_run": SECONDS, "customers": CUSTOMERS, "bridge_workers": 4,
            "load_generator": "wrk -t2, pre-signed distinct events", "target_per_s": TARGET,
            "event": "checkout.session.completed: top-up + bonus posted, credit applied",
            "requests": {"webhooks": runs[True]["requests"], "webhooks_creating_payment": runs[False]["requests"],
                         "health": health["requests"]},
        }, [
            metric("webhooks_per_s", runs[True]["requests_per_s"], "1/s", "bridge GET /health, same load",
                   health["requests_per_s"]),
            metric("webhooks_creating_payment_per_s", runs[False]["requests_per_s"], "1/s",
                   "bridge GET /health, same load", health["requests_per_s"]),
        ])


if __name__ == "__main__":
    main()
