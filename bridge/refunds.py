"""POST /refunds: staff refund (part of) a card payment at its gateway (Stripe or OCTO),
recorded in Kassa at once.

Authorization: a staff token. Body: {"payment_id", "amount" (minor units), "reason",
"request_id"}. The rules are checked first (reason, completed payment, never above what is left);
then the gateway refunds, keyed by payment + request id so that a retry is one refund:
- Stripe (the idempotency key): the charge's new refunded total is recorded through
  internal.sync_stripe_refunds, the function the charge.refunded webhook uses, so whichever
  comes first records it and the other adds nothing;
- OCTO (the key is the refund's shop_refund_id, which OCTO answers again unchanged): the
  refund is recorded under that id (internal.record_octo_refund), once.
The staff member's claims are set for the transaction: the audit log names them.
"""
from __future__ import annotations

import uuid

import psycopg
import stripe
from flask import Blueprint, jsonify
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from bridge import config
from bridge.answers import fields, gateway_unavailable, json_object, problem, rule_broken
from bridge.auth import caller
from bridge.db import acting_for, pool
from bridge.money import in_major_units
from gateways import exact_json
from gateways import stripe as stripe_gateway
from gateways.octo import OctoClient, OctoError

blueprint = Blueprint("refunds", __name__)


@blueprint.post("/refunds")
def refund():
    claims, body = caller("staff", action="bridge/refunds"), json_object()
    amount, payment_id, request_id, reason = fields(body, {"amount": int, "payment_id": str, "request_id": str},
                                                    {"reason": str})
    try:
        uuid.UUID(payment_id)
    except ValueError:
        return problem(404, "P0P03", f"no card payment {payment_id} in this tenant")
    try:
        with pool().connection() as conn:
            target = conn.cursor(row_factory=dict_row).execute(
                "SELECT * FROM internal.card_refund_target(%s, %s, %s, %s)",
                [claims["tenant_id"], payment_id, amount, reason]).fetchone()
    except psycopg.Error as error:
        return rule_broken(error)
    if target is None:
        return problem(404, "P0P03", f"no card payment {payment_id} in this tenant")
    refund_at = at_stripe if target["provider"] == "stripe" else at_octo
    try:
        made = refund_at(claims, payment_id, amount, reason, request_id, target)
    except (stripe.StripeError, OctoError, OSError) as error:
        return gateway_unavailable(error)
    return jsonify(payment_id=payment_id, **made), 201


def at_stripe(claims: dict, payment_id: str, amount: int, reason: str, request_id: str, target: dict) -> dict:
    stripe_gateway.configure(config.current().stripe)
    made = stripe.Refund.create(payment_intent=target["reference"], amount=amount,
                                metadata={"tenant_id": claims["tenant_id"], "payment_id": payment_id,
                                          "reason": reason, "staff": claims.get("sub", "")},
                                idempotency_key=stripe_gateway.idempotency_key("refund", payment_id, request_id))
    charge = stripe.Charge.retrieve(made.charge)
    with pool().connection() as conn, acting_for(conn, claims):
        conn.execute("SELECT internal.sync_stripe_refunds(%s, %s, %s, %s, %s, %s)",
                     [claims["tenant_id"], payment_id, charge.id, charge.amount_refunded, reason,
                      Jsonb(stripe_gateway.as_dict(made))])
    return {"refund_id": made.id, "status": made.status, "amount": made.amount}


def at_octo(claims: dict, payment_id: str, amount: int, reason: str, request_id: str, target: dict) -> dict:
    # One id per payment and client request id, short whatever the request id is.
    shop_refund_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"kassa:refund:{payment_id}:{request_id}"))
    asked = in_major_units(amount, target["minor_units"])
    made = OctoClient(config.current().octo).refund(shop_refund_id, target["reference"], asked)
    # OCTO sends no refund webhook: only a refund it answers as made, of the amount asked, is
    # recorded. Anything else is the gateway's refusal; the same request id asks again later.
    if made.status != "succeeded" or made.amount != asked:
        raise OctoError(None, f"OCTO answered the refund with status {made.status} for {made.amount}")
    with pool().connection() as conn, acting_for(conn, claims):
        conn.execute("SELECT internal.record_octo_refund(%s, %s, %s, %s, %s, %s)",
                     [claims["tenant_id"], payment_id, amount, shop_refund_id, reason,
                      Jsonb(made.raw, dumps=exact_json.dumps)])
    return {"refund_id": shop_refund_id, "status": made.status, "amount": amount}
