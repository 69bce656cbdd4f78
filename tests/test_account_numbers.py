"""Gapless account numbers under concurrency: 16 connections create 500 customers in one
tenant, acting as staff the way PostgREST does; every 10th transaction is rolled back on
purpose and every 25th fails on bad data. The committed customers hold exactly 1..500.
"""
from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg

from factories import create_tenant

CONNECTIONS = 16
CUSTOMERS = 500


def create_share(dsn: str, tenant_id, worker: int, quota: int) -> dict:
    """Commits `quota` customers; also rolls back and fails some on purpose."""
    committed = rolled_back = failed = attempt = 0
    claims = json.dumps({"role": "staff", "tenant_id": str(tenant_id), "sub": f"worker-{worker}"})
    with psycopg.connect(dsn) as conn:
        conn.execute("SET ROLE staff")
        conn.execute("SELECT set_config('request.jwt.claims', %s, false)", [claims])
        conn.commit()
        while committed < quota:
            attempt += 1
            email = f"w{worker}-{attempt}-{uuid.uuid4().hex[:6]}@example.com"
            if attempt % 25 == 0:
                email = "not-an-email"  # the insert fails after its number was drawn
            try:
                conn.execute("INSERT INTO api.customers (name, email) VALUES (%s, %s)", [f"W{worker} #{attempt}", email])
            except psycopg.errors.CheckViolation:
                conn.rollback()
                failed += 1
                continue
            if attempt % 10 == 0:
                conn.rollback()
                rolled_back += 1
            else:
                conn.commit()
                committed += 1
    return {"committed": committed, "rolled_back": rolled_back, "failed": failed}


def test_parallel_customers_get_gapless_unique_account_numbers(settings, db):
    tenant = create_tenant(db, account_number_format="ACC-{NNNNNN}")
    quotas = [CUSTOMERS // CONNECTIONS + (1 if i < CUSTOMERS % CONNECTIONS else 0) for i in range(CONNECTIONS)]
    with ThreadPoolExecutor(max_workers=CONNECTIONS) as pool:
        outcomes = list(pool.map(lambda i: create_share(settings.database_url, tenant["id"], i, quotas[i]),
                                 range(CONNECTIONS)))

    assert sum(o["committed"] for o in outcomes) == CUSTOMERS
    assert sum(o["rolled_back"] for o in outcomes) > 0 and sum(o["failed"] for o in outcomes) > 0
    numbers = [r["account_number"] for r in db.execute(
        "SELECT account_number FROM kassa.customers WHERE tenant_id = %s ORDER BY account_number",
        [tenant["id"]])]
    assert numbers == [f"ACC-{n:06d}" for n in range(1, CUSTOMERS + 1)]
    counter = db.execute("SELECT last_value FROM kassa.counters WHERE tenant_id = %s AND kind = 'account'",
                         [tenant["id"]]).fetchone()["last_value"]
    assert counter == CUSTOMERS
