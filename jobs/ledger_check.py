"""Nightly proof that every cached balance equals the sum of its ledger entries (as they are
now: as_of only names the log row); with a tenant, only that tenant's accounts."""
from __future__ import annotations

from datetime import date

import psycopg

from jobs.config import JobConfig
from jobs.runner import Outcome


def run(conn: psycopg.Connection, as_of: date | None, tenant: str | None, actor: str, config: JobConfig) -> Outcome:
    """Reads only: nothing to name `actor` for."""
    accounts = conn.execute("SELECT internal.count_billing_accounts(%s)", [tenant]).fetchone()[0]
    mismatches = conn.execute("SELECT tenant_id, customer_id, cached, summed FROM internal.ledger_mismatches(%s)",
                              [tenant]).fetchall()
    return Outcome(processed=accounts, failed=len(mismatches),
                   errors=[f"account {c} of tenant {t}: cached {cached}, entries sum {summed}"
                           for t, c, cached, summed in mismatches])
