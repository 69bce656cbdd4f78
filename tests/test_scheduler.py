"""The scheduler as a real process (python -m jobs.scheduler, started like `kassa up` does):
move the one clock and a scheduled run appears in kassa.job_runs once; downtime is caught up
once; tenant jobs run at each tenant's local hour; staff's "generate invoices now" is queued
over HTTP and run by the scheduler; a second scheduler waits as a standby."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
import requests

from bench import book
from factories import create_customer, create_tenant, issue_invoice
from kassa.config import free_port


def wait_for(check, timeout: float = 60, what: str = "the condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def scheduler(settings, stack, suite_scheduler_env):
    """The suite's scheduler service; restart(**schedules) runs it with those schedules on,
    stop() stops it. Afterwards it runs as the suite's again (schedules off)."""
    service = next(s for s in stack if s.name == "scheduler")
    home = Path(settings.home)

    class Control:
        @staticmethod
        def restart(**schedules):
            service.stop(home)
            service.start(home, {**settings.environment(), **suite_scheduler_env, **schedules})
            service.wait_healthy(home)

        @staticmethod
        def stop():
            service.stop(home)

    yield Control
    service.stop(home)
    service.start(home, {**settings.environment(), **suite_scheduler_env})
    service.wait_healthy(home)


def scheduled_runs(db, job: str, tenant=None) -> list[dict]:
    return db.execute("SELECT id, as_of, slot, status, origin, tenant_id FROM kassa.job_runs"
                      " WHERE job = %s AND origin = 'schedule' AND tenant_id IS NOT DISTINCT FROM %s"
                      " ORDER BY id", [job, tenant]).fetchall()


def finished(db, job: str, tenant=None, count: int = 1):
    runs = scheduled_runs(db, job, tenant)
    return runs if len(runs) >= count and all(r["status"] not in ("queued", "running") for r in runs) else None


def test_moving_the_clock_runs_the_nightly_job_once_and_downtime_is_caught_up_once(settings, db, travel_to, scheduler):
    before = len(scheduled_runs(db, "ledger-check"))
    travel_to("2031-01-10 12:00+00")
    scheduler.restart(KASSA_SCHEDULE_LEDGER_CHECK="30 1 * * *")
    time.sleep(1.5)  # several ticks: no slot has come since the scheduler started
    assert len(scheduled_runs(db, "ledger-check")) == before

    travel_to("2031-01-11 01:30:05+00")
    runs = wait_for(lambda: finished(db, "ledger-check", count=before + 1), what="the nightly run")[before:]
    assert [(r["as_of"], r["slot"].isoformat(), r["status"]) for r in runs] == \
        [(date(2031, 1, 11), "2031-01-11T01:30:00+00:00", "succeeded")]
    time.sleep(1.5)
    assert len(scheduled_runs(db, "ledger-check")) == before + 1, "the slot ran once"

    status = subprocess.run([sys.executable, "-m", "kassa.cli", "status"], capture_output=True, text=True,
                            env={"KASSA_HOME": settings.home, "PATH": os.environ["PATH"]})
    line = next(line for line in status.stdout.splitlines() if line.startswith("ledger-check"))
    assert "succeeded" in line and "2031-01-12 01:30" in line and "30 1 * * *" in line, status.stdout
    assert status.returncode == 0, status.stdout + status.stderr

    scheduler.stop()  # four nights of downtime
    travel_to("2031-01-15 09:00+00")
    scheduler.restart(KASSA_SCHEDULE_LEDGER_CHECK="30 1 * * *")
    runs = wait_for(lambda: finished(db, "ledger-check", count=before + 2), what="the catch-up run")[before:]
    time.sleep(1.5)
    runs = scheduled_runs(db, "ledger-check")[before:]
    assert [(r["as_of"], r["slot"].isoformat()) for r in runs] == \
        [(date(2031, 1, 11), "2031-01-11T01:30:00+00:00"), (date(2031, 1, 15), "2031-01-15T01:30:00+00:00")]


