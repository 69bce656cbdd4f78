"""A book of subscriptions for the invoice-run tests and benchmark, loaded set-based.

`load(conn, tenants, services_per_tenant, due)` adds that many tenants, each with one monthly
plan and one customer per service (with the addresses a full tax invoice names), every service active and due on `due` (its billing day is
due's day of month, so use 1, 5, 25 or 30). Returns the new tenant ids, sorted. Needs an owner
connection: it migrates services in as active, which the service RPCs would not allow.
"""
from __future__ import annotations

import uuid
from datetime import date

import psycopg


def load(conn: psycopg.Connection, tenants: int, services_per_tenant: int, due: date,
         prefix: str = "fffffffe") -> list[str]:
    ids = sorted(str(uuid.UUID(f"{prefix}-{uuid.uuid4().hex[8:]}")) for _ in range(tenants))
    with conn.transaction():
        conn.execute("""
          INSERT INTO kassa.tenants (id, slug, name, legal_name, country, currency, prices_include_vat,
                                     date_window_back_days, street, postcode, city, vat_number)
          SELECT t, 'book-' || replace(t::text, '-', ''), 'Book ' || t, 'Book ' || t || ' Ltd', 'ZA', 'ZAR', true,
                 3660,  -- a migrated book: its history lies years back
                 '1 Book Street', '8001', 'Cape Town', '4000000000'  -- what its (abridged) tax invoices name
            FROM unnest(%(ids)s::uuid[]) t""", {"ids": ids})
        conn.execute("INSERT INTO kassa.vat_rates (tenant_id, category, rate)"
                     " SELECT t, 'standard', 15 FROM unnest(%(ids)s::uuid[]) t", {"ids": ids})
        # One plan per tenant; its product and price version share the tenant's id.
        conn.execute("INSERT INTO kassa.products (tenant_id, id, code, name, kind)"
                     " SELECT t, t, 'fibre', 'Fibre 100', 'plan' FROM unnest(%(ids)s::uuid[]) t", {"ids": ids})
        conn.execute("INSERT INTO kassa.price_versions (tenant_id, id, product_id, price, interval)"
                     " SELECT t, t, t, 49900, 'monthly' FROM unnest(%(ids)s::uuid[]) t", {"ids": ids})
        conn.execute("""
          INSERT INTO kassa.customers (tenant_id, name, email, street, postcode, city)
          SELECT t, 'Customer ' || i, 'c' || i || '@example.com', i || ' Long Street', '8001', 'Cape Town'
            FROM unnest(%(ids)s::uuid[]) t, generate_series(1, %(n)s) i""", {"ids": ids, "n": services_per_tenant})
        conn.execute("SET LOCAL kassa.service_transition = 'on'")
        conn.execute("""
          INSERT INTO kassa.services (tenant_id, customer_id, price_version_id, billing_day, status,
                                      activated_on, next_billing_date)
          SELECT c.tenant_id, c.id, c.tenant_id, extract(day FROM %(due)s::date), 'active',
                 %(due)s::date - 31, %(due)s::date
            FROM kassa.customers c WHERE c.tenant_id = ANY (%(ids)s::uuid[])""", {"ids": ids, "due": due})
    return ids
