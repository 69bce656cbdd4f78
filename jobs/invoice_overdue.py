"""Daily: open invoices whose due date has passed on as_of (None: each tenant's own today)
become overdue (idempotent); with a tenant, only that tenant's."""
from __future__ import annotations

from datetime import date

import psycopg

from bridge.db import acting_as
from jobs.config import JobConfig
from jobs.runner import Outcome


def run(conn: psycopg.Connection, as_of: date | None, tenant: str | None, actor: str, config: JobConfig) -> Outcome:
    with acting_as(conn, actor):
        marked = conn.execute(
            "SELECT coalesce(sum(internal.mark_overdue(t.id, %(as_of)s::date)), 0)::int"
            "  FROM internal.list_tenants() t WHERE %(tenant)s::uuid IS NULL OR t.id = %(tenant)s",
            {"as_of": as_of, "tenant": tenant}).fetchone()[0]
    return Outcome(processed=marked, detail={"marked_overdue": marked})
