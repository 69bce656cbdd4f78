"""POST /top-ups: a customer starts a card top-up and gets the gateway's hosted page.

Authorization: the customer's Kassa JWT (the one PostgREST accepts). Body: {"amount": cents,
"request_id": "<client id of this attempt>", "save_card"?: true, "success_url"?, "cancel_url"?}.
With save_card, Stripe keeps the card and the webhook adds it to the customer's methods. The
pending payment is keyed by customer + request id in the database and the Checkout Session by
the same idempotency key at Stripe, so a double click (or a retry) is one payment and one session.
The customer's claims are set for the transaction: the audit log names them.
"""
from __future__ import annotations

import psycopg
import stripe
from flask import Blueprint, jsonify
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from bridge import config
from bridge.answers import fields, gateway_unavailable, json_object, rule_broken
from bridge.auth import caller
from bridge.db import acting_for, pool
from gateways import stripe as stripe_gateway

blueprint = Blueprint("topups", __name__)


@blueprint.post("/top-ups")
def start_top_up():
    claims, body = caller("customer"), json_object()
    amount, request_id, success_url, cancel_url = fields(body, {"amount": int, "request_id": str},
                                                         {"success_url": str, "cancel_url": str})
    try:
        payment = top_up(claims, amount, request_id, success_url, cancel_url, body.get("save_card") is True)
    except psycopg.Error as error:
        return rule_broken(error)
    except stripe.StripeError as error:
        return gateway_unavailable(error)
    return jsonify(payment_id=payment["id"], status=payment["status"], amount=payment["amount"],
                   currency=payment["currency"], session_id=payment["provider_ref"],
                   checkout_url=payment["checkout_url"]), 201


def top_up(claims: dict, amount: int, request_id: str, success_url: str | None, cancel_url: str | None,
           save_card: bool) -> dict:
    """The pending top-up payment with its Checkout Session (the portal starts one too); raises
    psycopg.Error for a broken rule, stripe.StripeError when Stripe refuses or is not reached."""
    settings = config.current()
    base = settings.public_url
    with pool().connection() as conn, acting_for(conn, claims):
        for url in (success_url, cancel_url):
            conn.execute("SELECT internal.check_return_url(%s, %s, %s)", [claims["tenant_id"], url, base])
        payment = conn.cursor(row_factory=dict_row).execute(
            "SELECT * FROM internal.begin_top_up(%s, %s, %s, %s)",
            [claims["tenant_id"], claims["customer_id"], amount, request_id]).fetchone()
    if not payment["checkout_url"] and payment["status"] == "pending":
        stripe_gateway.configure(settings.stripe)
        session = stripe_gateway.create_checkout(
            payment, stripe_gateway.idempotency_key("top-up", payment["customer_id"], request_id), "Balance top-up",
            success_url or f"{base}/top-ups/done", cancel_url or f"{base}/top-ups/cancelled", save_card=save_card)
        with pool().connection() as conn, acting_for(conn, claims):
            payment = conn.cursor(row_factory=dict_row).execute(
                "SELECT * FROM internal.attach_checkout(%s, %s, %s, %s, %s)",
                [payment["tenant_id"], payment["id"], session.id, session.url, Jsonb(stripe_gateway.as_dict(session))]).fetchone()
    return payment


@blueprint.get("/top-ups/<outcome>")
def finished(outcome: str):
    """Where the hosted page sends the customer back (the webhook, not this page, credits)."""
    return jsonify(status=outcome)
