"""Daily: reminders, overdue notices and suspensions for `as_of` (None: each tenant's own today),
for every active tenant or one: internal.dunning_run (db/functions/470_dunning.sql), one
set-based call per tenant in its own transaction. A tenant that fails is rolled back and
reported under `failures` without stopping the others. Rerunning a date takes nothing twice
(each invoice's step happens at most once)."""
from __future__ import annotations

from datetime import date

import psycopg

from bridge.db import acting_as
from jobs.config import JobConfig
from jobs.runner import Outcome

COUNTS = ("entered", "taken", "skipped", "services_suspended", "services_reactivated")


def run(conn: psycopg.Connection, as_of: date | None, tenant: str | None, actor: str, config: JobConfig) -> Outcome:
    tenants = [row[0] for row in conn.execute(
        "SELECT t.id FROM internal.list_tenants() t"
        " WHERE t.status = 'active' AND (%(tenant)s::uuid IS NULL OR t.id = %(tenant)s)", {"tenant": tenant})]
    outcome = Outcome(detail={"tenants": len(tenants), **dict.fromkeys(COUNTS, 0), "failures": {}})
    for tenant_id in tenants:
        try:
            with acting_as(conn, actor):
                counts = conn.execute("SELECT * FROM internal.dunning_run(%s, %s, %s)",
                                      [tenant_id, as_of, actor]).fetchone()
        except psycopg.Error as error:
            outcome.failed += 1
            outcome.detail["failures"][str(tenant_id)] = f"{error.diag.sqlstate} {error.diag.message_primary}"
            outcome.errors.append(f"tenant {tenant_id}: {error.diag.sqlstate} {error}")
            continue
        for name, count in zip(COUNTS, counts):
            outcome.detail[name] += count
        outcome.processed += counts[1]
        outcome.skipped += counts[2]
    return outcome
