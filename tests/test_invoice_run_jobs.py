"""`kassa jobs run` for one tenant or all: the real counts, each tenant's own date, the lock per
job and tenant, the job log with its tenant (read by that tenant's staff over HTTP), and the
same outcome for the same failure whether a request or a job ran it."""
from __future__ import annotations

import json
import subprocess
import sys
import uuid
from datetime import date

import psycopg

from bench import book
from jobs import runner


def kassa_jobs(settings, *args: str) -> tuple[int, dict | None, str]:
    result = subprocess.run([sys.executable, "-m", "kassa.cli", "jobs", "run", *args],
                            env={"KASSA_HOME": settings.home, "PATH": "/usr/bin:/bin"},
                            capture_output=True, text=True, timeout=120)
    return result.returncode, json.loads(result.stdout) if result.stdout else None, result.stderr


def pending_service(db, tenant: str, day: int = 1) -> str:
    """A pending service of a new customer on the book tenant's plan (its id is the tenant's)."""
    customer = db.execute("INSERT INTO kassa.customers (tenant_id, name, email) VALUES (%s, 'Pro Rata', %s)"
                          " RETURNING id", [tenant, f"{uuid.uuid4().hex[:10]}@example.com"]).fetchone()["id"]
    return str(db.execute("INSERT INTO kassa.services (tenant_id, customer_id, price_version_id, billing_day)"
                          " VALUES (%s, %s, %s, %s) RETURNING id", [tenant, customer, tenant, day]).fetchone()["id"])


def act(db, tenant: str, service: str, action: str, on: date) -> None:
    db.execute("SELECT internal.service_transition(%s, %s, %s, 'test', %s)", [tenant, service, action, on])


def invoiced(db, tenant: str) -> int:
    return db.execute("SELECT count(*) AS n FROM kassa.invoices WHERE tenant_id = %s", [tenant]).fetchone()["n"]


def test_the_run_prints_invoices_charges_and_credit_notes(settings, db):
    [tenant] = book.load(db, tenants=1, services_per_tenant=0, due=date(2021, 3, 1))
    service = pending_service(db, tenant)
    act(db, tenant, service, "activate", date(2021, 3, 10))  # pro-rata 10-31 Mar, nothing recurring due
    code, summary, err = kassa_jobs(settings, "invoice-run", "--tenant", tenant, "--as-of", "2021-03-10")
    assert code == 0, err
    assert {k: summary[k] for k in ("status", "processed", "invoices", "charges", "credit_notes", "failures")} == {
        "status": "succeeded", "processed": 0, "invoices": 1, "charges": 1, "credit_notes": 0, "failures": {}}

    act(db, tenant, service, "cancel", date(2021, 3, 20))
    code, summary, err = kassa_jobs(settings, "invoice-run", "--tenant", tenant, "--as-of", "2021-03-21")
    assert code == 0, err
    assert (summary["invoices"], summary["charges"], summary["credit_notes"]) == (0, 0, 1)
    log = db.execute("SELECT tenant_id::text, as_of, detail FROM kassa.job_runs WHERE job = 'invoice-run'"
                     " ORDER BY id DESC LIMIT 1").fetchone()
    assert (log["tenant_id"], log["as_of"], log["detail"]["credit_notes"]) == (tenant, date(2021, 3, 21), 1)


def test_tenant_option_bills_that_tenant_only(settings, db):
    due = date(2021, 4, 1)
    first, second = book.load(db, tenants=2, services_per_tenant=3, due=due)
    code, summary, err = kassa_jobs(settings, "invoice-run", "--tenant", second, "--as-of", due.isoformat())
    assert code == 0, err
    assert (summary["tenant"], summary["tenants"], summary["invoices"]) == (second, 1, 3)
    assert (invoiced(db, first), invoiced(db, second)) == (0, 3)


