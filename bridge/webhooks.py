"""POST /webhooks/stripe: signature first (Stripe's scheme, 300 s tolerance), then one SQL call
(internal.stripe_event) in one transaction, which records the event id and applies it once.

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
        with pool().connection() as conn, conn.transaction():
            outcome = conn.execute("SELECT internal.stripe_event(%s)", [Jsonb(event)]).fetchone()[0]
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
    return jsonify(status=outcome, event_id=event["id"])
