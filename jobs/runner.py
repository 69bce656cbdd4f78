"""Runs one job for one date: advisory lock, job log row, counts and errors.

A job is idempotent for its `as_of` date by its own SQL; the lock only stops two runs of the
same job overlapping. A run that finds the lock taken logs itself as `skipped`.
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


def run(name: str, as_of: date, dsn: str, tenant: str | None = None,
        run_id: int | None = None) -> tuple[str, Outcome]:
    """`tenant`: only that tenant (jobs that take one). `run_id`: a queued row of the job log to
    run (the scheduler's queue, db/functions/055_job_queue.sql) instead of a new row."""
    job = registry.load(name)
    with psycopg.connect(dsn, autocommit=True) as conn:
        if run_id is None:
            run_id = conn.execute("INSERT INTO kassa.job_runs (job, as_of, tenant_id) VALUES (%s, %s, %s) RETURNING id",
                                  [name, as_of, tenant]).fetchone()[0]
        else:
            conn.execute("UPDATE kassa.job_runs SET status = 'running', started_at = clock_timestamp() WHERE id = %s",
                         [run_id])
        locked = conn.execute("SELECT pg_try_advisory_lock(hashtext('kassa.job'), hashtext(%s))",
                              [name]).fetchone()[0]
        if not locked:
            outcome, status = Outcome(detail={"reason": "another run of this job holds the lock"}), "skipped"
        else:
            try:
                outcome = job.run(conn, as_of) if tenant is None else job.run(conn, as_of, tenant)
                status = "failed" if outcome.failed else "succeeded"
            except Exception as error:  # the log row must record any failure
                outcome = Outcome(failed=1, errors=[f"{type(error).__name__}: {error}"],
                                  detail={"traceback": traceback.format_exc()[-4000:]})
                status = "failed"
            finally:
                conn.execute("SELECT pg_advisory_unlock(hashtext('kassa.job'), hashtext(%s))", [name])
        conn.execute(
            "UPDATE kassa.job_runs SET status = %s, finished_at = clock_timestamp(), processed = %s,"
            " skipped = %s, failed = %s, errors = %s, detail = %s WHERE id = %s",
            [status, outcome.processed, outcome.skipped, outcome.failed, json.dumps(outcome.errors),
             json.dumps(outcome.detail), run_id])
    return status, outcome