def test_without_as_of_each_tenant_uses_its_own_today(settings, db, travel_to):
    # 31 May 23:30 UTC is already 1 June in Johannesburg (UTC+2), still 31 May in UTC.
    due = date(2031, 6, 1)
    travel_to("2031-05-31 23:30+00")  # before the book is loaded: its prices lie in the tenants' window
    local, utc = book.load(db, tenants=2, services_per_tenant=2, due=due)
    db.execute("UPDATE kassa.tenants SET invoice_lead_days = 0, timezone = CASE id WHEN %s THEN 'Africa/Johannesburg'"
               " ELSE 'UTC' END WHERE id IN (%s, %s)", [local, local, utc])
    for tenant in (local, utc):
        code, summary, err = kassa_jobs(settings, "invoice-run", "--tenant", tenant)
        assert code == 0, err
    assert (invoiced(db, local), invoiced(db, utc)) == (2, 0), "due on 1 June: billed where it is 1 June"
    logged = db.execute("SELECT tenant_id::text, as_of FROM kassa.job_runs WHERE tenant_id IN (%s, %s)",
                        [local, utc]).fetchall()
    assert {r["tenant_id"]: r["as_of"] for r in logged} == {local: due, utc: date(2031, 5, 31)}


def test_the_lock_is_per_job_and_tenant(settings, db, alone):
    due = date(2019, 11, 1)  # the platform-wide runs below bill no other test's services
    busy, free = book.load(db, tenants=2, services_per_tenant=2, due=due)
    with psycopg.connect(settings.database_url, autocommit=True) as holder:
        # Another run of invoice-run for `busy` (the runner's key for that job and tenant).
        holder.execute("SELECT pg_advisory_lock(hashtext('kassa.job'), hashtext(%s))",
                       [runner.lock_name("invoice-run", busy)])
        code, summary, _ = kassa_jobs(settings, "invoice-run", "--tenant", busy, "--as-of", due.isoformat())
        assert (code, summary["status"]) == (0, "skipped")
        code, summary, err = kassa_jobs(settings, "invoice-run", "--tenant", free, "--as-of", due.isoformat())
        assert (code, summary["status"], summary["invoices"]) == (0, "succeeded", 2), err
        assert invoiced(db, busy) == 0
        # The platform-wide run leaves the tenant another run holds, and says so.
        code, summary, err = kassa_jobs(settings, "invoice-run", "--as-of", due.isoformat())
        assert code == 0, err
        assert busy in summary["locked"] and invoiced(db, busy) == 0
    code, summary, err = kassa_jobs(settings, "invoice-run", "--as-of", due.isoformat())
    assert code == 0 and invoiced(db, busy) == 2, err


def test_staff_read_their_own_tenants_job_runs(settings, db, api, token, customer):
    mine, theirs = book.load(db, tenants=2, services_per_tenant=1, due=date(2021, 6, 1))
    for tenant in (mine, theirs):
        assert kassa_jobs(settings, "ledger-check", "--tenant", tenant)[0] == 0
    assert kassa_jobs(settings, "ledger-check")[0] == 0  # platform-wide: DBAs only
    rows = api(token("staff", mine)).get("/job_runs", params={"select": "job,tenant_id,status"}).json()
    assert rows == [{"job": "ledger-check", "tenant_id": mine, "status": "succeeded"}]
    refused = api(token("customer", customer["tenant_id"], customer["id"])).get("/job_runs")
    assert refused.status_code == 403 and refused.json()["code"] == "42501"


def test_an_unknown_tenant_is_refused_before_anything_runs(settings, db):
    before = db.execute("SELECT count(*) AS n FROM kassa.job_runs").fetchone()["n"]
    code, _, err = kassa_jobs(settings, "invoice-run", "--tenant", "00000000-0000-4000-8000-000000000000")
    assert code == 1 and "unknown tenant 00000000-0000-4000-8000-000000000000" in err
    code, _, err = kassa_jobs(settings, "invoice-run", "--tenant", "tenant-a")
    assert code == 2 and "not a UUID" in err
    assert db.execute("SELECT count(*) AS n FROM kassa.job_runs").fetchone()["n"] == before


