"""POST /webhooks/stripe: signature first (Stripe's scheme, 300 s tolerance), then one SQL
statement (internal.stripe_event, its own transaction) that records the event id and applies it
once.

Answers: 200 processed / ignored / duplicate; 400 bad signature, stale timestamp, malformed
JSON (nothing read, nothing written); 422 an event breaking a business rule (recorded as
rejected with its error, nothing posted; a redelivery tries again).
"""
from __future__ import annotations

import json
import logging
import os

import psycopg
import stripe
from flask import Blueprint, jsonify, request
from psycopg.types.json import Jsonb

from bridge import stripe_gateway
from bridge.db import pool

log = logging.getLogger("kassa.webhooks")
blueprint = Blueprint("webhooks", __name__)


@blueprint.post("/webhooks/stripe")
def stripe_webhook():
    payload = request.get_data()
    try:
        stripe.Webhook.construct_event(payload, request.headers.get("Stripe-Signature", ""),
                                       os.environ["KASSA_STRIPE_WEBHOOK_SECRET"], tolerance=300)
    except stripe.SignatureVerificationError as error:
        log.warning("stripe webhook refused: %s", error)
        return jsonify(error="invalid signature", detail=str(error)), 400
    except ValueError as error:
        return jsonify(error="malformed JSON", detail=str(error)), 400
    event = json.loads(payload)
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not event.get("type"):
        return jsonify(error="malformed event", detail="an event has an id and a type"), 400
    try:
        # One statement, so one transaction: all of it commits or none (a crash mid-way included).
        with pool().connection() as conn:
            outcome = conn.execute("SELECT internal.stripe_event(%s::jsonb)", [payload.decode()]).fetchone()[0]
    except psycopg.Error as error:
        if not (error.sqlstate or "").startswith("P0"):
            raise  # the database is unwell: 500, and Stripe delivers again later
        message = error.diag.message_primary
        with pool().connection() as conn:
            conn.execute("SELECT internal.reject_webhook_event('stripe', %s, %s, %s, %s)",
                         [event["id"], event["type"], Jsonb(event), f"{error.sqlstate}: {message}"])
        log.warning("stripe event %s (%s) rejected: %s %s", event["id"], event["type"], error.sqlstate, message)
        return jsonify(status="rejected", code=error.sqlstate, message=message,
                       hint=error.diag.message_hint), 422
    log.info("stripe event %s (%s): %s", event["id"], event["type"], outcome)
    if outcome == "processed" and event["type"] == "checkout.session.completed":
        save_card(event["data"]["object"])
    return jsonify(status=outcome, event_id=event["id"])


def save_card(session: dict) -> None:
    """A top-up paid with "save card": the card becomes a payment method of the customer. After
    the payment is committed, once (only the first delivery is `processed`); a failure here is
    logged, the customer can save the card with a later top-up."""
    metadata = session.get("metadata") or {}
    if metadata.get("save_card") != "true":
        return
    try:
        stripe_gateway.configure()
        card = stripe_gateway.saved_card(session)
        with pool().connection() as conn:
            conn.execute("SELECT internal.add_card(%s, %s, %s, %s, %s, %s, %s, %s)",
                         [metadata["tenant_id"], metadata["customer_id"], card["brand"], card["last4"],
                          card["exp_month"], card["exp_year"], card["customer"], card["payment_method"]])
    except (stripe.StripeError, psycopg.Error, KeyError) as error:
        log.warning("card of checkout %s not saved: %s", session.get("id"), error)
