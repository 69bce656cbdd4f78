"""What the payment tests share: the local Stripe stand-in's request log, signed deliveries."""
from __future__ import annotations

import time
import uuid

import requests

from bridge.fakes import stripe_server


def fake_requests(settings, path: str | None = None) -> list[dict]:
    url = f"http://127.0.0.1:{settings.ports['stripe_fake']}/_fake/requests"
    entries = requests.get(url, timeout=10).json()
    return [e for e in entries if path is None or e["path"] == path]


def deliver(settings, event: dict | bytes, timestamp: int | None = None) -> tuple[int, dict]:
    return stripe_server.deliver(settings.bridge_url + "/webhooks/stripe", event,
                                 settings.stripe_webhook_secret, timestamp)


def checkout_event(tenant_id, customer_id, amount: int, currency: str = "zar", payment_id=None,
                   event_id: str | None = None) -> dict:
    metadata = {"tenant_id": str(tenant_id), "customer_id": str(customer_id)}
    if payment_id:
        metadata["payment_id"] = str(payment_id)
    session = {"id": f"cs_test_{uuid.uuid4().hex}", "object": "checkout.session", "amount_total": amount,
               "currency": currency, "payment_status": "paid", "status": "complete",
               "payment_intent": f"pi_test_{uuid.uuid4().hex}", "metadata": metadata,
               "created": int(time.time())}
    return stripe_server.event("checkout.session.completed", session, event_id)


def entries(db, customer_id) -> list[tuple[str, int]]:
    return [(r["kind"], r["amount"]) for r in db.execute(
        "SELECT kind, amount FROM kassa.ledger_entries WHERE customer_id = %s ORDER BY id", [customer_id])]
