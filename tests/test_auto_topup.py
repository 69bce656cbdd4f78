"""Auto top-up through the `auto-topup` job and the real `stripe` library against the local
stand-in. The clock is a parameter of the job (`now`): cooldowns are crossed by passing a later
time, never by waiting."""
from __future__ import annotations

import json
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import psycopg
import pytest
import requests

from jobs import auto_topup
from jobs.config import JobConfig
from stripe_helpers import fake_requests

T0 = datetime(2026, 11, 22, 8, 0, tzinfo=timezone.utc)


def post(settings, tenant, customer, amount: int) -> None:
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute("SELECT internal.post_entry(%s, %s, 'adjustment', %s, 'test', %s)",
                     [tenant["id"], customer["id"], amount, uuid.uuid4().hex])


def run_job(settings, now: datetime) -> auto_topup.Outcome:
    with psycopg.connect(settings.worker_url, autocommit=True) as conn:
        return auto_topup.process(conn, now, "job:auto-topup:test", JobConfig.from_environment(settings.environment()))


def charges(settings, customer) -> list[dict]:
    return [r for r in fake_requests(settings, "/v1/payment_intents")
            if r["params"].get("metadata", {}).get("customer_id") == str(customer["id"])]


def setup_auto_topup(settings, db, tenant, customer, card: str) -> None:
    db.execute("SELECT set_config('app.settings.payment_method_key', %s, false)", [settings.payment_method_key])
    method = db.execute("SELECT internal.add_card(%s, %s, 'visa', '0002', 1, 2031, 'cus_auto', %s) AS id",
                        [tenant["id"], customer["id"], card]).fetchone()["id"]
    db.execute("INSERT INTO kassa.auto_topups (tenant_id, customer_id, threshold, amount, payment_method_id)"
               " VALUES (%s, %s, 5000, 10000, %s)", [tenant["id"], customer["id"], method])
    post(settings, tenant, customer, 10000)


def balance(db, customer) -> int:
    return db.execute("SELECT balance FROM kassa.billing_accounts WHERE customer_id = %s",
                      [customer["id"]]).fetchone()["balance"]


def test_a_burst_of_debits_across_the_threshold_is_one_charge(settings, db, tenant, customer):
    setup_auto_topup(settings, db, tenant, customer, "pm_card_visa")
    with ThreadPoolExecutor(max_workers=50) as pool:
        list(pool.map(lambda _: post(settings, tenant, customer, -200), range(50)))
    assert balance(db, customer) == 0
    assert db.execute("SELECT requested_at IS NOT NULL AS r FROM kassa.auto_topups WHERE customer_id = %s",
                      [customer["id"]]).fetchone()["r"]
    with ThreadPoolExecutor(max_workers=2) as pool:  # two overlapping runs
        list(pool.map(lambda _: run_job(settings, T0), range(2)))
    run_job(settings, T0 + timedelta(minutes=5))
    assert len(charges(settings, customer)) == 1
    assert charges(settings, customer)[0]["params"]["off_session"] == "true"
    assert balance(db, customer) == 10000
    payment = db.execute("SELECT status, auto_topup, provider_ref FROM kassa.payments WHERE customer_id = %s",
                         [customer["id"]]).fetchone()
    assert payment["status"] == "completed" and payment["auto_topup"] and payment["provider_ref"].startswith("pi_")


def test_cooldown_then_next_charge(settings, db, tenant, customer):
    setup_auto_topup(settings, db, tenant, customer, "pm_card_visa")
    post(settings, tenant, customer, -6000)
    assert run_job(settings, T0).processed == 1
    post(settings, tenant, customer, -12000)  # below the threshold again at once
    assert run_job(settings, T0 + timedelta(minutes=59)).processed == 0
    assert len(charges(settings, customer)) == 1
    assert run_job(settings, T0 + timedelta(minutes=60)).processed == 1
    assert len(charges(settings, customer)) == 2


def test_three_declines_disable_auto_topup_with_a_notification(settings, db, api, token, tenant, customer):
    setup_auto_topup(settings, db, tenant, customer, "pm_card_chargeDeclined")
    post(settings, tenant, customer, -6000)
    for minutes, failed in ((0, 1), (30, 0), (61, 1), (122, 1), (300, 0)):
        assert run_job(settings, T0 + timedelta(minutes=minutes)).failed == failed, minutes
    assert len(charges(settings, customer)) == 3
    state = db.execute("SELECT enabled, consecutive_failures, in_flight_payment_id FROM kassa.auto_topups"
                       " WHERE customer_id = %s", [customer["id"]]).fetchone()
    assert state == {"enabled": False, "consecutive_failures": 3, "in_flight_payment_id": None}
    notes = api(token("customer", tenant["id"], customer["id"])).get("/notifications?kind=eq.auto_topup_disabled").json()
    assert len(notes) == 1 and notes[0]["payload"]["failures"] == 3
    assert balance(db, customer) == 4000


