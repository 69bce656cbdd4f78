"""The invoice run: bills every due service, pending pro-rata and one-off fee for `as_of`.

The work is one set-based SQL call per tenant, internal.invoice_run(as_of, tenant) (see
db/functions/340_invoice_run.sql), each in its own transaction: a crash leaves whole tenants
done and a rerun completes the rest; a tenant that fails is rolled back and reported without
stopping the others. Tenants are independent, so KASSA_INVOICE_RUN_WORKERS connections
(default 2: one per core of the reference machine) take them from a shared list.

KASSA_INVOICE_RUN_STOP_AFTER (tests only): after that many tenants have committed, the process
stops itself with SIGSTOP, so a test can kill it at a known point half way. Unset, it does
nothing.
"""
from __future__ import annotations

import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import psycopg
from psycopg.conninfo import make_conninfo

from jobs.runner import Outcome


class Run:
    """The shared state of one run: the tenants left, the counts, the commits so far."""

    def __init__(self, tenants: list, as_of: date):
        self.tenants, self.as_of = iter(tenants), as_of
        self.outcome = Outcome(detail={"tenants": len(tenants), "invoices": 0, "charges": 0})
        self.committed = 0
        self.lock = threading.Lock()

    def next_tenant(self):
        with self.lock:
            return next(self.tenants, None)

    def record(self, tenant_id, counts: tuple | None, error: psycopg.Error | None) -> None:
        with self.lock:
            if error is not None:
                self.outcome.failed += 1
                self.outcome.errors.append(f"tenant {tenant_id}: {error.diag.sqlstate} {error}")
                return
            processed, skipped, invoices, charges = counts
            self.outcome.processed += processed
            self.outcome.skipped += skipped
            self.outcome.detail["invoices"] += invoices
            self.outcome.detail["charges"] += charges
            self.committed += 1
            stop_after = os.environ.get("KASSA_INVOICE_RUN_STOP_AFTER")
            if stop_after and self.committed == int(stop_after):
                os.kill(os.getpid(), signal.SIGSTOP)

    def work(self, conn: psycopg.Connection) -> None:
        while (tenant_id := self.next_tenant()) is not None:
            try:
                with conn.transaction():
                    counts = conn.execute(
                        "SELECT processed, skipped, invoices, charges FROM internal.invoice_run(%s, %s)",
                        [self.as_of, tenant_id]).fetchone()
            except psycopg.Error as error:
                self.record(tenant_id, None, error)
            else:
                self.record(tenant_id, counts, None)


def _work_on_own_connection(state: Run, conninfo: str) -> None:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        state.work(conn)


def run(conn: psycopg.Connection, as_of: date, tenant: str | None = None) -> Outcome:
    """Every active tenant, or only `tenant` (none when it is suspended)."""
    tenants = [row[0] for row in conn.execute(
        "SELECT id FROM kassa.tenants WHERE status = 'active' AND (%(tenant)s::uuid IS NULL OR id = %(tenant)s)"
        " ORDER BY id", {"tenant": tenant}).fetchall()]
    state = Run(tenants, as_of)
    workers = max(1, int(os.environ.get("KASSA_INVOICE_RUN_WORKERS", "2")))
    conninfo = make_conninfo(conn.info.dsn, password=conn.info.password)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        extra = [pool.submit(_work_on_own_connection, state, conninfo) for _ in range(workers - 1)]
        state.work(conn)  # the runner's connection is one of the workers
        for future in extra:
            future.result()
    return state.outcome
