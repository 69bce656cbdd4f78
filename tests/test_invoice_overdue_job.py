"""`kassa jobs run invoice-overdue [--as-of DATE]`: open invoices past due become overdue, once;
without a date, on each tenant's own today."""
from __future__ import annotations

import json
import subprocess
import sys

from factories import create_customer, create_tenant, issue_invoice


def run_job(settings, as_of: str | None) -> dict:
    env = {"KASSA_HOME": settings.home, "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "kassa.cli", "jobs", "run", "invoice-overdue",
                             *(["--as-of", as_of] if as_of else [])],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_overdue_job_marks_invoices_past_due_once(settings, db, travel_to):
    travel_to("2031-01-12 12:00+00")  # the invoices below are issued in the past
    tenant = create_tenant(db, payment_terms_days=10)
    customer = create_customer(db, tenant["id"])
    late = issue_invoice(db, tenant, customer, "2031-01-01")     # due 2031-01-11
    on_time = issue_invoice(db, tenant, customer, "2031-01-05")  # due 2031-01-15

    first = run_job(settings, "2031-01-12")
    assert first["status"] == "succeeded"
    statuses = {row["id"]: row["status"] for row in
                db.execute("SELECT id, status FROM kassa.invoices WHERE id IN (%s, %s)", [late, on_time]).fetchall()}
    assert statuses == {late: "overdue", on_time: "finalised"}

    run_job(settings, "2031-01-12")
    row = db.execute("SELECT status, processed FROM kassa.job_runs WHERE job = 'invoice-overdue'"
                     " ORDER BY id DESC LIMIT 1").fetchone()
    assert row == {"status": "succeeded", "processed": 0}, "a second run for the same date marks nothing"


def test_without_a_date_each_tenant_is_swept_on_its_own_today(settings, db, travel_to):
    johannesburg = create_tenant(db, payment_terms_days=0)
    utc = create_tenant(db, country="GB", currency="GBP", vat=20, payment_terms_days=0, timezone="UTC")
    travel_to("2026-12-31 22:30+00")  # 00:30 on 1 January in Johannesburg
    due_in_johannesburg = issue_invoice(db, johannesburg, create_customer(db, johannesburg["id"]), "2026-12-31")
    due_in_utc = issue_invoice(db, utc, create_customer(db, utc["id"]), "2026-12-31")
    result = run_job(settings, None)
    assert result["status"] == "succeeded" and result["as_of"] is None
    statuses = {row["id"]: row["status"] for row in db.execute(
        "SELECT id, status FROM kassa.invoices WHERE id IN (%s, %s)", [due_in_johannesburg, due_in_utc]).fetchall()}
    assert statuses == {due_in_johannesburg: "overdue", due_in_utc: "finalised"}
    logged = db.execute("SELECT as_of FROM kassa.job_runs WHERE job = 'invoice-overdue' ORDER BY id DESC LIMIT 1")
    assert logged.fetchone() == {"as_of": None}, "a run over every tenant on its own today logs no one date"
