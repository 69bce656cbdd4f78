"""Daily: open invoices past their due date become overdue (idempotent), tenant by tenant.

Without a date each tenant's invoices are compared with that tenant's today (its own midnight:
an invoice due on 31 December is overdue from 00:00 on 1 January in Johannesburg, two hours
before it is in London); `as_of` compares every tenant's with that one date instead.
"""
from __future__ import annotations

from datetime import date

import psycopg

from jobs.runner import Outcome


def run(conn: psycopg.Connection, as_of: date | None) -> Outcome:
    tenants = [row[0] for row in conn.execute("SELECT id FROM kassa.tenants ORDER BY id").fetchall()]
    marked = 0
    for tenant in tenants:
        with conn.transaction():
            marked += conn.execute("SELECT internal.mark_overdue(%s, %s::date)", [tenant, as_of]).fetchone()[0]
    return Outcome(processed=marked, detail={"marked_overdue": marked, "tenants": len(tenants)})
