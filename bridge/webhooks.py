"""Gateway callbacks. Signed callbacks are not rate limited (gateways retry, from few
addresses); callbacks whose signature fails count against their address (bad_signature).

POST /webhooks/stripe: signature first (Stripe's scheme, 300 s tolerance), then one SQL
call (internal.stripe_event, in a transaction whose audit rows name `webhook:stripe:<event id>`)
that records the event id and applies it once.

Answers: 200 processed / ignored / duplicate; 400 bad signature or stale timestamp (P0W10),
malformed JSON (P0W11: NaN and Infinity are not JSON either), JSON nested too deep (P0B11) or
not an event (P0W12), nothing read, nothing written; 422 a signed event breaking a business rule or holding values the
database cannot take (a NUL byte, a text amount: recorded as rejected with its error, nothing
posted). Never a 500 for what the sender sent: Stripe would deliver a poison event again for
days. Errors are in PostgREST's shape {code, message, details, hint}.

POST /webhooks/netcash/mandate: NetCash's unsigned eMandate postback, a hint confirmed with
NetCash before the mandate's status changes (netcash_mandate_postback).
"""
from __future__ import annotations

import json
import logging
import re

import psycopg
import stripe
from flask import Blueprint, jsonify, request
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from bridge import config, rate_limit
from bridge.answers import NUL_IN_TEXT, TooDeep, gateway_unavailable, problem, strict_json, too_many_requests
from bridge.db import acting_as, pool
from bridge.money import in_minor_units
from gateways import stripe as stripe_gateway
from gateways import exact_json, netcash
from gateways.octo import OctoClient, OctoError

log = logging.getLogger("kassa.webhooks")
BAD_SIGNATURES_PER_MINUTE = 30
ACCOUNT_REFERENCE = re.compile(r"[A-Z0-9]{2,22}")  # internal.netcash_account_ref
blueprint = Blueprint("webhooks", __name__)


@blueprint.post("/webhooks/stripe")
def stripe_webhook():
    payload = request.get_data()
    try:
        stripe_gateway.verify_webhook(payload, request.headers.get("Stripe-Signature", ""), config.current().stripe)
    except stripe.SignatureVerificationError as error:
        log.warning("stripe webhook refused: %s", error)
        return bad_signature(str(error))
    except ValueError as error:
        return problem(400, "P0W11", "malformed JSON", str(error))
    try:
        event = strict_json(payload)
    except TooDeep as error:
        return problem(400, "P0B11", str(error))
    except ValueError as error:
        return problem(400, "P0W11", "malformed JSON", str(error))
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("type"), str):
        return problem(400, "P0W12", "malformed event", "an event has a string id and a string type")
    try:
        # One transaction: all of it commits or none (a crash mid-way included).
        with pool().connection() as conn, acting_as(conn, actor(event)):
            outcome = conn.execute("SELECT internal.stripe_event(%s::jsonb)", [payload.decode()]).fetchone()[0]
    except psycopg.Error as error:
        if not isinstance(error, psycopg.DataError) and not (error.sqlstate or "").startswith("P0"):
            raise  # the database is unwell: 500, and Stripe delivers again later
        return rejected(event, error)
    log.info("stripe event %s (%s): %s", event["id"], event["type"], outcome)
    if outcome == "processed" and event["type"] == "checkout.session.completed":
        save_card(event["data"]["object"], actor(event))
    return jsonify(status=outcome, event_id=event["id"])


def bad_signature(details: str):
    """400 P0W10, or 429 P0B12 once the address sent too many callbacks with a failed
    signature this minute (a forger probing, not a gateway retrying)."""
    wait = rate_limit.wait_for(f"bad-signature:{request.remote_addr}", BAD_SIGNATURES_PER_MINUTE)
    if wait:
        return too_many_requests("callbacks with a failed signature from this address", BAD_SIGNATURES_PER_MINUTE, wait)
    return problem(400, "P0W10", "invalid signature", details)


def actor(event: dict) -> str:
    """Who acts in the audit log: the event (a NUL byte, which no text holds, made visible)."""
    return "webhook:stripe:" + event["id"].replace("\x00", "\ufffd")


def rejected(event: dict, error: psycopg.Error):
    """Record a signed event that cannot be applied, and answer 422 so it is visible to the sender."""
    code = error.sqlstate or NUL_IN_TEXT
    message = str(error.diag.message_primary or error).strip()
    # A NUL byte (\u0000) is valid JSON that neither text nor jsonb can hold: keep the rest.
    readable = json.loads(json.dumps(event).replace("\\u0000", "\\ufffd"))
    with pool().connection() as conn, acting_as(conn, actor(event)):
        conn.execute("SELECT internal.reject_webhook_event('stripe', %s, %s, %s, %s)",
                     [readable["id"], readable["type"], Jsonb(readable), f"{code}: {message}"])
    log.warning("stripe event %s (%s) rejected: %s %s", readable["id"], readable["type"], code, message)
    return problem(422, code, message, hint=error.diag.message_hint, status="rejected")


def save_card(session: dict, by: str) -> None:
    """A top-up paid with "save card": the card becomes a payment method of the customer. After
    the payment is committed, once (only the first delivery is `processed`); a failure here is
    logged, the customer can save the card with a later top-up."""
    metadata = session.get("metadata") or {}
    if metadata.get("save_card") != "true":
        return
    try:
        stripe_gateway.configure(config.current().stripe)
        card = stripe_gateway.saved_card(session)
        with pool().connection() as conn, acting_as(conn, by):
            conn.execute("SELECT internal.add_card(%s, %s, %s, %s, %s, %s, %s, %s)",
                         [metadata["tenant_id"], metadata["customer_id"], card["brand"], card["last4"],
                          card["exp_month"], card["exp_year"], card["customer"], card["payment_method"]])
    except (stripe.StripeError, psycopg.Error, KeyError) as error:
        log.warning("card of checkout %s not saved: %s", session.get("id"), error)


