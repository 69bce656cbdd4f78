"""Auto-pay on the due date through the `auto-pay` job and the real `stripe` library against
the local stand-in: an opted-in customer's invoice due that day is charged once to the primary
card, off-session, and settles that invoice; a decline fails the payment and leaves the
invoice open; re-runs never charge again, and a charge a crash left in flight is made once later
(unless the invoice was paid meanwhile: then it is only looked for at Stripe)."""
from __future__ import annotations

import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta, timezone

import psycopg

from factories import issue_invoice, run_job
from gateways import stripe as stripe_gateway
from jobs import auto_pay, runner
from jobs.config import JobConfig
from stripe_helpers import fake_requests


def config(settings) -> JobConfig:
    return JobConfig.from_environment(settings.environment())


def run_auto_pay(settings, tenant, as_of: date, expect: str = "succeeded") -> runner.Outcome:
    """One run, logged in the job log as `kassa jobs run auto-pay --as-of` logs it (a run with a
    failed charge is a failed run)."""
    status, outcome = run_job(settings, "auto-pay", as_of, tenant["id"])
    assert status == expect, outcome
    return outcome


def charges(settings, customer) -> list[dict]:
    return [r for r in fake_requests(settings, "/v1/payment_intents")
            if r["params"].get("metadata", {}).get("customer_id") == str(customer["id"])]


def opt_in(settings, db, api, token, tenant, customer, card: str) -> None:
    db.execute("SELECT set_config('app.settings.payment_method_key', %s, false)", [settings.payment_method_key])
    db.execute("SELECT internal.add_card(%s, %s, 'visa', '0002', 1, 2031, 'cus_autopay', %s, true)",
               [tenant["id"], customer["id"], card])
    answer = api(token("customer", tenant["id"], customer["id"])).rpc("configure_auto_pay", enabled=True)
    assert answer.status_code == 200 and answer.json() is True, answer.text


def invoice(db, invoice_id) -> dict:
    return db.execute("SELECT status, amount_due, due_on FROM kassa.invoices WHERE id = %s", [invoice_id]).fetchone()


def test_the_invoice_due_that_day_is_charged_once_and_settled(settings, db, api, token, tenant, customer):
    opt_in(settings, db, api, token, tenant, customer, "pm_card_visa")
    older = issue_invoice(db, tenant, customer, "2026-11-01")   # open, due before: not auto-paid
    due = issue_invoice(db, tenant, customer, "2026-11-20")
    as_of = invoice(db, due)["due_on"]
    assert as_of > invoice(db, older)["due_on"]

    with ThreadPoolExecutor(max_workers=2) as pool:  # two overlapping runs (the job body, unlocked)
        with psycopg.connect(settings.worker_url, autocommit=True) as a, \
             psycopg.connect(settings.worker_url, autocommit=True) as b:
            outcomes = list(pool.map(lambda conn: auto_pay.run(conn, as_of, str(tenant["id"]), "job:auto-pay:test",
                                                               config(settings)), (a, b)))
    assert sorted(o.processed for o in outcomes) == [0, 1]
    assert run_auto_pay(settings, tenant, as_of).processed == 0     # a re-run the same day
    made = charges(settings, customer)
    assert len(made) == 1
    assert made[0]["params"]["off_session"] == "true" and made[0]["params"]["amount"] == "1000"
    assert invoice(db, due)["status"] == "paid"
    assert invoice(db, older)["status"] in ("finalised", "overdue")  # the payment named the due invoice
    payment = db.execute("SELECT status, invoice_id, auto_pay_due_on, provider_ref FROM kassa.payments"
                         " WHERE customer_id = %s", [customer["id"]]).fetchall()
    assert payment == [{"status": "completed", "invoice_id": due, "auto_pay_due_on": as_of,
                        "provider_ref": payment[0]["provider_ref"]}]
    assert payment[0]["provider_ref"].startswith("pi_")
    logged = db.execute("SELECT status, processed, as_of FROM kassa.job_runs WHERE job = 'auto-pay' AND tenant_id = %s"
                        " ORDER BY id", [tenant["id"]]).fetchall()
    assert logged == [{"status": "succeeded", "processed": 0, "as_of": as_of}]


def test_a_declined_card_fails_the_payment_and_leaves_the_invoice_open(settings, db, api, token, tenant, customer):
    opt_in(settings, db, api, token, tenant, customer, "pm_card_chargeDeclined")
    due = issue_invoice(db, tenant, customer, "2026-11-20")
    as_of = invoice(db, due)["due_on"]
    outcome = run_auto_pay(settings, tenant, as_of, expect="failed")
    assert (outcome.processed, outcome.failed) == (0, 1) and "declined" in outcome.errors[0]
    assert run_auto_pay(settings, tenant, as_of).failed == 0          # not tried again for that due date
    assert len(charges(settings, customer)) == 1
    failed = db.execute("SELECT status, failure_reason, invoice_id FROM kassa.payments WHERE customer_id = %s",
                        [customer["id"]]).fetchone()
    assert failed["status"] == "failed" and failed["failure_reason"] and failed["invoice_id"] == due
    assert invoice(db, due)["status"] in ("finalised", "overdue") and invoice(db, due)["amount_due"] == 1000


