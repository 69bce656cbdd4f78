"""Daily: closed customers whose tenant's retention period (privacy_retention_days) has passed
since their closing lose their personal data (internal.anonymise_customers; docs/operations.md,
"Privacy"); what tax law keeps (issued documents) stays. With a tenant, only that tenant's."""
from __future__ import annotations

from datetime import date

import psycopg

from bridge.db import acting_as
from jobs.config import JobConfig
from jobs.runner import Outcome


def run(conn: psycopg.Connection, as_of: date | None, tenant: str | None, actor: str, config: JobConfig) -> Outcome:
    with acting_as(conn, actor):
        anonymised = conn.execute(
            "SELECT coalesce(sum(internal.anonymise_customers(t.id)), 0)::int"
            "  FROM internal.list_tenants() t WHERE %(tenant)s::uuid IS NULL OR t.id = %(tenant)s",
            {"tenant": tenant}).fetchone()[0]
    return Outcome(processed=anonymised, detail={"anonymised": anonymised})
