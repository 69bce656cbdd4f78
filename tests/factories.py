"""Rows the tests make, as the database owner (the `db` fixture's connection): a tenant with
its standard VAT rate, a customer, an issued invoice; and two waits: a reader of an SSE stream,
a poll until a condition holds. Test files import these; the fixtures in conftest.py use them too."""
from __future__ import annotations

import json
import queue
import threading
import time
import uuid

import psycopg
import requests


def create_tenant(conn, country="ZA", currency="ZAR", vat=15, prices_include_vat=True, **extra) -> dict:
    slug = f"t-{uuid.uuid4().hex[:12]}"
    row = conn.execute(
        "INSERT INTO kassa.tenants (slug, name, legal_name, country, currency, prices_include_vat, timezone)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING *",
        [slug, f"Tenant {slug}", f"Tenant {slug} Ltd", country, currency, prices_include_vat,
         "Africa/Johannesburg" if country == "ZA" else "Europe/Berlin"]).fetchone()
    conn.execute("INSERT INTO kassa.vat_rates (tenant_id, category, rate) VALUES (%s, 'standard', %s)",
                 [row["id"], vat])
    for column, value in extra.items():
        conn.execute(psycopg.sql.SQL("UPDATE kassa.tenants SET {} = %s WHERE id = %s").format(
            psycopg.sql.Identifier(column)), [value, row["id"]])
    return conn.execute("SELECT * FROM kassa.tenants WHERE id = %s", [row["id"]]).fetchone()


def create_customer(conn, tenant_id, name="Test Customer", email=None) -> dict:
    return conn.execute(
        "INSERT INTO kassa.customers (tenant_id, name, email) VALUES (%s, %s, %s) RETURNING *",
        [tenant_id, name, email or f"{uuid.uuid4().hex[:10]}@example.com"]).fetchone()


def issue_invoice(db, tenant, customer, issued_on: str):
    """A finalised invoice of 10.00 (one line) issued on that date; its id."""
    invoice = db.execute("INSERT INTO kassa.invoices (tenant_id, customer_id, currency, prices_include_vat)"
                         " VALUES (%s, %s, %s, %s) RETURNING id",
                         [tenant["id"], customer["id"], tenant["currency"], tenant["prices_include_vat"]]).fetchone()["id"]
    db.execute("INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, description, unit_price) VALUES (%s, %s, 'x', 1000)",
               [tenant["id"], invoice])
    db.execute("SELECT internal.finalise_invoices(%s, ARRAY[%s]::uuid[], %s)", [tenant["id"], invoice, issued_on])
    return invoice


def open_stream(url: str, token: str, events: int | None = None) -> queue.Queue:
    """Opens an SSE stream and reads it in a thread: each data line, as a dict, into the queue
    returned, then None when the stream ends (or it stops after `events` data lines)."""
    lines, opened = queue.Queue(), threading.Event()

    def read() -> None:
        with requests.get(url, headers={"Authorization": f"Bearer {token}"}, stream=True, timeout=30) as response:
            opened.set()
            for number, line in enumerate(
                    (line for line in response.iter_lines(decode_unicode=True) if line.startswith("data: ")), 1):
                lines.put(json.loads(line[len("data: "):]))
                if number == events:
                    return
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    assert opened.wait(10), "the stream did not open"
    return lines


def wait_for(condition, timeout: float = 10) -> bool:
    """Whether `condition()` became true within `timeout` seconds (asked every 0.1 s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False