def test_customers_not_opted_in_are_not_charged(settings, db, api, token, tenant, customer):
    db.execute("SELECT set_config('app.settings.payment_method_key', %s, false)", [settings.payment_method_key])
    me = api(token("customer", tenant["id"], customer["id"]))
    refused = me.rpc("configure_auto_pay", enabled=True)             # no card yet
    assert refused.status_code == 400 and refused.json()["code"] == "P0X06"
    db.execute("SELECT internal.add_card(%s, %s, 'visa', '0002', 1, 2031, 'cus_autopay', 'pm_card_visa', true)",
               [tenant["id"], customer["id"]])
    assert me.rpc("configure_auto_pay", enabled=True).json() is True
    staff = api(token("staff", tenant["id"]))
    assert staff.rpc("configure_auto_pay", enabled=False, customer_id=str(customer["id"])).json() is False
    due = issue_invoice(db, tenant, customer, "2026-11-20")
    assert run_auto_pay(settings, tenant, invoice(db, due)["due_on"]).processed == 0
    assert charges(settings, customer) == []
    assert invoice(db, due)["amount_due"] == 1000


def test_the_job_runs_from_the_cli_and_writes_the_job_log(settings, db, tenant):
    env = {"KASSA_HOME": settings.home, "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "kassa.cli", "jobs", "run", "auto-pay", "--as-of", "2026-12-01",
                             "--tenant", str(tenant["id"])], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "succeeded"
    assert db.execute("SELECT status, as_of FROM kassa.job_runs WHERE job = 'auto-pay' AND tenant_id = %s",
                      [tenant["id"]]).fetchone() == {"status": "succeeded", "as_of": date(2026, 12, 1)}


def test_a_charge_left_in_flight_by_a_crash_is_made_once_later(settings, db, api, token, tenant, customer, travel_to):
    opt_in(settings, db, api, token, tenant, customer, "pm_card_visa")
    due = issue_invoice(db, tenant, customer, "2026-11-20")
    as_of = invoice(db, due)["due_on"]
    # The job claimed the charge and died before asking Stripe.
    with psycopg.connect(settings.worker_url, autocommit=True) as conn:
        conn.execute("SELECT set_config('app.settings.payment_method_key', %s, false)", [settings.payment_method_key])
        assert conn.execute("SELECT internal.claim_invoice_charge(%s, %s, %s, NULL)", [tenant["id"], due, as_of]).fetchone()[0]
    assert run_auto_pay(settings, tenant, as_of).processed == 0        # may still be on its way
    assert charges(settings, customer) == []
    travel_to(datetime.now(timezone.utc) + timedelta(minutes=6))
    assert run_auto_pay(settings, tenant, as_of).processed == 1
    assert run_auto_pay(settings, tenant, as_of).processed == 0
    assert len(charges(settings, customer)) == 1
    assert invoice(db, due)["status"] == "paid"


def crashed_claim(settings, db, api, token, tenant, customer) -> tuple:
    """An opted-in customer's invoice whose charge the job claimed before dying; the claim."""
    opt_in(settings, db, api, token, tenant, customer, "pm_card_visa")
    due = issue_invoice(db, tenant, customer, "2026-11-20")
    with psycopg.connect(settings.worker_url, autocommit=True) as conn:
        conn.execute("SELECT set_config('app.settings.payment_method_key', %s, false)", [settings.payment_method_key])
        claim = conn.execute("SELECT internal.claim_invoice_charge(%s, %s, %s, NULL)",
                             [tenant["id"], due, invoice(db, due)["due_on"]]).fetchone()[0]
    return due, claim


def paid_by_eft(api, token, tenant, customer) -> None:
    paid = api(token("staff", tenant["id"])).rpc("record_manual_payment", customer_id=str(customer["id"]), amount=1000,
                                                  method="eft", reason="EFT received", reference="EFT-9")
    assert paid.status_code == 200, paid.text


def card_payment(db, claim) -> dict:
    return db.execute("SELECT status, failure_reason FROM kassa.payments WHERE id = %s", [claim["payment_id"]]).fetchone()


def test_an_invoice_paid_while_its_charge_was_in_flight_is_not_charged(settings, db, api, token, tenant, customer,
                                                                         travel_to):
    due, claim = crashed_claim(settings, db, api, token, tenant, customer)
    paid_by_eft(api, token, tenant, customer)
    travel_to(datetime.now(timezone.utc) + timedelta(minutes=6))
    run_auto_pay(settings, tenant, invoice(db, due)["due_on"])
    assert charges(settings, customer) == [], "Stripe was only asked whether the charge exists"
    assert card_payment(db, claim) == {"status": "failed", "failure_reason":
                                       "not charged: the invoice was paid before the charge reached the gateway"}
    assert invoice(db, due)["status"] == "paid"


def test_a_charge_that_reached_stripe_before_the_crash_is_recorded_even_if_the_invoice_was_paid(
        settings, db, api, token, tenant, customer, travel_to):
    due, claim = crashed_claim(settings, db, api, token, tenant, customer)
    stripe_gateway.configure(config(settings).stripe)
    stripe_gateway.charge_off_session(claim)  # Stripe charged the card; the job died before recording it
    paid_by_eft(api, token, tenant, customer)
    travel_to(datetime.now(timezone.utc) + timedelta(minutes=6))
    assert run_auto_pay(settings, tenant, invoice(db, due)["due_on"]).processed == 1
    assert len(charges(settings, customer)) == 1, "found, not charged again"
    assert card_payment(db, claim)["status"] == "completed"  # the money taken is on the account, never lost
    balance = db.execute("SELECT balance FROM kassa.billing_accounts WHERE customer_id = %s", [customer["id"]]).fetchone()
    assert balance["balance"] == 1000