def test_the_same_failure_over_http_and_from_a_job(settings, db, api, token):
    """A business error inside the run (the customer's account is in another currency: P0I04)
    is the same error, nothing billed, whether a staff request (immediate pro-rata) or the job
    ran it: no code path catches it."""
    over_http, in_job = book.load(db, tenants=2, services_per_tenant=0, due=date(2021, 7, 1))
    db.execute("UPDATE kassa.tenants SET proration_mode = 'immediate' WHERE id = %s", [over_http])
    services = {tenant: pending_service(db, tenant) for tenant in (over_http, in_job)}
    db.execute("UPDATE kassa.billing_accounts SET currency = 'EUR' WHERE tenant_id IN (%s, %s)", [over_http, in_job])
    try:

        response = api(token("staff", over_http)).rpc("activate_service", service_id=services[over_http],
                                                      reason="test", activated_on="2021-07-10")
        assert response.status_code == 400 and response.json()["code"] == "P0I04", response.text
        assert db.execute("SELECT status FROM kassa.services WHERE id = %s", [services[over_http]]).fetchone() == {
            "status": "pending"}, "the request changed nothing"

        act(db, in_job, services[in_job], "activate", date(2021, 7, 10))
        code, summary, _ = kassa_jobs(settings, "invoice-run", "--tenant", in_job, "--as-of", "2021-07-10")
        assert (code, summary["status"]) == (1, "failed")
        assert summary["failures"][in_job].startswith("P0I04 ")
        assert (invoiced(db, over_http), invoiced(db, in_job)) == (0, 0)
    finally:  # platform-wide runs of other tests must not meet the broken accounts
        db.execute("UPDATE kassa.billing_accounts SET currency = 'ZAR' WHERE tenant_id IN (%s, %s)", [over_http, in_job])


def test_a_cancellation_credit_is_the_same_credit_note_over_http_and_from_a_job(settings, db, api, token):
    over_http, in_job = book.load(db, tenants=2, services_per_tenant=0, due=date(2021, 8, 1))
    db.execute("UPDATE kassa.tenants SET proration_mode = 'immediate' WHERE id = %s", [over_http])
    services = {tenant: pending_service(db, tenant) for tenant in (over_http, in_job)}
    staff = api(token("staff", over_http))
    for action, on in (("activate_service", "2021-08-10"), ("cancel_service", "2021-08-20")):
        argument = "activated_on" if action == "activate_service" else "cancelled_on"
        response = staff.rpc(action, service_id=services[over_http], reason="test", **{argument: on})
        assert response.status_code == 200, response.text
    act(db, in_job, services[in_job], "activate", date(2021, 8, 10))
    assert kassa_jobs(settings, "invoice-run", "--tenant", in_job, "--as-of", "2021-08-10")[0] == 0
    act(db, in_job, services[in_job], "cancel", date(2021, 8, 20))
    assert kassa_jobs(settings, "invoice-run", "--tenant", in_job, "--as-of", "2021-08-20")[0] == 0

    notes = {r["tenant_id"]: r["totals"] for r in db.execute(
        "SELECT tenant_id::text, array_agg(total ORDER BY total) AS totals FROM kassa.credit_notes"
        " WHERE tenant_id IN (%s, %s) GROUP BY 1", [over_http, in_job]).fetchall()}
    # 12 of 31 days of 499.00: 49900 - round(49900 * 19 / 31) = 19316.
    assert notes == {over_http: [19316], in_job: [19316]}
    assert db.execute("SELECT count(*) AS n FROM kassa.pending_charges WHERE tenant_id IN (%s, %s)"
                      " AND invoice_line_id IS NULL AND credit_note_id IS NULL", [over_http, in_job]).fetchone() == {"n": 0}
