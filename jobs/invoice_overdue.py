"""Daily: open invoices whose due date has passed on as_of become overdue (idempotent); with a
tenant, only that tenant's (the scheduler sweeps each tenant on its own local date)."""
from __future__ import annotations

from datetime import date

import psycopg

from jobs.runner import Outcome


def run(conn: psycopg.Connection, as_of: date, tenant: str | None = None) -> Outcome:
    marked = conn.execute("SELECT internal.mark_overdue(%s, %s)", [as_of, tenant]).fetchone()[0]
    return Outcome(processed=marked, detail={"marked_overdue": marked})
