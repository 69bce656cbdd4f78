"""Daily: open invoices whose due date has passed on as_of become overdue (idempotent)."""
from __future__ import annotations

from datetime import date

import psycopg

from jobs.runner import Outcome


def run(conn: psycopg.Connection, as_of: date) -> Outcome:
    marked = conn.execute("SELECT internal.mark_overdue(%s)", [as_of]).fetchone()[0]
    return Outcome(processed=marked, detail={"marked_overdue": marked})
