"""The invoice run job across processes: twice, concurrently, killed half way -> every service
billed exactly once for the period. Each test loads its own tenants (bench.book) due on a date
no other test uses, and the job runs with only them active (fixture alone), so runs over the
whole database touch only them."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import psycopg
import pytest

from bench import book
from jobs import runner


def kassa_job(settings, as_of: date, **env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kassa.cli", "jobs", "run", "invoice-run", "--as-of", as_of.isoformat()],
        env={"KASSA_HOME": settings.home, "PATH": "/usr/bin:/bin", **env},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def billed(db, tenants: list[str], period_start: date) -> dict:
    """Per service of these tenants: how many recurring lines bill the period."""
    rows = db.execute("""
        SELECT s.id, count(l.id) AS lines
          FROM kassa.services s
          LEFT JOIN kassa.invoice_lines l ON l.tenant_id = s.tenant_id AND l.service_id = s.id
                                         AND l.charge_kind = 'recurring' AND l.period_start = %s
         WHERE s.tenant_id = ANY (%s::uuid[]) GROUP BY s.id""", [period_start, tenants]).fetchall()
    return {r["id"]: r["lines"] for r in rows}


def test_run_twice_bills_each_service_once(settings, db, alone):
    due = date(2020, 2, 1)
    tenants = book.load(db, tenants=2, services_per_tenant=15, due=due)
    first = kassa_job(settings, due)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    summary = json.loads(out)
    assert summary["status"] == "succeeded" and summary["processed"] >= 30
    second = kassa_job(settings, due)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, err
    assert set(billed(db, tenants, due).values()) == {1}
    invoices = db.execute("SELECT count(*) AS n, count(number) AS numbered FROM kassa.invoices"
                          " WHERE tenant_id = ANY (%s::uuid[])", [tenants]).fetchone()
    assert invoices == {"n": 30, "numbered": 30}
    log = db.execute("SELECT processed, status FROM kassa.job_runs WHERE job = 'invoice-run' AND as_of = %s"
                     " ORDER BY id", [due]).fetchall()
    assert [r["status"] for r in log] == ["succeeded", "succeeded"] and log[1]["processed"] == 0
    assert db.execute("SELECT next_billing_date FROM kassa.services WHERE tenant_id = ANY (%s::uuid[])"
                      " GROUP BY 1", [tenants]).fetchall() == [{"next_billing_date": date(2020, 3, 1)}]


def test_concurrent_jobs_bill_each_service_once(settings, db, alone):
    due = date(2020, 5, 1)
    tenants = book.load(db, tenants=3, services_per_tenant=20, due=due)
    jobs = [kassa_job(settings, due) for _ in range(2)]
    results = [job.communicate(timeout=120) for job in jobs]
    assert all(job.returncode == 0 for job in jobs), results
    assert set(billed(db, tenants, due).values()) == {1}


def test_concurrent_runs_without_the_lock_bill_each_service_once(settings, db):
    """The data guarantee alone (row locks + unique index), with no advisory lock around it."""
    due = date(2020, 6, 1)
    tenants = book.load(db, tenants=1, services_per_tenant=200, due=due)
    counts, barrier = [], threading.Barrier(2)

    def run_sql():
        with psycopg.connect(settings.worker_url) as conn:
            barrier.wait()
            counts.append(conn.execute("SELECT processed FROM internal.invoice_run(%s, %s)", [due, tenants[0]]).fetchone()[0])

    threads = [threading.Thread(target=run_sql) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(counts)[1] > 0 and sum(counts) == 200
    assert set(billed(db, tenants, due).values()) == {1}


def test_killed_run_is_completed_by_the_next(settings, db, alone):
    due = date(2020, 8, 1)
    tenants = book.load(db, tenants=3, services_per_tenant=20, due=due)
    # With one worker the job walks active tenants in id order: stop it right after the first of
    # ours commits.
    position = db.execute("SELECT count(*) AS n FROM kassa.tenants WHERE status = 'active' AND id <= %s",
                          [tenants[0]]).fetchone()["n"]
    # tests/hooks/sitecustomize.py stops the job (SIGSTOP) once that many tenants have committed.
    job = kassa_job(settings, due, KASSA_INVOICE_RUN_STOP_AFTER=str(position), KASSA_INVOICE_RUN_WORKERS="1",
                    PYTHONPATH=str(Path(__file__).parent / "hooks"))
    _, status = os.waitpid(job.pid, os.WUNTRACED)
    assert os.WIFSTOPPED(status), "the job ended before it reached the stop point"
    job.kill()  # SIGKILL: no cleanup, the connection just drops
    job.wait(timeout=30)
    # Wait (blocking, no polling) until the server has ended the killed run's session.
    key = runner.lock_name("invoice-run", None)
    db.execute("SELECT pg_advisory_lock(hashtext('kassa.job'), hashtext(%s))", [key])
    db.execute("SELECT pg_advisory_unlock(hashtext('kassa.job'), hashtext(%s))", [key])
    after_kill = db.execute("SELECT s.tenant_id::text, count(l.id) AS lines FROM kassa.services s"
                            " LEFT JOIN kassa.invoice_lines l ON l.tenant_id = s.tenant_id AND l.service_id = s.id"
                            " WHERE s.tenant_id = ANY (%s::uuid[]) GROUP BY 1", [tenants]).fetchall()
    assert {r["tenant_id"]: r["lines"] for r in after_kill} == {tenants[0]: 20, tenants[1]: 0, tenants[2]: 0}

    rerun = kassa_job(settings, due)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert set(billed(db, tenants, due).values()) == {1}
    assert len(billed(db, tenants, due)) == 60


@pytest.mark.parametrize("as_of", ["2020-13-01", "yesterday"])
def test_a_bad_date_is_refused_before_anything_runs(settings, db, as_of):
    result = subprocess.run([sys.executable, "-m", "kassa.cli", "jobs", "run", "invoice-run", "--as-of", as_of],
                            env={"KASSA_HOME": settings.home, "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)
    assert result.returncode == 2 and "not a date" in result.stderr


def test_invoices_their_country_refuses_are_held_back_and_the_run_succeeds(settings, db, alone):
    due = date(2020, 10, 1)
    tenants = book.load(db, tenants=2, services_per_tenant=3, due=due)
    # Without the supplier's address no South African invoice may be issued (s20 VAT Act).
    db.execute("UPDATE kassa.tenants SET street = NULL WHERE id = %s", [tenants[0]])
    job = kassa_job(settings, due)
    out, err = job.communicate(timeout=120)
    summary = json.loads(out)
    assert job.returncode == 0 and summary["status"] == "succeeded", out + err
    assert (summary["invoices"], summary["held"]) == (6, 3)
    drafts = db.execute("SELECT tenant_id::text, status, number, total > 0 AS totalled FROM kassa.invoices"
                        " WHERE tenant_id = ANY (%s) ORDER BY tenant_id, number", [tenants]).fetchall()
    held = [(row["status"], row["number"], row["totalled"]) for row in drafts if row["tenant_id"] == tenants[0]]
    assert held == [("draft", None, True)] * 3, "held back as drafts with their totals, unnumbered"
    assert {row["status"] for row in drafts if row["tenant_id"] == tenants[1]} == {"finalised"}


def test_a_failing_tenant_is_rolled_back_and_the_others_billed(settings, db, alone):
    due = date(2020, 10, 1)
    tenants = book.load(db, tenants=2, services_per_tenant=5, due=due)
    # A customer whose account is in another currency: finalising the tenant's invoices fails.
    broken = db.execute("SELECT customer_id FROM kassa.billing_accounts WHERE tenant_id = %s LIMIT 1",
                        [tenants[0]]).fetchone()["customer_id"]
    db.execute("UPDATE kassa.billing_accounts SET currency = 'EUR' WHERE tenant_id = %s AND customer_id = %s",
               [tenants[0], broken])
    job = kassa_job(settings, due)
    out, err = job.communicate(timeout=120)
    summary = json.loads(out)
    assert job.returncode == 1 and summary["status"] == "failed" and summary["failed"] == 1, out + err
    assert summary["errors"][0].startswith(f"tenant {tenants[0]}: P0I04")
    assert set(billed(db, [tenants[0]], due).values()) == {0}, "the failed tenant is rolled back whole"
    assert set(billed(db, [tenants[1]], due).values()) == {1}, "the other tenant is billed"

    db.execute("UPDATE kassa.billing_accounts SET currency = 'ZAR' WHERE tenant_id = %s AND customer_id = %s",
               [tenants[0], broken])
    rerun = kassa_job(settings, due)
    out, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, out + err
    assert set(billed(db, tenants, due).values()) == {1}
