"""The bridge dies (SIGKILL) while it handles a webhook; after a restart the event is delivered
again and posts exactly once. Deterministic: the test holds the customer's account row lock,
so the bridge is provably inside its webhook statement (waiting on that lock) when it is killed."""
from __future__ import annotations

import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg

from stripe_helpers import checkout_event, deliver, entries


def wait_until(condition, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.05)


def worker_backends_waiting_on_locks(db) -> int:
    return db.execute("SELECT count(*) AS n FROM pg_stat_activity WHERE usename = 'kassa_worker'"
                      " AND wait_event_type = 'Lock'").fetchone()["n"]


def test_killed_bridge_then_redelivery_posts_once(settings, db, stack, tenant, customer):
    home = Path(settings.home)
    bridge = next(service for service in stack if service.name == "bridge")
    payment = db.execute("SELECT * FROM internal.begin_top_up(%s, %s, 5000, 'crash')",
                         [tenant["id"], customer["id"]]).fetchone()
    event = checkout_event(tenant["id"], customer["id"], 5000, payment_id=payment["id"])

    with psycopg.connect(settings.database_url) as blocker, ThreadPoolExecutor(1) as pool:
        blocker.execute("SELECT FROM kassa.billing_accounts WHERE tenant_id = %s AND customer_id = %s FOR UPDATE",
                        [tenant["id"], customer["id"]])
        delivery = pool.submit(deliver, settings, event)
        wait_until(lambda: worker_backends_waiting_on_locks(db) == 1)
        os.killpg(bridge.pid(home), signal.SIGKILL)
        wait_until(lambda: bridge.pid(home) is None)  # gone (and reaped) before it is started again
        assert delivery.exception(timeout=30) is not None  # the sender saw the connection die
        blocker.rollback()

    # The statement of the dead bridge ends on its own (one statement, one transaction): it
    # either committed whole or left nothing. The redelivery must end with exactly one posting.
    wait_until(lambda: worker_backends_waiting_on_locks(db) == 0)
    bridge.start(home, settings.environment())
    bridge.wait_healthy(home)

    status, body = deliver(settings, event)
    assert status == 200 and body["status"] in ("processed", "duplicate")
    assert deliver(settings, event)[1]["status"] == "duplicate"
    assert entries(db, customer["id"]) == [("top_up", 5000)]
    assert db.execute("SELECT status, attempts FROM kassa.webhook_events WHERE event_id = %s",
                      [event["id"]]).fetchone() == {"status": "processed", "attempts": 1}
    assert db.execute("SELECT * FROM internal.ledger_mismatches()").fetchall() == []