@blueprint.post("/webhooks/octo")
def octo_callback():
    """OCTO's notify_url. Its signature covers the payment and status but not the amount, so
    nothing is posted on the callback's word: after the signature, a status call to OCTO
    (prepare_payment again) must confirm the status, and complete_payment the amount. Every
    delivery of the same callback completes the payment once (its row lock; a completed
    payment completes as a no-op). A refused payment (failed, cancelled) leaves its payment
    link usable."""
    try:
        body = strict_json(request.get_data())
    except TooDeep as error:
        return problem(400, "P0B11", str(error))
    except ValueError as error:
        return problem(400, "P0W11", "malformed JSON", str(error))
    octo = OctoClient(config.current().octo)
    if not isinstance(body, dict) or not octo.verify_callback(body):
        log.warning("octo callback refused: bad signature")
        return bad_signature("the callback's signature does not verify")
    with pool().connection() as conn:
        payment = conn.cursor(row_factory=dict_row).execute(
            "SELECT * FROM internal.octo_payment(%s)", [body["octo_payment_UUID"]]).fetchone()
    if payment is None:
        log.warning("octo callback for unknown payment %s", body["octo_payment_UUID"])
        return jsonify(status="ignored")
    try:
        confirmed = octo.status(str(payment["id"]))
    except (OctoError, OSError) as error:
        return gateway_unavailable(error)  # OCTO delivers the callback again later
    if confirmed.status == "waiting_for_capture":
        return jsonify(accept_status="capture")
    actor_name = f"webhook:octo:{payment['provider_ref']}:{confirmed.status}"
    try:
        with pool().connection() as conn, acting_as(conn, actor_name):
            if confirmed.status == "succeeded":
                conn.execute("SELECT internal.complete_payment(%s, %s, %s, %s, %s, %s)",
                             [payment["tenant_id"], payment["id"], in_minor_units(confirmed.total_sum, payment["minor_units"]),
                              payment["currency"], payment["provider_ref"], Jsonb(confirmed.raw, dumps=exact_json.dumps)])
            elif confirmed.status == "canceled":
                conn.execute("SELECT internal.fail_payment(%s, %s, %s, %s)",
                             [payment["tenant_id"], payment["id"], "cancelled at OCTO", Jsonb(confirmed.raw, dumps=exact_json.dumps)])
    except psycopg.Error as error:
        if not (error.sqlstate or "").startswith("P0"):
            raise
        log.warning("octo callback for payment %s refused: %s", payment["id"], error)
        return problem(422, error.sqlstate, str(error.diag.message_primary or error).strip())
    return jsonify(status=confirmed.status)


@blueprint.post("/webhooks/netcash/mandate")
def netcash_mandate_postback():
    """NetCash's eMandate postback (form fields AccountRef, MandateSuccessful, IsDeclined,
    ReasonForDecline, MandateReferenceNumber, ...). It is not signed, so it is only a hint: it
    is kept on the payment method, and the outcome counts once NetCash itself confirms it
    (NetcashClient.confirm_mandate); the outcome recorded is the confirmed one, not the posted
    one. Unknown account references count against the sender's address like failed signatures."""
    try:
        posted = netcash.parse_mandate_postback(request.form)
    except ValueError as error:
        return problem(400, "P0E03", "not a mandate postback", str(error), "NetCash posts the form field AccountRef.")
    fields = {name: value.replace("\x00", "")[:500] for name, value in request.form.items()}
    if not ACCOUNT_REFERENCE.fullmatch(posted.account_reference):
        return unknown_mandate("Kassa's account references are 2 to 22 capital letters and digits")
    try:
        with pool().connection() as conn, acting_as(conn, f"webhook:netcash:mandate:{posted.account_reference}"):
            method = conn.cursor(row_factory=dict_row).execute(
                "SELECT * FROM internal.mandate_postback(%s, %s)", [posted.account_reference, Jsonb(fields)]).fetchone()
    except psycopg.Error as error:
        if error.sqlstate != "P0E01":
            raise
        return unknown_mandate(str(error.diag.message_primary or error).strip())
    try:
        confirmed = netcash.NetcashClient(config.current().netcash).confirm_mandate(posted.account_reference)
    except netcash.NetcashError as error:
        return gateway_unavailable(error)  # kept as a hint; NetCash or staff confirm later
    if confirmed is None or confirmed.decision is None:
        return jsonify(status="unconfirmed", mandate_status=method["mandate_status"]), 202
    try:
        with pool().connection() as conn, acting_as(conn, f"netcash:mandate:{posted.account_reference}:{confirmed.decision}"):
            conn.execute("SELECT internal.record_mandate_outcome(%s, %s, %s, %s, %s)",
                         [method["tenant_id"], method["payment_method_id"], confirmed.decision == "accepted",
                          confirmed.mandate_reference, confirmed.reason])
    except psycopg.Error as error:
        if error.sqlstate != "P0E02":
            raise
        return problem(409, "P0E02", "the mandate is decided already", str(error.diag.message_primary or error).strip())
    return jsonify(status="confirmed", mandate_status="active" if confirmed.decision == "accepted" else "declined")


def unknown_mandate(details: str):
    """404 P0E01, or 429 once the address posted too many unknown references this minute."""
    wait = rate_limit.wait_for(f"netcash-unknown:{request.remote_addr}", BAD_SIGNATURES_PER_MINUTE)
    if wait:
        return too_many_requests("postbacks for unknown mandates from this address", BAD_SIGNATURES_PER_MINUTE, wait)
    return problem(404, "P0E01", "unknown mandate", details)
