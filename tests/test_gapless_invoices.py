"""Gapless invoice numbers under concurrency: 1,000 finalisations across 3 tenants from 16
connections, every 10th transaction rolled back after finalising. Each tenant's numbers for the
year are exactly 1..N, and the next year starts again at 1.
"""
from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor

import psycopg
from psycopg.rows import tuple_row

from factories import create_customer, create_tenant

FINALISATIONS = 1000
CONNECTIONS = 16


def finalise_one(conn: psycopg.Connection, tenant_id, customer_id, issued_on: str, roll_back: bool) -> None:
    with conn.transaction(force_rollback=roll_back):
        invoice = conn.cursor(row_factory=tuple_row).execute(
            "INSERT INTO kassa.invoices (tenant_id, customer_id, currency, prices_include_vat)"
            " SELECT id, %s, currency, prices_include_vat FROM kassa.tenants WHERE id = %s RETURNING id",
            [customer_id, tenant_id]).fetchone()[0]
        conn.execute("INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, description, unit_price)"
                     " VALUES (%s, %s, 'Monthly plan', 29900)", [tenant_id, invoice])
        conn.execute("SELECT internal.finalise_invoices(%s, ARRAY[%s]::uuid[], %s)", [tenant_id, invoice, issued_on])


def worker(dsn: str, jobs: list[tuple]) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        for job in jobs:
            finalise_one(conn, *job)


def sequence_numbers(db, tenant_id, year: int) -> list[int]:
    rows = db.execute("SELECT number FROM kassa.invoices WHERE tenant_id = %s AND extract(year FROM issued_on) = %s",
                      [tenant_id, year]).fetchall()
    return sorted(int(row["number"].rsplit("-", 1)[1]) for row in rows)


def test_numbers_are_gapless_per_tenant_and_year_under_concurrency(settings, db, travel_to):
    travel_to("2027-01-02 12:00+00")  # both issue dates below lie in the past
    tenants = [create_tenant(db) for _ in range(3)]
    customers = {t["id"]: [create_customer(db, t["id"])["id"] for _ in range(4)] for t in tenants}
    jobs = []
    for n in range(FINALISATIONS):
        tenant = tenants[n % 3]["id"]
        jobs.append((tenant, customers[tenant][n % 4], "2026-12-31", n % 10 == 9))
    batches = [jobs[i::CONNECTIONS] for i in range(CONNECTIONS)]
    with ThreadPoolExecutor(CONNECTIONS) as pool:
        list(pool.map(lambda batch: worker(settings.database_url, batch), batches))

    for tenant in tenants:
        committed = sum(1 for job in jobs if job[0] == tenant["id"] and not job[3])
        assert sequence_numbers(db, tenant["id"], 2026) == list(range(1, committed + 1))

    # The year boundary: a new series per tenant, the old one untouched.
    year_end = {t["id"]: sequence_numbers(db, t["id"], 2026) for t in tenants}
    for tenant, n in itertools.product(tenants, range(3)):
        finalise_one(db, tenant["id"], customers[tenant["id"]][0], "2027-01-01", roll_back=False)
    for tenant in tenants:
        assert sequence_numbers(db, tenant["id"], 2027) == [1, 2, 3]
        assert sequence_numbers(db, tenant["id"], 2026) == year_end[tenant["id"]]
        first = db.execute("SELECT number FROM kassa.invoices WHERE tenant_id = %s AND issued_on = '2027-01-01'"
                           " ORDER BY number LIMIT 1", [tenant["id"]]).fetchone()["number"]
        assert first == "INV-2027-00001"
