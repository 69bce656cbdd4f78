"""Auto-pay on the due date (cards): every open invoice due on as_of (None: each tenant's
today) whose customer opted in and has a saved card as primary method is charged its amount
due, off-session through Stripe, one payment per invoice naming it.

The database decides what is due and claims one charge at a time
(internal.claim_invoice_charge: one payment per invoice and due date, under the invoice's
lock), so a re-run or two runs at once never charge twice; this job only talks to Stripe (the
same off-session charge auto top-up makes, with an idempotency key per payment) and records the
answer: success completes the payment, which settles that invoice first; a decline fails it and
the invoice stays open, to become overdue and enter dunning. Charges left in flight by a crash
are asked again with the same key after five minutes, unless their invoice was paid meanwhile:
then Stripe is only searched for the charge, which is recorded if it was made and failed
otherwise, so an invoice is never charged twice. The dunning job charges its card retries the
same way (`charge_invoices`).
"""
from __future__ import annotations

from datetime import date

import psycopg
import stripe

from bridge.db import acting_as
from gateways import stripe as stripe_gateway
from jobs.auto_topup import RETRY_IN_FLIGHT_AFTER, charge, record, record_intent
from jobs.config import JobConfig
from jobs.runner import Outcome


def run(conn: psycopg.Connection, as_of: date | None, tenant: str | None, actor: str, config: JobConfig) -> Outcome:
    return charge_invoices(conn, "SELECT tenant_id, invoice_id, due_on, NULL FROM internal.due_auto_pays(%s, %s)",
                           [as_of, tenant], tenant, actor, config)


def charge_invoices(conn: psycopg.Connection, due_query: str, params: list, tenant: str | None, actor: str,
                    config: JobConfig) -> Outcome:
    """Charges the invoices `due_query` lists as (tenant, invoice, due date, dunning step), after
    the charges of `tenant` (None: all) left in flight."""
    stripe_gateway.configure(config.stripe)
    conn.execute("SELECT set_config('app.settings.payment_method_key', %s, false)", [config.payment_method_key])
    outcome = Outcome()
    for (claim,) in conn.execute("SELECT internal.in_flight_invoice_charges(internal.clock_now() - %s, %s)",
                                 [RETRY_IN_FLIGHT_AFTER, tenant]).fetchall():
        if claim["still_due"]:
            charge(conn, claim, outcome, actor)
        else:
            settle_unneeded(conn, claim, outcome, actor)
    for owner, invoice, due_on, step in conn.execute(due_query, params).fetchall():
        with acting_as(conn, actor):
            claim = conn.execute("SELECT internal.claim_invoice_charge(%s, %s, %s, %s)",
                                 [owner, invoice, due_on, step]).fetchone()[0]
        if claim is None:
            outcome.skipped += 1  # paid meanwhile, or claimed by a concurrent run
            continue
        charge(conn, claim, outcome, actor)
    return outcome


def settle_unneeded(conn: psycopg.Connection, claim: dict, outcome: Outcome, actor: str) -> None:
    """An in-flight charge whose invoice was paid meanwhile: recorded as Stripe has it if it
    reached Stripe, else failed without charging (asking again would charge the invoice twice)."""
    try:
        intent = stripe_gateway.off_session_charge_made(claim)
    except stripe.StripeError as error:  # no answer: stays in flight, looked for again next run
        outcome.errors.append(f"payment {claim['payment_id']}: gateway unavailable: {error}")
        outcome.skipped += 1
        return
    if intent is not None:
        record_intent(conn, claim, intent, outcome, actor)
        return
    record(conn, claim, actor, "fail_payment(%s, %s, %s, '{}')",
           "not charged: the invoice was paid before the charge reached the gateway")
    outcome.skipped += 1
