"""Auto top-up: charge the saved card of every customer whose balance is below their threshold.

The database decides who is due and claims one attempt at a time (internal.claim_auto_topup:
one in flight per customer, then a cooldown, internal.auto_topup_cooldown); this job only talks
to Stripe, off-session, with an idempotency key per attempt, and records the answer (success
completes the payment, a decline fails it; internal.auto_topup_max_failures failures in a row
disable auto top-up with a notification).
Attempts left in flight by a crash are asked again with the same key after five minutes.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import psycopg
import stripe
from psycopg.types.json import Jsonb

from bridge.db import acting_as
from gateways import stripe as stripe_gateway
from jobs.config import JobConfig
from jobs.runner import Outcome

RETRY_IN_FLIGHT_AFTER = timedelta(minutes=5)


def run(conn: psycopg.Connection, as_of: date | None, tenant: str | None, actor: str, config: JobConfig) -> Outcome:
    """The scheduled run: balances are as they are now, so the time is the one clock's now (as_of
    names the log row)."""
    return process(conn, conn.execute("SELECT internal.clock_now()").fetchone()[0], actor, config, tenant=tenant)


def process(conn: psycopg.Connection, now: datetime, actor: str, config: JobConfig,
            tenant: str | None = None) -> Outcome:
    """Every due auto top-up at `now` (passed in, so tests control the clock), of every tenant or
    one, each change named as `actor`'s in the audit log; `config` names the gateway and key."""
    stripe_gateway.configure(config.stripe)
    conn.execute("SELECT set_config('app.settings.payment_method_key', %s, false)",
                 [config.payment_method_key])
    outcome = Outcome()
    for (claim,) in conn.execute("SELECT c FROM internal.in_flight_auto_topups(%(since)s) c"
                                 " WHERE %(t)s::uuid IS NULL OR (c ->> 'tenant_id')::uuid = %(t)s",
                                 {"since": now - RETRY_IN_FLIGHT_AFTER, "t": tenant}).fetchall():
        charge(conn, claim, outcome, actor)
    for owner, customer in conn.execute("SELECT tenant_id, customer_id FROM internal.due_auto_topups(%(now)s)"
                                        " WHERE %(t)s::uuid IS NULL OR tenant_id = %(t)s",
                                        {"now": now, "t": tenant}).fetchall():
        with acting_as(conn, actor):
            claim = conn.execute("SELECT internal.claim_auto_topup(%s, %s, %s)", [owner, customer, now]).fetchone()[0]
        if claim is None:
            outcome.skipped += 1  # taken by a concurrent run, or no longer due
            continue
        charge(conn, claim, outcome, actor)
    return outcome


def record(conn: psycopg.Connection, claim: dict, actor: str, call: str, *args) -> None:
    """The claimed payment's outcome (internal.<call> with the tenant and payment first), named
    as the run's."""
    with acting_as(conn, actor):
        conn.execute(f"SELECT internal.{call}", [claim["tenant_id"], claim["payment_id"], *args])


def charge(conn: psycopg.Connection, claim: dict, outcome: Outcome, actor: str) -> None:
    if not claim.get("card"):  # no gateway ids stored for the method: nothing to charge
        record(conn, claim, actor, "fail_payment(%s, %s, 'the card has no gateway details', '{}')")
        outcome.failed += 1
        return
    try:
        intent = stripe_gateway.charge_off_session(claim)
    except stripe.CardError as error:
        record(conn, claim, actor, "fail_payment(%s, %s, %s, %s)", error.user_message or str(error),
               Jsonb(error.json_body or {}))
        outcome.failed += 1
        outcome.errors.append(f"payment {claim['payment_id']}: {error.user_message}")
        return
    except stripe.StripeError as error:  # no answer: stays in flight, asked again next run
        outcome.errors.append(f"payment {claim['payment_id']}: gateway unavailable: {error}")
        outcome.skipped += 1
        return
    record_intent(conn, claim, intent, outcome, actor)


def record_intent(conn: psycopg.Connection, claim: dict, intent: stripe.PaymentIntent, outcome: Outcome,
                  actor: str) -> None:
    """What Stripe answered for the claim's charge: completed, failed, or left to the webhook."""
    if intent.status == "succeeded":
        record(conn, claim, actor, "complete_payment(%s, %s, %s, %s, %s, %s)", intent.amount, intent.currency,
               intent.id, Jsonb(stripe_gateway.as_dict(intent)))
        outcome.processed += 1
    elif intent.status in ("processing", "requires_capture"):
        outcome.skipped += 1  # the payment_intent webhook will settle it
    else:
        record(conn, claim, actor, "fail_payment(%s, %s, %s, %s)", f"payment intent {intent.status}",
               Jsonb(stripe_gateway.as_dict(intent)))
        outcome.failed += 1
