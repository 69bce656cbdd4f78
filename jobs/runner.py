"""Runs one job: advisory lock, job log row (with its tenant), counts and errors.

`run(name, as_of, dsn, tenant=None)` is the one entry point (the CLI `kassa jobs run` and the
scheduler call it). A job runs for one tenant or, with tenant None, for every tenant. as_of
None means each tenant's own today (internal.tenant_today) for the jobs whose date is a
business date (invoice-run, invoice-overdue); the others work at an instant (the one clock).

A job is idempotent for its date by its own SQL; the lock only stops two runs of the same job
for the same tenant overlapping. Its key is the job and the tenant (or `*` for a platform-wide
run); a platform-wide invoice run also takes each tenant's key while it bills that tenant, so it
and a run for one tenant never bill the same tenant at once. A run that finds the lock taken
logs itself as `skipped`.
"""
from __future__ import annotations

import json
import traceback
from dataclasses import dataclass, field
from datetime import date

import psycopg

from jobs import registry


@dataclass
class Outcome:
    processed: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    detail: dict = field(default_factory=dict)


class UnknownTenant(LookupError):
    pass


# The advisory lock of a job for a tenant (None: the platform-wide run); (classid, objid).
LOCK = "hashtext('kassa.job'), hashtext(%s)"


def lock_name(job: str, tenant: str | None) -> str:
    return f"{job}/{tenant or '*'}"


def run(name: str, as_of: date | None, dsn: str, tenant: str | None = None,
        run_id: int | None = None) -> tuple[str, Outcome]:
    """`run_id`: a queued row of the job log to run (the scheduler's queue,
    db/functions/055_job_queue.sql) instead of a new row."""
    job = registry.load(name)
    with psycopg.connect(dsn, autocommit=True) as conn:
        if tenant is not None and conn.execute("SELECT FROM kassa.tenants WHERE id = %s", [tenant]).fetchone() is None:
            raise UnknownTenant(f"unknown tenant {tenant}")
        if run_id is None:
            # The log names the date the run used: the given one, or the tenant's own today.
            logged_as_of = conn.execute("SELECT coalesce(%s::date, internal.tenant_today(%s::uuid))",
                                        [as_of, tenant]).fetchone()[0]
            run_id = conn.execute("INSERT INTO kassa.job_runs (job, as_of, tenant_id) VALUES (%s, %s, %s) RETURNING id",
                                  [name, logged_as_of, tenant]).fetchone()[0]
        else:
            conn.execute("UPDATE kassa.job_runs SET status = 'running', started_at = clock_timestamp() WHERE id = %s",
                         [run_id])
        key = lock_name(name, tenant)
        if not conn.execute(f"SELECT pg_try_advisory_lock({LOCK})", [key]).fetchone()[0]:
            outcome, status = Outcome(detail={"reason": "another run of this job holds the lock"}), "skipped"
        else:
            try:
                outcome = job.run(conn, as_of, tenant)
                status = "failed" if outcome.failed else "succeeded"
            except Exception as error:  # the log row must record any failure
                outcome = Outcome(failed=1, errors=[f"{type(error).__name__}: {error}"],
                                  detail={"traceback": traceback.format_exc()[-4000:]})
                status = "failed"
            finally:
                conn.execute(f"SELECT pg_advisory_unlock({LOCK})", [key])
        conn.execute(
            "UPDATE kassa.job_runs SET status = %s, finished_at = clock_timestamp(), processed = %s,"
            " skipped = %s, failed = %s, errors = %s, detail = %s WHERE id = %s",
            [status, outcome.processed, outcome.skipped, outcome.failed, json.dumps(outcome.errors),
             json.dumps(outcome.detail), run_id])
    return status, outcome
