"""What an issued invoice or credit note keeps, over real HTTP: the parties as they were at
issue, the German supply date, and the VAT breakdown that adds up to the totals."""
from __future__ import annotations

import pytest

from factories import create_customer, create_tenant


def ok(response):
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def german(db):
    tenant = create_tenant(db, country="DE", currency="EUR", vat=19, prices_include_vat=False,
                           street="Hauptstr. 1", postcode="10115", city="Berlin", vat_number="DE123456789")
    db.execute("INSERT INTO kassa.vat_rates (tenant_id, category, rate) VALUES (%s, 'reduced', 7)", [tenant["id"]])
    customer = create_customer(db, tenant["id"], name="Berta Beispiel")
    db.execute("UPDATE kassa.customers SET company_name = 'Berta GmbH', street = 'Ringstr. 2', postcode = '50667',"
               " city = 'Köln', vat_number = 'DE987654321' WHERE tenant_id = %s AND id = %s",
               [tenant["id"], customer["id"]])
    return tenant, customer


def draft_with_lines(staff, customer_id, **draft_args) -> dict:
    draft = ok(staff.rpc("create_invoice", customer_id=str(customer_id), **draft_args))
    # 10.05 + 0.03 at 19 % (VAT 1.9152 -> 1.92) and 3 x 3.33 at 7 % (0.6993 -> 0.70).
    ok(staff.rpc("add_invoice_line", invoice_id=draft["id"], description="Fibre", unit_price=1005))
    ok(staff.rpc("add_invoice_line", invoice_id=draft["id"], description="Setup", unit_price=3))
    ok(staff.rpc("add_invoice_line", invoice_id=draft["id"], description="Magazine", unit_price=333,
                 quantity=3, vat_category="reduced"))
    return draft


def test_a_german_invoice_needs_a_supply_date_and_keeps_its_parties(api, token, db, german):
    tenant, customer = german
    staff = api(token("staff", tenant["id"]))
    me = api(token("customer", tenant["id"], customer["id"]))
    draft = draft_with_lines(staff, customer["id"])

    refused = staff.rpc("finalise_invoice", invoice_id=draft["id"])
    assert refused.status_code == 400 and refused.json()["code"] == "P0I15", refused.text
    assert db.execute("SELECT status FROM kassa.invoices WHERE id = %s", [draft["id"]]).fetchone()["status"] == "draft"

    patched = staff.patch("/invoices", params={"id": f"eq.{draft['id']}"}, json={"supplied_on": "2026-11-30"})
    assert patched.status_code == 204, patched.text
    invoice = ok(staff.rpc("finalise_invoice", invoice_id=draft["id"]))
    assert invoice["status"] == "finalised" and invoice["supplied_on"] == "2026-11-30"

    # Some of the snapshot's keys (db/tests/70_document_content.sql checks them all).
    expected = {"supplier_name": tenant["legal_name"], "supplier_address": "Hauptstr. 1, 10115 Berlin",
                "supplier_vat_number": "DE123456789", "supplier_country": "DE", "recipient_name": "Berta Beispiel",
                "recipient_company_name": "Berta GmbH", "recipient_address": "Ringstr. 2, 50667 Köln",
                "recipient_vat_number": "DE987654321"}
    fields = {"select": ",".join(f"{key}:{key.split('_', 1)[0]}->>{key.split('_', 1)[1]}" for key in expected),
              "id": f"eq.{draft['id']}"}
    assert ok(me.get("/invoices", params=fields)) == [expected]

    db.execute("UPDATE kassa.tenants SET legal_name = 'Renamed AG', street = 'Elsewhere 1', vat_number = NULL"
               " WHERE id = %s", [tenant["id"]])
    db.execute("UPDATE kassa.customers SET name = 'Berta Neu', street = 'Moved 2' WHERE id = %s", [customer["id"]])
    assert ok(me.get("/invoices", params=fields)) == [expected], "later changes never alter the issued invoice"

    note = ok(staff.rpc("create_credit_note", invoice_id=draft["id"], reason="Goodwill"))
    seen = ok(me.get("/credit_notes", params={"select": "supplier,recipient", "id": f"eq.{note['id']}"}))
    assert seen[0]["supplier"]["name"] == "Renamed AG" and seen[0]["recipient"]["name"] == "Berta Neu", \
        "a credit note names the parties of its own issue date"


def test_the_vat_breakdown_adds_up_to_the_totals_for_staff_and_the_customer_only(api, token, db, german):
    tenant, customer = german
    staff = api(token("staff", tenant["id"]))
    me = api(token("customer", tenant["id"], customer["id"]))
    other = create_customer(db, tenant["id"], name="Someone Else")
    stranger = api(token("customer", tenant["id"], other["id"]))
    draft = draft_with_lines(staff, customer["id"], supplied_on="2026-11-30")
    invoice = ok(staff.rpc("finalise_invoice", invoice_id=draft["id"]))

    rows = ok(me.get("/invoice_vat_breakdown", params={"invoice_id": f"eq.{invoice['id']}", "order": "vat_category",
                                                       "select": "vat_category,vat_rate,net,vat,gross"}))
    assert rows == [{"vat_category": "reduced", "vat_rate": 7.00, "net": 999, "vat": 70, "gross": 1069},
                    {"vat_category": "standard", "vat_rate": 19.00, "net": 1008, "vat": 192, "gross": 1200}]
    assert (sum(r["net"] for r in rows), sum(r["vat"] for r in rows), sum(r["gross"] for r in rows)) \
        == (invoice["net_total"], invoice["vat_total"], invoice["total"])

    lines = ok(staff.get("/invoice_lines", params={"invoice_id": f"eq.{invoice['id']}", "order": "position"}))
    partial = ok(staff.rpc("create_credit_note", invoice_id=invoice["id"], reason="Partial",
                           lines=[{"invoice_line_id": lines[0]["id"], "amount": 500},
                                  {"invoice_line_id": lines[2]["id"], "amount": 333}]))
    rest = ok(staff.rpc("create_credit_note", invoice_id=invoice["id"], reason="The rest"))
    for note in (partial, rest):
        note_rows = ok(me.get("/credit_note_vat_breakdown", params={"credit_note_id": f"eq.{note['id']}"}))
        assert (sum(r["net"] for r in note_rows), sum(r["vat"] for r in note_rows), sum(r["gross"] for r in note_rows)) \
            == (note["net_total"], note["vat_total"], note["total"])
    both = ok(me.get("/credit_note_vat_breakdown"))
    for row in rows:
        credited = [r for r in both if (r["vat_category"], r["vat_rate"]) == (row["vat_category"], row["vat_rate"])]
        assert sum(r["vat"] for r in credited) == row["vat"], "the notes credit exactly the invoice's VAT"

    assert ok(stranger.get("/invoice_vat_breakdown")) == []
    assert ok(stranger.get("/credit_note_vat_breakdown")) == []
    elsewhere = create_tenant(db)
    assert ok(api(token("staff", elsewhere["id"])).get("/invoice_vat_breakdown")) == []
