"""Invoices, credit notes and statements through PostgREST, with staff and customer tokens."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest


@pytest.fixture
def today(db, tenant) -> date:
    """The tenant's today (its time zone): every default date of the API, and a statement's dates."""
    return db.execute("SELECT internal.tenant_today(%s) AS d", [tenant["id"]]).fetchone()["d"]


@pytest.fixture
def staff(api, token, tenant):
    return api(token("staff", tenant["id"]))


@pytest.fixture
def me(api, token, tenant, customer):
    return api(token("customer", tenant["id"], customer["id"]))


def ok(response, status=200) -> dict | list:
    assert response.status_code == status, response.text
    return response.json()


def refused(response, code: str) -> None:
    """A business rule refusal: HTTP 400 with the Kassa code (internal.raise_error)."""
    assert response.status_code == 400, response.text
    assert response.json()["code"] == code, response.text


def issued_invoice(staff, customer_id, prices=(49900, 9999)) -> dict:
    draft = ok(staff.rpc("create_invoice", customer_id=str(customer_id)))
    lines = [ok(staff.rpc("add_invoice_line", invoice_id=draft["id"], description=f"Item {n}", unit_price=price))
             for n, price in enumerate(prices, 1)]
    invoice = ok(staff.rpc("finalise_invoice", invoice_id=draft["id"]))
    invoice["lines"] = lines
    return invoice


def test_staff_make_and_finalise_an_invoice_the_customer_then_sees(staff, me, customer, db, today):
    draft = ok(staff.rpc("create_invoice", customer_id=str(customer["id"])))
    assert (draft["status"], draft["number"]) == ("draft", None)
    ok(staff.rpc("add_invoice_line", invoice_id=draft["id"], description="Fibre 100", unit_price=49900))
    ok(staff.rpc("add_invoice_line", invoice_id=draft["id"], description="Router", unit_price=9999))
    assert ok(me.get("/invoices")) == [], "customers see no drafts"

    invoice = ok(staff.rpc("finalise_invoice", invoice_id=draft["id"]))
    # ZA tenant, prices include 15 % VAT: VAT extracted once from R 598.99.
    assert (invoice["total"], invoice["vat_total"], invoice["net_total"]) == (59899, 7813, 52086)
    assert invoice["number"] == f"INV-{today.year}-00001"
    assert invoice["status"] == "finalised" and invoice["amount_due"] == 59899
    assert invoice["issued_on"] == today.isoformat()

    seen = ok(me.get("/invoices", params={"select": "id,number,status,total,amount_due,due_on"}))
    assert [row["id"] for row in seen] == [draft["id"]]
    assert len(ok(me.get("/invoice_lines", params={"invoice_id": f"eq.{draft['id']}"}))) == 2
    entry = db.execute("SELECT kind, amount FROM kassa.ledger_entries WHERE source_id = %s", [draft["id"]]).fetchone()
    assert entry == {"kind": "invoice", "amount": -59899}


def test_editing_a_finalised_invoice_is_refused_and_changes_nothing(staff, customer, db):
    invoice = issued_invoice(staff, customer["id"])
    before = db.execute("SELECT * FROM kassa.invoices WHERE id = %s", [invoice["id"]]).fetchone()
    lines_before = db.execute("SELECT * FROM kassa.invoice_lines WHERE invoice_id = %s ORDER BY id",
                              [invoice["id"]]).fetchall()

    patched = staff.patch("/invoices", params={"id": f"eq.{invoice['id']}"}, json={"notes": "cheaper"})
    refused(patched, "P0I05")
    assert "frozen" in patched.json()["message"] and "credit note" in patched.json()["hint"]

    added = staff.rpc("add_invoice_line", invoice_id=invoice["id"], description="Extra", unit_price=100)
    refused(added, "P0I02")
    removed = staff.rpc("remove_invoice_line", line_id=invoice["lines"][0]["id"])
    refused(removed, "P0I02")

    assert db.execute("SELECT * FROM kassa.invoices WHERE id = %s", [invoice["id"]]).fetchone() == before
    assert db.execute("SELECT * FROM kassa.invoice_lines WHERE invoice_id = %s ORDER BY id",
                      [invoice["id"]]).fetchall() == lines_before


def test_credit_note_larger_than_creditable_is_refused_and_changes_nothing(staff, me, customer, db, today):
    invoice = issued_invoice(staff, customer["id"])
    router = invoice["lines"][1]
    balance = db.execute("SELECT balance FROM kassa.billing_accounts WHERE customer_id = %s",
                         [customer["id"]]).fetchone()["balance"]

    too_much = staff.rpc("create_credit_note", invoice_id=invoice["id"], reason="Broken router",
                         lines=[{"invoice_line_id": router["id"], "amount": 10000}])
    refused(too_much, "P0N02")
    assert "exceeds what is still creditable there (9999)" in too_much.json()["message"]
    assert db.execute("SELECT count(*) AS n FROM kassa.credit_notes WHERE invoice_id = %s",
                      [invoice["id"]]).fetchone()["n"] == 0
    assert db.execute("SELECT balance FROM kassa.billing_accounts WHERE customer_id = %s",
                      [customer["id"]]).fetchone()["balance"] == balance

    note = ok(staff.rpc("create_credit_note", invoice_id=invoice["id"], reason="Broken router",
                        lines=[{"invoice_line_id": router["id"], "amount": 9999}]))
    assert note["number"] == f"CN-{today.year}-00001"
    assert (note["total"], note["vat_total"]) == (9999, 1304)  # 99.99 x 15/115 = 13.042 -> 13.04
    again = staff.rpc("create_credit_note", invoice_id=invoice["id"], reason="Again",
                      lines=[{"invoice_line_id": router["id"], "amount": 1}])
    refused(again, "P0N02")

    assert [n["id"] for n in ok(me.get("/credit_notes"))] == [note["id"]]
    after = ok(me.get("/invoices", params={"id": f"eq.{invoice['id']}"}))[0]
    assert (after["amount_due"], after["status"]) == (59899 - 9999, "partially_paid")


def test_statement_as_rows_and_csv_for_staff_and_the_customer(staff, me, api, token, tenant, customer, db, today):
    invoice = issued_invoice(staff, customer["id"], prices=(20000,))
    db.execute("SELECT internal.post_entry(%s, %s, 'payment', 5000, 'payment', 'stmt-pay')",
               [tenant["id"], customer["id"]])
    period = {"customer_id": str(customer["id"]), "from": today.isoformat(), "to": today.isoformat()}

    rows = ok(staff.post("/rpc/statement", json=period))
    assert [r["kind"] for r in rows] == ["opening_balance", "invoice", "payment", "closing_balance"]
    assert (rows[0]["balance"], rows[-1]["balance"]) == (0, -15000)
    assert rows[1]["source_id"] == invoice["id"]

    exported = me.post("/rpc/statement", json=period, headers={"Accept": "text/csv"})
    assert exported.status_code == 200, exported.text
    assert exported.headers["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["kind"], r["amount"], r["balance"]) for r in table] == [
        ("opening_balance", "", "0"), ("invoice", "-20000", "-20000"), ("payment", "5000", "-15000"),
        ("closing_balance", "-15000", "-15000")]

    view = me.get("/statement_lines", headers={"Accept": "text/csv"},
                  params={"posted_on": f"eq.{today.isoformat()}", "order": "entry_no",
                          "select": "posted_on,kind,amount,balance"})
    assert view.status_code == 200, view.text
    assert view.text.splitlines() == ["posted_on,kind,amount,balance",
                                      f"{today.isoformat()},invoice,-20000,-20000",
                                      f"{today.isoformat()},payment,5000,-15000"]

    stranger = db.execute("INSERT INTO kassa.customers (tenant_id, name, email) VALUES (%s, 'Other', 'o@example.com')"
                          " RETURNING id", [tenant["id"]]).fetchone()["id"]
    foreign = me.post("/rpc/statement", json={**period, "customer_id": str(stranger)})
    refused(foreign, "P0G01")
    backwards = staff.post("/rpc/statement", json={**period, "from": "2030-01-02", "to": "2030-01-01"})
    refused(backwards, "P0G02")


def test_customers_cannot_make_invoices_and_other_tenants_see_nothing(me, api, token, customer, staff, db):
    from factories import create_tenant
    invoice = issued_invoice(staff, customer["id"])
    denied = me.rpc("create_invoice", customer_id=str(customer["id"]))
    assert denied.status_code in (401, 403), denied.text
    other = api(token("staff", create_tenant(db)["id"]))
    assert ok(other.get("/invoices", params={"id": f"eq.{invoice['id']}"})) == []
    assert ok(other.get("/statement_lines", params={"customer_id": f"eq.{customer['id']}"})) == []
    finalise = other.rpc("finalise_invoice", invoice_id=invoice["id"])
    refused(finalise, "P0I01")