def test_a_success_resets_the_failure_count(settings, db, api, token, tenant, customer):
    setup_auto_topup(settings, db, tenant, customer, "pm_card_chargeDeclined")
    post(settings, tenant, customer, -6000)
    assert run_job(settings, T0).failed == 1
    me = api(token("customer", tenant["id"], customer["id"]))
    card = db.execute("SELECT internal.add_card(%s, %s, 'visa', '4242', 1, 2031, 'cus_auto', 'pm_card_visa') AS id",
                      [tenant["id"], customer["id"]]).fetchone()["id"]
    configured = me.rpc("configure_auto_topup", enabled=True, threshold=5000, amount=10000, payment_method_id=str(card))
    assert configured.status_code in (200, 204), configured.text
    assert run_job(settings, T0 + timedelta(minutes=61)).processed == 1
    assert me.get("/auto_topups").json()[0]["consecutive_failures"] == 0


def test_configure_refuses_a_method_that_is_not_the_customers_card(api, token, tenant, customer):
    me = api(token("customer", tenant["id"], customer["id"]))
    refused = me.rpc("configure_auto_topup", enabled=True, threshold=5000, amount=10000,
                     payment_method_id=str(uuid.uuid4()))
    assert refused.json()["code"] == "P0M01"
    assert me.get("/auto_topups").json() == []


@pytest.mark.parametrize("amount, code", [(10, "P0P01"), (10**9, "P0P02")])
def test_configure_refuses_amounts_outside_the_limits(settings, db, api, token, tenant, customer, amount, code):
    db.execute("SELECT set_config('app.settings.payment_method_key', %s, false)", [settings.payment_method_key])
    card = db.execute("SELECT internal.add_card(%s, %s, 'visa', '4242', 1, 2031, 'cus_a', 'pm_card_visa') AS id",
                      [tenant["id"], customer["id"]]).fetchone()["id"]
    me = api(token("customer", tenant["id"], customer["id"]))
    refused = me.rpc("configure_auto_topup", enabled=True, threshold=5000, amount=amount, payment_method_id=str(card))
    assert refused.json()["code"] == code


def test_the_job_runs_from_the_cli_and_writes_the_job_log(settings, db):
    env = {"KASSA_HOME": settings.home, "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "kassa.cli", "jobs", "run", "auto-topup"],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "succeeded"
    assert db.execute("SELECT status FROM kassa.job_runs WHERE job = 'auto-topup' ORDER BY id DESC LIMIT 1"
                      ).fetchone() == {"status": "succeeded"}


def test_a_card_saved_at_checkout_is_the_one_auto_topup_charges(settings, db, api, token, tenant, customer):
    me = api(token("customer", tenant["id"], customer["id"]))
    started = requests.post(settings.bridge_url + "/top-ups", timeout=30, json={
        "amount": 10000, "request_id": "save-card-1", "save_card": True},
        headers={"Authorization": f"Bearer {token('customer', tenant['id'], customer['id'])}"}).json()
    assert requests.post(started["checkout_url"] + "/pay", allow_redirects=False, timeout=30).status_code == 303
    cards = me.get("/payment_methods").json()
    assert [(c["kind"], c["brand"], c["last4"], c["is_primary"]) for c in cards] == [("card", "visa", "4242", True)]
    configured = me.rpc("configure_auto_topup", enabled=True, threshold=5000, amount=10000,
                        payment_method_id=cards[0]["id"])
    assert configured.status_code in (200, 204), configured.text

    post(settings, tenant, customer, -6000)
    assert run_job(settings, T0).processed == 1
    charge = charges(settings, customer)[-1]["params"]
    assert charge["payment_method"].startswith("pm_") and charge["customer"].startswith("cus_")
    assert charge["payment_method"] not in me.get("/payment_methods").text
    assert balance(db, customer) == 10000 - 6000 + 10000


def test_an_attempt_left_in_flight_by_a_crash_is_charged_once_later(settings, db, tenant, customer):
    setup_auto_topup(settings, db, tenant, customer, "pm_card_visa")
    post(settings, tenant, customer, -6000)
    # The job claimed the attempt and died before asking Stripe.
    with psycopg.connect(settings.worker_url, autocommit=True) as conn:
        conn.execute("SELECT set_config('app.settings.payment_method_key', %s, false)", [settings.payment_method_key])
        assert conn.execute("SELECT internal.claim_auto_topup(%s, %s, %s)",
                            [tenant["id"], customer["id"], T0]).fetchone()[0] is not None
    assert run_job(settings, T0 + timedelta(minutes=4)).processed == 0  # may still be on its way
    assert charges(settings, customer) == []
    assert run_job(settings, T0 + timedelta(minutes=5)).processed == 1
    assert run_job(settings, T0 + timedelta(minutes=6)).processed == 0
    assert len(charges(settings, customer)) == 1
    assert balance(db, customer) == 10000 - 6000 + 10000