def test_tenant_jobs_run_at_each_tenants_local_hour(db, travel_to, scheduler):
    za = create_tenant(db, country="ZA")  # Africa/Johannesburg, UTC+2
    de = create_tenant(db, timezone="Europe/Berlin")  # UTC+1 in winter (ZA rules: no supply date needed)
    # One invoice each, due on 2 February: overdue from each tenant's sweep of 3 February on.
    travel_to("2031-01-19 12:00+00")  # documents are never dated ahead
    invoices = {t["id"]: issue_invoice(db, t, create_customer(db, t["id"]), "2031-01-19") for t in (za, de)}
    assert {r["due_on"] for r in db.execute("SELECT due_on FROM kassa.invoices WHERE id = ANY (%s)",
                                            [list(invoices.values())])} == {date(2031, 2, 2)}

    def invoice_status(tenant):
        return db.execute("SELECT status FROM kassa.invoices WHERE id = %s", [invoices[tenant["id"]]]).fetchone()["status"]
    travel_to("2031-02-02 12:00+00")
    scheduler.restart(KASSA_SCHEDULE_INVOICE_OVERDUE="0 3 * * *")
    # First sight: each tenant's latest slot (yesterday's 03:00 local) is caught up once.
    for tenant in (za, de):
        wait_for(lambda: finished(db, "invoice-overdue", tenant["id"]), what="the first sweep")

    travel_to("2031-02-03 01:05+00")  # 03:05 in Johannesburg, 02:05 in Berlin
    runs = wait_for(lambda: finished(db, "invoice-overdue", za["id"], count=2), what="the Johannesburg sweep")
    assert [(r["as_of"], r["slot"].isoformat(), r["status"]) for r in runs[1:]] == \
        [(date(2031, 2, 3), "2031-02-03T01:00:00+00:00", "succeeded")]
    assert len(scheduled_runs(db, "invoice-overdue", de["id"])) == 1, "not yet 03:00 in Berlin"
    assert (invoice_status(za), invoice_status(de)) == ("overdue", "finalised"), "each tenant's sweep is its own"

    travel_to("2031-02-03 02:05+00")
    runs = wait_for(lambda: finished(db, "invoice-overdue", de["id"], count=2), what="the Berlin sweep")
    assert [(r["as_of"], r["slot"].isoformat()) for r in runs[1:]] == [(date(2031, 2, 3), "2031-02-03T02:00:00+00:00")]
    assert len(scheduled_runs(db, "invoice-overdue", za["id"])) == 2
    assert invoice_status(de) == "overdue"


def test_staff_generate_invoices_now(settings, db, api, token, scheduler):
    tenant = book.load(db, tenants=1, services_per_tenant=3, due=date(2021, 3, 1))[0]
    staff = api(token("staff", tenant))
    scheduler.stop()  # so the run is seen waiting in the queue
    first = staff.rpc("start_invoice_run")
    assert first.status_code == 200, first.text
    run_id = first.json()
    second = staff.rpc("start_invoice_run")
    assert second.json() == run_id, "a queued run is not queued twice"
    # The API answers the run's uuid, never the internal bigint id.
    row = db.execute("SELECT job, tenant_id::text, status, origin, as_of FROM kassa.job_runs WHERE public_id = %s",
                     [run_id]).fetchone()
    today = db.execute("SELECT internal.tenant_today(%s) AS d", [tenant]).fetchone()["d"]
    assert row == {"job": "invoice-run", "tenant_id": tenant, "status": "queued", "origin": "staff", "as_of": today}
    # A run a stopped scheduler left running does not stand for a run in progress.
    orphan = db.execute("INSERT INTO kassa.job_runs (job, as_of, status, origin) VALUES ('auto-topup', %s, 'running',"
                        " 'staff') RETURNING id", [today]).fetchone()["id"]

    scheduler.restart()  # schedules off: it only works the queue
    done = wait_for(lambda: db.execute("SELECT status, processed FROM kassa.job_runs WHERE public_id = %s AND status"
                                       " NOT IN ('queued', 'running')", [run_id]).fetchone(), what="the staff's run")
    assert done == {"status": "succeeded", "processed": 3}
    seen = staff.get(f"/job_runs?id=eq.{run_id}&select=job,status,origin,processed").json()
    assert seen == [{"job": "invoice-run", "status": "succeeded", "origin": "staff", "processed": 3}], \
        "staff read their run over HTTP"
    assert db.execute("SELECT count(*) AS n FROM kassa.invoices WHERE tenant_id = %s", [tenant]).fetchone()["n"] == 3
    assert db.execute("SELECT status, errors FROM kassa.job_runs WHERE id = %s", [orphan]).fetchone() == \
        {"status": "failed", "errors": ["interrupted: the scheduler stopped during this run"]}

    again = staff.rpc("start_invoice_run")
    assert again.status_code == 200 and again.json() != run_id, "a finished run does not answer a new request"
    wait_for(lambda: db.execute("SELECT 1 FROM kassa.job_runs WHERE public_id = %s AND status = 'succeeded'",
                                [again.json()]).fetchone(), what="the second run")
    other = create_tenant(db)
    refused = api(token("customer", other["id"], create_customer(db, other["id"])["id"])).rpc("start_invoice_run")
    assert refused.status_code == 403, refused.text
    assert db.execute("SELECT count(*) AS n FROM kassa.job_runs WHERE tenant_id = %s", [other["id"]]).fetchone()["n"] == 0


def test_a_second_scheduler_waits_until_the_first_stops(settings, scheduler):
    port = free_port()
    env = {**os.environ, **settings.environment(), "KASSA_SCHEDULER_URL": f"http://127.0.0.1:{port}"}
    second = subprocess.Popen([sys.executable, "-m", "jobs.scheduler"], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def health():
        try:
            return requests.get(f"http://127.0.0.1:{port}/health", timeout=2).json()
        except requests.RequestException:
            return None
    try:
        assert wait_for(health, 30, "the second scheduler's health")["active"] is False
        scheduler.stop()
        wait_for(lambda: (health() or {}).get("active"), 30, "the standby to take over")
    finally:
        second.terminate()
        second.wait(timeout=15)
