"""Daily: reminders, overdue notices and suspensions for `as_of` (None: each tenant's own today),
for every active tenant or one: internal.dunning_run (db/functions/470_dunning.sql), one
set-based call per tenant in its own transaction, config.dunning_workers connections
(KASSA_DUNNING_WORKERS, default 2) taking tenants from a shared list. A tenant that fails is
rolled back and reported under `failures` without stopping the others. Rerunning a date, or two
runs at once, take nothing twice (each invoice's step happens at most once).

Then the card retries of the steps taken (a step with `retry`, of auto-pay customers with a
primary card): charged off-session like auto-pay (jobs/auto_pay.py), once per invoice and step;
their counts are under `card_retries` (a declined card is the customer's outcome, not the run's
failure: the invoice goes on through the schedule)."""
from __future__ import annotations

import threading
from datetime import date

import psycopg

from bridge.db import acting_as
from jobs.auto_pay import charge_invoices
from jobs.config import JobConfig
from jobs.runner import Outcome, on_connections

COUNTS = ("entered", "taken", "skipped", "services_suspended", "services_reactivated")


def run(conn: psycopg.Connection, as_of: date | None, tenant: str | None, actor: str, config: JobConfig) -> Outcome:
    tenants = [row[0] for row in conn.execute(
        "SELECT t.id FROM internal.list_tenants() t"
        " WHERE t.status = 'active' AND (%(tenant)s::uuid IS NULL OR t.id = %(tenant)s)", {"tenant": tenant})]
    outcome = Outcome(detail={"tenants": len(tenants), **dict.fromkeys(COUNTS, 0), "failures": {}})
    left, shared = iter(tenants), threading.Lock()

    def work(connection: psycopg.Connection) -> None:
        while (tenant_id := next_tenant()) is not None:
            try:
                with acting_as(connection, actor):
                    counts = connection.execute("SELECT * FROM internal.dunning_run(%s, %s, %s)",
                                                [tenant_id, as_of, actor]).fetchone()
            except psycopg.Error as error:
                with shared:
                    outcome.failed += 1
                    outcome.detail["failures"][str(tenant_id)] = f"{error.diag.sqlstate} {error.diag.message_primary}"
                    outcome.errors.append(f"tenant {tenant_id}: {error.diag.sqlstate} {error}")
                continue
            with shared:
                for name, count in zip(COUNTS, counts):
                    outcome.detail[name] += count
                outcome.processed += counts[1]
                outcome.skipped += counts[2]

    def next_tenant():
        with shared:
            return next(left, None)

    on_connections(conn, max(1, min(len(tenants), config.dunning_workers)), work)
    retries = charge_invoices(conn, "SELECT tenant_id, invoice_id, NULL, step FROM internal.due_dunning_retries(%s)",
                              [tenant], tenant, actor, config)
    outcome.detail["card_retries"] = {"charged": retries.processed, "declined": retries.failed,
                                      "not_charged": retries.skipped}
    outcome.errors.extend(retries.errors)
    return outcome
