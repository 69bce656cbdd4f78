"""The demo data `make up` loads: it goes through the same functions staff and jobs use, so a
fresh database with it must show a working billing story and a sound ledger."""
from __future__ import annotations

import psycopg
from psycopg.rows import dict_row

from bridge.logins import HASHER
from kassa import deploy, stack
from kassa.demo import (KAROO_COFFEE, LEKKER_FIBRE, LEKKER_FIRST_CUSTOMER, PORTAL_LOGIN, RHEINWELLE, SAMARKAND_TOURS,
                        TOKENS)


def test_demo_loads_a_billed_and_paid_story(fresh_database):
    deploy.deploy(fresh_database)
    stack.load_demo(fresh_database)
    with psycopg.connect(fresh_database.database_url, row_factory=dict_row) as conn:
        invoices = conn.execute(
            "SELECT tenant_id::text, customer_id::text, number, status, total, amount_due FROM kassa.invoices"
            " ORDER BY number").fetchall()
        assert {i["tenant_id"] for i in invoices} == {LEKKER_FIBRE, RHEINWELLE, SAMARKAND_TOURS}
        assert all(i["number"] and i["total"] > 0 for i in invoices)
        # The customers `make up` prints tokens for are in the demo, each in its tenant; the German
        # and the South African one have the full invoices (docs/documents.md, "Try it").
        for tenant, customer, _ in TOKENS.values():
            assert conn.execute("SELECT count(*) AS n FROM kassa.customers WHERE tenant_id = %s AND id = %s",
                                [tenant, customer]).fetchone()["n"] == 1
        full = {(row["tenant_id"], row["customer_id"]) for row in conn.execute(
            "SELECT tenant_id::text, customer_id::text FROM kassa.invoices"
            " WHERE document_kind IN ('invoice', 'tax_invoice') AND tenant_id IN (%s, %s)",
            [LEKKER_FIBRE, RHEINWELLE]).fetchall()}
        assert full == {TOKENS["Lekker Fibre (ZA)"][:2], TOKENS["Rheinwelle Telekom (DE)"][:2]}
        # Karoo Coffee paid the run's invoice; its full tax invoice (over R5,000) is open.
        karoo = [i for i in invoices if i["customer_id"] == KAROO_COFFEE]
        assert [(i["status"], i["amount_due"]) for i in karoo] == [("paid", 0), ("finalised", 862500)]
        # Beside the small invoices, a full German invoice and a full South African tax invoice.
        kinds = {row["document_kind"] for row in conn.execute("SELECT document_kind FROM kassa.invoices").fetchall()}
        assert {"small_amount_invoice", "invoice", "abridged_tax_invoice", "tax_invoice"} <= kinds
        assert conn.execute("SELECT count(*) AS n FROM internal.ledger_mismatches()").fetchone()["n"] == 0
        # The portal login `make up` prints is Thandi's, with that password (docs/portal.md#portal).
        login = conn.execute("SELECT i.customer_id::text, i.password_hash FROM kassa.identities i"
                             " JOIN kassa.tenants t ON t.id = i.tenant_id WHERE t.slug = %s AND i.email = %s",
                             [PORTAL_LOGIN["tenant"], PORTAL_LOGIN["email"]]).fetchone()
        assert login["customer_id"] == LEKKER_FIRST_CUSTOMER
        assert HASHER.verify(login["password_hash"], PORTAL_LOGIN["password"])
        # Loading again into a database that has tenants changes nothing.
        before = conn.execute("SELECT count(*) AS n FROM kassa.ledger_entries").fetchone()["n"]
    stack.load_demo(fresh_database)
    with psycopg.connect(fresh_database.database_url, row_factory=dict_row) as conn:
        assert conn.execute("SELECT count(*) AS n FROM kassa.ledger_entries").fetchone()["n"] == before
