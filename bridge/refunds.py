"""POST /refunds: staff refund (part of) a card payment at Stripe, recorded in Kassa at once.

Authorization: a staff token. Body: {"payment_id", "amount" (minor units), "reason",
"request_id"}. The rules are checked first (reason, completed payment, never above what is left);
then Stripe refunds (idempotency key: payment + request id, so a retry is one refund); then the
charge's new refunded total is recorded through internal.sync_stripe_refunds, the function the
charge.refunded webhook uses, so whichever comes first records it and the other adds nothing.
The staff member's claims are set for the transaction: the audit log names them.
"""
from __future__ import annotations

import uuid

import psycopg
import stripe
from flask import Blueprint, jsonify
from psycopg.types.json import Jsonb

from bridge import config
from bridge.answers import fields, gateway_unavailable, json_object, problem, rule_broken
from bridge.auth import caller
from bridge.db import acting_for, pool
from gateways import stripe as stripe_gateway

blueprint = Blueprint("refunds", __name__)


@blueprint.post("/refunds")
def refund():
    claims, body = caller("staff"), json_object()
    amount, payment_id, request_id, reason = fields(body, {"amount": int, "payment_id": str, "request_id": str},
                                                    {"reason": str})
    try:
        uuid.UUID(payment_id)
    except ValueError:
        return problem(404, "P0P03", f"no card payment {payment_id} in this tenant")
    try:
        with pool().connection() as conn:
            (intent,) = conn.execute("SELECT internal.stripe_refund_intent(%s, %s, %s, %s)",
                                     [claims["tenant_id"], payment_id, amount, reason]).fetchone()
    except psycopg.Error as error:
        return rule_broken(error)
    if intent is None:
        return problem(404, "P0P03", f"no card payment {payment_id} in this tenant")
    stripe_gateway.configure(config.current().stripe)
    try:
        made = stripe.Refund.create(payment_intent=intent, amount=amount,
                                    metadata={"tenant_id": claims["tenant_id"], "payment_id": payment_id,
                                              "reason": reason, "staff": claims.get("sub", "")},
                                    idempotency_key=stripe_gateway.idempotency_key("refund", payment_id, request_id))
        charge = stripe.Charge.retrieve(made.charge)
    except stripe.StripeError as error:
        return gateway_unavailable(error)
    with pool().connection() as conn, acting_for(conn, claims):
        conn.execute("SELECT internal.sync_stripe_refunds(%s, %s, %s, %s, %s, %s)",
                     [claims["tenant_id"], payment_id, charge.id, charge.amount_refunded, reason,
                      Jsonb(stripe_gateway.as_dict(made))])
    return jsonify(refund_id=made.id, status=made.status, amount=made.amount, payment_id=payment_id), 201
