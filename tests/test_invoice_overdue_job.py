"""`kassa jobs run invoice-overdue --as-of DATE`: open invoices past due become overdue, once."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import create_customer, create_tenant


def run_job(settings, as_of: str) -> dict:
    env = {"KASSA_HOME": settings.home, "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "kassa.cli", "jobs", "run", "invoice-overdue", "--as-of", as_of],
                            capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def issue(db, tenant, customer, issued_on: str):
    invoice = db.execute("INSERT INTO kassa.invoices (tenant_id, customer_id, currency, prices_include_vat)"
                         " VALUES (%s, %s, %s, %s) RETURNING id",
                         [tenant["id"], customer["id"], tenant["currency"], tenant["prices_include_vat"]]).fetchone()["id"]
    db.execute("INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, description, unit_price) VALUES (%s, %s, 'x', 1000)",
               [tenant["id"], invoice])
    db.execute("SELECT internal.finalise_invoices(%s, ARRAY[%s]::uuid[], %s)", [tenant["id"], invoice, issued_on])
    return invoice


def test_overdue_job_marks_invoices_past_due_once(settings, db, clock):
    clock("2031-01-12 12:00+00")  # the invoices below are issued in the past
    tenant = create_tenant(db, payment_terms_days=10)
    customer = create_customer(db, tenant["id"])
    late = issue(db, tenant, customer, "2031-01-01")     # due 2031-01-11
    on_time = issue(db, tenant, customer, "2031-01-05")  # due 2031-01-15

    first = run_job(settings, "2031-01-12")
    assert first["status"] == "succeeded"
    statuses = {row["id"]: row["status"] for row in
                db.execute("SELECT id, status FROM kassa.invoices WHERE id IN (%s, %s)", [late, on_time]).fetchall()}
    assert statuses == {late: "overdue", on_time: "finalised"}

    run_job(settings, "2031-01-12")
    row = db.execute("SELECT status, processed FROM kassa.job_runs WHERE job = 'invoice-overdue'"
                     " ORDER BY id DESC LIMIT 1").fetchone()
    assert row == {"status": "succeeded", "processed": 0}, "a second run for the same date marks nothing"
