"""Allocations running at once for one customer apply each unit of credit once, oldest first:
payments that post and allocate in one transaction, and bare allocations racing them."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import psycopg

from factories import create_customer, create_tenant

PAYMENTS = 12


def pay(dsn: str, tenant_id, customer_id, n: int) -> None:
    with psycopg.connect(dsn) as conn:  # one transaction: post, then allocate, as the payments side does
        conn.execute("SELECT internal.post_entry(%s, %s, 'payment', 1000, 'payment', %s)",
                     [tenant_id, customer_id, f"concurrent-{n}"])
        conn.execute("SELECT count(*) FROM internal.allocate_credit(%s, ARRAY[%s]::uuid[])", [tenant_id, customer_id])


def allocate(dsn: str, tenant_id, customer_id) -> None:
    with psycopg.connect(dsn) as conn:
        conn.execute("SELECT count(*) FROM internal.allocate_credit(%s, ARRAY[%s]::uuid[])", [tenant_id, customer_id])


def test_concurrent_payments_never_apply_the_same_credit_twice(settings, db):
    tenant = create_tenant(db, prices_include_vat=True)
    customer = create_customer(db, tenant["id"])
    invoices = []
    for day in range(1, 6):  # five invoices of R 30.00, oldest first
        invoice = db.execute("INSERT INTO kassa.invoices (tenant_id, customer_id, currency, prices_include_vat)"
                             " VALUES (%s, %s, 'ZAR', true) RETURNING id", [tenant["id"], customer["id"]]).fetchone()["id"]
        db.execute("INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, description, unit_price)"
                   " VALUES (%s, %s, 'Plan', 3000)", [tenant["id"], invoice])
        db.execute("SELECT internal.finalise_invoices(%s, ARRAY[%s]::uuid[], %s)",
                   [tenant["id"], invoice, f"2026-05-0{day}"])
        invoices.append(invoice)

    # Half the money arrives before anything allocates it; then payments and bare allocations race.
    for n in range(PAYMENTS // 2):
        db.execute("SELECT internal.post_entry(%s, %s, 'payment', 1000, 'payment', %s)",
                   [tenant["id"], customer["id"], f"early-{n}"])
    work = [lambda n=n: pay(settings.database_url, tenant["id"], customer["id"], n) for n in range(PAYMENTS // 2)]
    work += [lambda: allocate(settings.database_url, tenant["id"], customer["id"])] * 8
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda job: job(), work))

    rows = db.execute("SELECT id, amount_paid, status FROM kassa.invoices WHERE customer_id = %s ORDER BY issued_on",
                      [customer["id"]]).fetchall()
    # 12 x 10.00 = 120.00: the four oldest paid, the newest untouched.
    assert [(r["amount_paid"], r["status"]) for r in rows] == [(3000, "paid")] * 4 + [(0, "finalised")]
    allocated = db.execute("SELECT sum(amount) AS s FROM kassa.invoice_allocations WHERE customer_id = %s",
                           [customer["id"]]).fetchone()["s"]
    assert allocated == PAYMENTS * 1000
    assert db.execute("SELECT balance FROM kassa.billing_accounts WHERE customer_id = %s",
                      [customer["id"]]).fetchone()["balance"] == -3000
