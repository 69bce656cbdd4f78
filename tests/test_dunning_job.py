"""`kassa jobs run dunning --as-of DATE`, day after day: a customer gets exactly the scheduled
reminders and notices (the default schedule: -7, -3, -1, +1, +7, suspension at +14), is
suspended on day +14 and not before; after an outage one run takes only the latest due step;
a payment that clears the debt reconnects the service in its own transaction; a retry step charges
an auto-pay card once."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta

from psycopg.types.json import Jsonb

from factories import create_customer, create_service, create_tenant, issue_invoice, run_job
from jobs import runner
from stripe_helpers import fake_requests

ISSUED = date(2031, 3, 1)
DUE = ISSUED + timedelta(days=14)  # the tenant's default payment terms


def run_dunning(settings, tenant, as_of: date) -> dict:
    """One run as `kassa jobs run dunning --tenant --as-of` makes it, in this process (a job run
    through the CLI costs seconds; the first day of the thirty goes through the CLI itself)."""
    status, outcome = run_job(settings, "dunning", as_of, tenant["id"])
    return runner.summary("dunning", str(tenant["id"]), as_of, status, outcome)


def run_dunning_command(settings, tenant, as_of: date) -> dict:
    result = subprocess.run([sys.executable, "-m", "kassa.cli", "jobs", "run", "dunning", "--tenant", str(tenant["id"]),
                             "--as-of", as_of.isoformat()],
                            env={"KASSA_HOME": settings.home, "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def on(travel_to, day: date) -> None:
    """The platform's clock at 10:00 on that day in Johannesburg: the tenant's today is `day`."""
    travel_to(f"{day.isoformat()} 08:00+00")


def customer_with_service(db, travel_to):
    """A tenant, a customer with one active service and an invoice of 10.00 due on DUE."""
    on(travel_to, ISSUED)
    tenant = create_tenant(db)
    customer = create_customer(db, tenant["id"], name="Dina Debtor")
    service = create_service(db, tenant["id"], customer["id"], 49900,
                             service={"reference": Jsonb({"circuit": "FTTH-0042"})})["id"]
    db.execute("SELECT internal.service_transition(%s, %s, 'activate', 'connected', %s)",
               [tenant["id"], service, ISSUED])
    invoice = issue_invoice(db, tenant, customer, ISSUED.isoformat())
    return tenant, customer, service, invoice


def dunning_events(db, customer) -> list[tuple]:
    rows = db.execute("SELECT kind, payload FROM kassa.notifications WHERE customer_id = %s AND payload ? 'step'"
                      " ORDER BY id", [customer["id"]]).fetchall()
    return [(row["kind"], row["payload"].get("step"), row["payload"].get("as_of")) for row in rows]


def service_state(db, service) -> tuple:
    row = db.execute("SELECT status, suspension_reason, suspended_on FROM kassa.services WHERE id = %s",
                     [service]).fetchone()
    return row["status"], row["suspension_reason"], row["suspended_on"]


def test_thirty_daily_runs_send_each_scheduled_step_once_and_suspend_on_day_14(settings, db, travel_to):
    tenant, customer, service, invoice = customer_with_service(db, travel_to)
    suspension_day = DUE + timedelta(days=14)
    for n, day in enumerate(DUE - timedelta(days=8) + timedelta(days=n) for n in range(30)):
        on(travel_to, day)
        summary = (run_dunning_command if n == 0 else run_dunning)(settings, tenant, day)
        assert summary["status"] == "succeeded", summary
        expected = ("suspended", "non_payment", suspension_day) if day >= suspension_day else ("active", None, None)
        assert service_state(db, service) == expected, f"on {day}"

    def step(kind, offset):
        return kind, offset, (DUE + timedelta(days=offset)).isoformat()
    assert dunning_events(db, customer) == [
        step("invoice_reminder", -7), step("invoice_reminder", -3), step("invoice_reminder", -1),
        step("invoice_overdue_notice", 1), step("invoice_overdue_notice", 7), step("services_suspended", 14)]
    suspended = db.execute("SELECT payload FROM kassa.notifications WHERE customer_id = %s AND kind = 'services_suspended'",
                           [customer["id"]]).fetchone()["payload"]
    assert suspended["invoice_id"] == str(invoice) and suspended["amount_due"] == 1000
    assert [(s["service_id"], s["reference"]) for s in suspended["services"]] == [(str(service), {"circuit": "FTTH-0042"})]
    runs = db.execute("SELECT count(*) AS n, sum(processed) AS taken FROM kassa.job_runs"
                      " WHERE job = 'dunning' AND tenant_id = %s AND status = 'succeeded'", [tenant["id"]]).fetchone()
    assert runs == {"n": 30, "taken": 6}, "every run is logged with what it took"


def test_after_an_outage_one_run_takes_only_the_latest_due_step(settings, db, travel_to):
    tenant, customer, service, invoice = customer_with_service(db, travel_to)
    for day, latest in ((DUE - timedelta(days=3), ("invoice_reminder", -3)),
                        (DUE + timedelta(days=9), ("invoice_overdue_notice", 7))):
        on(travel_to, day)
        summary = run_dunning(settings, tenant, day)
        assert dunning_events(db, customer)[-1] == (*latest, day.isoformat())
    assert summary["skipped"] == 2, "-1 and +1 were missed: recorded as skipped, not sent"
    assert [kind for kind, *_ in dunning_events(db, customer)] == ["invoice_reminder", "invoice_overdue_notice"]
    assert service_state(db, service)[0] == "active"


def test_a_payment_that_clears_the_debt_reconnects_in_its_own_transaction(settings, db, travel_to, api, token):
    tenant, customer, service, invoice = customer_with_service(db, travel_to)
    suspension_day = DUE + timedelta(days=14)
    on(travel_to, suspension_day)
    run_dunning(settings, tenant, suspension_day)
    assert service_state(db, service) == ("suspended", "non_payment", suspension_day)

    staff = api(token("staff", tenant["id"]))
    paid = staff.rpc("record_manual_payment", customer_id=str(customer["id"]), amount=1000, method="eft",
                     reason="EFT received", reference="EFT-1")
    assert paid.status_code == 200, paid.text
    assert service_state(db, service) == ("active", None, None), "reconnected at once, no job in between"
    payment_tx = db.execute("SELECT xmin::text AS tx FROM kassa.payments WHERE id = %s", [paid.json()]).fetchone()["tx"]
    resume_tx = db.execute("SELECT xmin::text AS tx FROM kassa.service_actions WHERE service_id = %s AND action = 'resume'",
                           [service]).fetchone()["tx"]
    assert payment_tx == resume_tx, "the payment and the reconnection commit together"
    reactivated = db.execute("SELECT payload FROM kassa.notifications WHERE customer_id = %s"
                             " AND kind = 'services_reactivated'", [customer["id"]]).fetchone()["payload"]
    assert [s["service_id"] for s in reactivated["services"]] == [str(service)]

    on(travel_to, suspension_day + timedelta(days=1))
    assert run_dunning(settings, tenant, suspension_day + timedelta(days=1))["processed"] == 0, "a paid invoice is done"


def test_a_retry_step_charges_an_auto_pay_card_once_per_step(settings, db, travel_to):
    """The default schedule's notices (+1, +7) retry: a declined card fails that step's charge
    and the run goes on; a card saved since is charged at the next retry step, once, and pays."""
    tenant, customer, service, invoice = customer_with_service(db, travel_to)
    db.execute("SELECT set_config('app.settings.payment_method_key', %s, false)", [settings.payment_method_key])
    add_card = "SELECT internal.add_card(%s, %s, 'visa', '0002', 1, 2031, 'cus_retry', %s, true)"
    db.execute(add_card, [tenant["id"], customer["id"], "pm_card_chargeDeclined"])
    db.execute("SELECT internal.configure_auto_pay(%s, %s, true)", [tenant["id"], customer["id"]])

    def charges() -> list[dict]:
        return [r["params"] for r in fake_requests(settings, "/v1/payment_intents")
                if r["params"].get("metadata", {}).get("customer_id") == str(customer["id"])]

    on(travel_to, DUE + timedelta(days=1))
    first = run_dunning(settings, tenant, DUE + timedelta(days=1))
    assert first["status"] == "succeeded" and first["card_retries"] == {
        "charged": 0, "declined": 1, "not_charged": 0}, first
    assert len(charges()) == 1 and charges()[0]["off_session"] == "true"
    assert run_dunning(settings, tenant, DUE + timedelta(days=2))["card_retries"]["declined"] == 0
    assert len(charges()) == 1  # a step's retry is charged once, declined or not

    db.execute(add_card, [tenant["id"], customer["id"], "pm_card_visa"])
    on(travel_to, DUE + timedelta(days=7))
    assert run_dunning(settings, tenant, DUE + timedelta(days=7))["card_retries"]["charged"] == 1
    assert run_dunning(settings, tenant, DUE + timedelta(days=7))["card_retries"]["charged"] == 0
    made = charges()
    assert len(made) == 2 and made[1]["amount"] == "1000"
    payments = db.execute("SELECT status, dunning_step, auto_pay_due_on FROM kassa.payments WHERE invoice_id = %s"
                          " ORDER BY created_at", [invoice]).fetchall()
    assert payments == [{"status": "failed", "dunning_step": 1, "auto_pay_due_on": None},
                        {"status": "completed", "dunning_step": 7, "auto_pay_due_on": None}]
    assert db.execute("SELECT status FROM kassa.invoices WHERE id = %s", [invoice]).fetchone()["status"] == "paid"
    retries = [row["payload"]["retry"] for row in db.execute(
        "SELECT payload FROM kassa.notifications WHERE customer_id = %s AND kind = 'invoice_overdue_notice' ORDER BY id",
        [customer["id"]])]
    assert retries == ["card", "card"]
    on(travel_to, DUE + timedelta(days=14))
    run_dunning(settings, tenant, DUE + timedelta(days=14))
    assert service_state(db, service)[0] == "active"  # paid: no suspension
