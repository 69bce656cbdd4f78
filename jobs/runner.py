"""Runs one job: advisory lock, job log row (with its tenant), counts and errors.

`run(name, as_of, dsn, config, tenant=None)` is the one entry point (the CLI `kassa jobs run` and the
scheduler call it). A job runs for one tenant or, with tenant None, for every tenant. as_of
None means each tenant's own today (internal.tenant_today) for the jobs whose date is a
business date (invoice-run, invoice-overdue, dunning); the others work at an instant (the one clock).

A job is idempotent for its date by its own SQL; the lock only stops two runs of the same job
for the same tenant overlapping. Its key is the job and the tenant (or `*` for a platform-wide
run); a platform-wide invoice run also takes each tenant's key while it bills that tenant, so it
and a run for one tenant never bill the same tenant at once. A run that finds the lock taken
logs itself as `skipped`.

A job is called as `run(conn, as_of, tenant, actor, config)` (config: jobs.config.JobConfig, the
settings its process read once at start) and makes its changes in transactions
opened with bridge.db.acting_as(conn, actor), so the audit log names the run
(`job:<job>:<run id>`). The worker role reads and writes no table itself: every step is an
internal.* function (db/functions/890_worker.sql).
"""
from __future__ import annotations

import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import psycopg
from psycopg.conninfo import make_conninfo
from psycopg.types.json import Jsonb

from jobs import registry
from jobs.config import JobConfig


@dataclass
class Outcome:
    processed: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    detail: dict = field(default_factory=dict)


def summary(name: str, tenant: str | None, as_of: date | None, status: str, outcome: Outcome) -> dict:
    """What `kassa jobs run` prints of a run: the common counts, then the job's own (invoice-run:
    invoices, charges, credit_notes, failures per tenant); a crash's traceback stays in the log."""
    detail = {key: value for key, value in outcome.detail.items() if key != "traceback"}
    return {"job": name, "tenant": tenant, "as_of": as_of and as_of.isoformat(), "status": status,
            "processed": outcome.processed, "skipped": outcome.skipped, "failed": outcome.failed, **detail,
            "errors": outcome.errors}


class UnknownTenant(LookupError):
    pass


# The advisory lock of a job for a tenant (None: the platform-wide run); (classid, objid).
LOCK = "hashtext('kassa.job'), hashtext(%s)"


def lock_name(job: str, tenant: str | None) -> str:
    return f"{job}/{tenant or '*'}"


def on_connections(conn: psycopg.Connection, workers: int, work) -> None:
    """Runs `work(connection)` on `conn` and, at the same time, on `workers - 1` more connections
    to the same database (jobs that take tenants from a shared list, one per core)."""
    conninfo = make_conninfo(conn.info.dsn, password=conn.info.password)

    def on_own_connection() -> None:
        with psycopg.connect(conninfo, autocommit=True) as own:
            work(own)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        extra = [pool.submit(on_own_connection) for _ in range(workers - 1)]
        work(conn)
        for future in extra:
            future.result()


def actor(job: str, run_public_id) -> str:
    """Who the audit log names for what a run changes (internal.act_as): the job and its log row
    (the row's `id` in /job_runs)."""
    return f"job:{job}:{run_public_id}"


def run(name: str, as_of: date | None, dsn: str, config: JobConfig, tenant: str | None = None,
        run_id: int | None = None) -> tuple[str, Outcome]:
    """`run_id`: a queued row of the job log to run (the scheduler's queue,
    db/functions/055_job_queue.sql) instead of a new row."""
    job = registry.load(name)
    with psycopg.connect(dsn, autocommit=True) as conn:
        if tenant is not None and conn.execute("SELECT FROM internal.list_tenants() WHERE id = %s",
                                               [tenant]).fetchone() is None:
            raise UnknownTenant(f"unknown tenant {tenant}")
        if run_id is None:
            # The log names the date the run used: the given one, or the tenant's own today.
            run_id, public_id = conn.execute("SELECT * FROM internal.start_job_run(%s, %s, %s)",
                                             [name, as_of, tenant]).fetchone()
        else:
            public_id = conn.execute("SELECT internal.start_queued_job_run(%s)", [run_id]).fetchone()[0]
        key = lock_name(name, tenant)
        if not conn.execute(f"SELECT pg_try_advisory_lock({LOCK})", [key]).fetchone()[0]:
            outcome, status = Outcome(detail={"reason": "another run of this job holds the lock"}), "skipped"
        else:
            try:
                outcome = job.run(conn, as_of, tenant, actor(name, public_id), config)
                status = "failed" if outcome.failed else "succeeded"
            except Exception as error:  # the log row must record any failure
                outcome = Outcome(failed=1, errors=[f"{type(error).__name__}: {error}"],
                                  detail={"traceback": traceback.format_exc()[-4000:]})
                status = "failed"
            finally:
                conn.execute(f"SELECT pg_advisory_unlock({LOCK})", [key])
        conn.execute("SELECT internal.finish_job_run(%s, %s, %s, %s, %s, %s, %s)",
                     [run_id, status, outcome.processed, outcome.skipped, outcome.failed, Jsonb(outcome.errors),
                      Jsonb(outcome.detail)])
    return status, outcome
