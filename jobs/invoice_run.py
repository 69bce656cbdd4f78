"""The invoice run: bills every due service, pending pro-rata and one-off fee for `as_of` (None:
each tenant's own today), for every active tenant or one.

The work is one set-based SQL call per tenant, internal.invoice_run(as_of, tenant) (see
db/functions/340_invoice_run.sql), each in its own transaction that holds the tenant's job lock
(jobs/runner.py): a crash leaves whole tenants done and a rerun completes the rest; a tenant
that fails is rolled back and reported (its error under `failures`) without stopping the
others; a tenant another run is billing is skipped. Invoices their country's rules refuse (a
customer without the address a full invoice names) are held back as drafts, counted under
`held`, and the tenant's other invoices are issued. Tenants are independent, so
config.invoice_run_workers connections (KASSA_INVOICE_RUN_WORKERS, default 2: one per core of the
reference machine) take them from a shared list.
"""
from __future__ import annotations

import threading
from datetime import date

import psycopg

from bridge.db import acting_as
from jobs.config import JobConfig
from jobs.runner import LOCK, Outcome, lock_name, on_connections

COUNTS = ("invoices", "charges", "credit_notes", "held")


class Run:
    """The shared state of one run: the tenants left, the counts, the commits so far."""

    def __init__(self, tenants: list, as_of: date | None, actor: str):
        self.tenants, self.as_of, self.actor = iter(tenants), as_of, actor
        self.outcome = Outcome(detail={"tenants": len(tenants), **dict.fromkeys(COUNTS, 0), "failures": {},
                                       "locked": []})
        self.committed = 0
        self.lock = threading.Lock()

    def next_tenant(self):
        with self.lock:
            return next(self.tenants, None)

    def record(self, tenant_id, counts: tuple | None, error: psycopg.Error | None) -> None:
        with self.lock:
            if error is not None:
                self.outcome.failed += 1
                self.outcome.detail["failures"][str(tenant_id)] = f"{error.diag.sqlstate} {error.diag.message_primary}"
                self.outcome.errors.append(f"tenant {tenant_id}: {error.diag.sqlstate} {error}")
                return
            if counts is None:  # another run holds the tenant's lock
                self.outcome.skipped += 1
                self.outcome.detail["locked"].append(str(tenant_id))
                return
            processed, skipped, *billed = counts
            self.outcome.processed += processed
            self.outcome.skipped += skipped
            for name, count in zip(COUNTS, billed):
                self.outcome.detail[name] += count
            self.committed += 1

    def work(self, conn: psycopg.Connection) -> None:
        while (tenant_id := self.next_tenant()) is not None:
            try:
                with acting_as(conn, self.actor):
                    counts = None
                    if conn.execute(f"SELECT pg_try_advisory_xact_lock({LOCK})",
                                    [lock_name("invoice-run", tenant_id)]).fetchone()[0]:
                        counts = conn.execute(
                            "SELECT processed, skipped, invoices, charges, credit_notes, held"
                            "  FROM internal.invoice_run(coalesce(%s, internal.tenant_today(%s)), %s)",
                            [self.as_of, tenant_id, tenant_id]).fetchone()
            except psycopg.Error as error:
                self.record(tenant_id, None, error)
            else:
                self.record(tenant_id, counts, None)


def run(conn: psycopg.Connection, as_of: date | None, tenant: str | None, actor: str, config: JobConfig) -> Outcome:
    """Every active tenant, or only `tenant` (none when it is suspended)."""
    tenants = [row[0] for row in conn.execute(
        "SELECT id FROM internal.list_tenants() WHERE status = 'active' AND (%(tenant)s::uuid IS NULL OR id = %(tenant)s)"
        " ORDER BY id", {"tenant": tenant}).fetchall()]
    state = Run(tenants, as_of, actor)
    # Never more workers than tenants: a run for one tenant bills it on the runner's connection,
    # which holds that tenant's lock already.
    on_connections(conn, max(1, min(len(tenants), config.invoice_run_workers)), state.work)
    return state.outcome
