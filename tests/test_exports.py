"""Exports for the accountant over real HTTP (PostgREST, `Accept: text/csv`) and from `kassa
export`: the documents parse as CSV, their amounts equal the database's to the cent, the CLI
writes the same bytes, bad input is a clear error that changes nothing, and a German tenant's
DATEV batch reads back field by field."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest

from factories import create_customer, create_tenant

HEADERS = {
    "invoices": ["number", "issued_on", "due_on", "status", "customer_account", "customer_name", "customer_vat_number",
                 "currency", "vat_category", "vat_rate", "net", "vat", "gross", "supplied_on", "period_start",
                 "period_end", "invoice_id", "customer_id"],
    "payments": ["posted_on", "posted_at", "kind", "payment_id", "refund_id", "customer_account", "customer_name",
                 "method", "provider", "provider_ref", "purpose", "invoice_number", "currency", "amount", "bonus",
                 "customer_id"],
}


@pytest.fixture
def german(db):
    return create_tenant(db, country="DE", currency="EUR", vat=19, prices_include_vat=False)


@pytest.fixture
def buyer(db, german):
    customer = create_customer(db, german["id"], name="Jürgen Weiß")
    db.execute("UPDATE kassa.customers SET company_name = 'Weiß & Söhne, \"Elektro\" KG' WHERE id = %s", [customer["id"]])
    return customer


@pytest.fixture
def staff(api, token, german):
    return api(token("staff", german["id"]))


@pytest.fixture
def today(db, german) -> date:
    return db.execute("SELECT internal.tenant_today(%s) AS d", [german["id"]]).fetchone()["d"]


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response


def refused(response, code: str, status: int = 400) -> dict:
    assert response.status_code == status, response.text
    assert response.json()["code"] == code, response.text
    return response.json()


def issue(staff, customer_id, today: date, prices=((11990, "standard"), (2500, "reduced"))) -> dict:
    draft = ok(staff.rpc("create_invoice", customer_id=str(customer_id), supplied_on=today.isoformat())).json()
    for n, (price, category) in enumerate(prices, 1):
        ok(staff.rpc("add_invoice_line", invoice_id=draft["id"], description=f"Item {n}", unit_price=price,
                     vat_category=category))
    return ok(staff.rpc("finalise_invoice", invoice_id=draft["id"])).json()


def major(minor: int) -> Decimal:
    return Decimal(minor).scaleb(-2)


def kassa(settings, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kassa.cli", *args], capture_output=True,
                          env={"KASSA_HOME": settings.home, "PATH": os.environ["PATH"]})


@pytest.fixture
def period(db, german, buyer, staff, today) -> dict:
    """An invoice with two VAT rates, a credit note with a quoted reason, a bank payment."""
    db.execute("INSERT INTO kassa.vat_rates (tenant_id, category, rate) VALUES (%s, 'reduced', 7)", [german["id"]])
    invoice = issue(staff, buyer["id"], today)
    line = db.execute("SELECT id FROM kassa.invoice_lines WHERE invoice_id = %s AND position = 1",
                      [invoice["id"]]).fetchone()["id"]
    ok(staff.rpc("create_credit_note", invoice_id=invoice["id"], reason='Item 1 "defekt", zurück',
                 lines=[{"invoice_line_id": str(line), "amount": 1000}]))
    ok(staff.rpc("record_manual_payment", customer_id=str(buyer["id"]), amount=5000, method="eft",
                 reason="Überweisung", reference="SEPA-4711"))
    return {"from": today.isoformat(), "to": today.isoformat(), "invoice": invoice}


def test_invoices_as_csv_over_http_equal_the_database_to_the_cent(staff, db, period, buyer):
    answer = ok(staff.get("/rpc/export_invoices", params={"from": period["from"], "to": period["to"]},
                          headers={"Accept": "text/csv"}))
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert answer.headers["Content-Disposition"] == \
        f'attachment; filename="invoices_{period["from"]}_{period["to"]}.csv"'
    assert answer.content.startswith(b"number,issued_on,") and b"\r\n" in answer.content
    rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8"), newline="")))
    assert list(rows[0]) == HEADERS["invoices"]
    expected = db.execute("SELECT vat_category, vat_rate, net, vat, gross FROM internal.invoice_vat_breakdown(%s, %s)"
                          " ORDER BY vat_category", [buyer["tenant_id"], [period["invoice"]["id"]]]).fetchall()
    assert [(r["number"], r["vat_category"], Decimal(r["vat_rate"]), Decimal(r["net"]), Decimal(r["vat"]),
             Decimal(r["gross"])) for r in rows] == \
        [(period["invoice"]["number"], e["vat_category"], e["vat_rate"], major(e["net"]), major(e["vat"]),
          major(e["gross"])) for e in expected]
    assert sum(Decimal(r["gross"]) for r in rows) == major(period["invoice"]["total"])
    # The customer's name is quoted as RFC 4180 wants it and reads back unchanged.
    assert {r["customer_name"] for r in rows} == {'Weiß & Söhne, "Elektro" KG'}
    assert {r["customer_account"] for r in rows} == {buyer["account_number"]}


def test_credit_notes_payments_and_ledger_as_csv(staff, db, period, buyer):
    notes = list(csv.DictReader(io.StringIO(ok(staff.post("/rpc/export_credit_notes", json={"from": period["from"], "to": period["to"]},
                                                          headers={"Accept": "text/csv"})).text, newline="")))
    note = db.execute("SELECT number, total FROM kassa.credit_notes WHERE customer_id = %s", [buyer["id"]]).fetchone()
    assert [(r["number"], r["invoice_number"], r["reason"], Decimal(r["gross"])) for r in notes] == \
        [(note["number"], period["invoice"]["number"], 'Item 1 "defekt", zurück', major(note["total"]))]

    params = {"from": period["from"], "to": period["to"]}
    payments = list(csv.DictReader(io.StringIO(ok(staff.get("/rpc/export_payments", params=params,
                                                            headers={"Accept": "text/csv"})).text, newline="")))
    assert list(payments[0]) == HEADERS["payments"]
    assert [(r["kind"], r["method"], r["provider_ref"], r["amount"], r["currency"]) for r in payments] == \
        [("payment", "eft", "SEPA-4711", "50.00", "EUR")]

    ledger = list(csv.DictReader(io.StringIO(ok(staff.get("/rpc/export_ledger", params=params,
                                                          headers={"Accept": "text/csv"})).text, newline="")))
    entries = db.execute("SELECT entry_no, kind, amount, balance_after FROM kassa.ledger_entries WHERE customer_id = %s"
                         " ORDER BY entry_no", [buyer["id"]]).fetchall()
    assert [(int(r["entry_no"]), r["kind"], Decimal(r["amount"]), Decimal(r["balance_after"])) for r in ledger] == \
        [(e["entry_no"], e["kind"], major(e["amount"]), major(e["balance_after"])) for e in entries]


def test_the_cli_writes_the_same_bytes_as_the_api(settings, staff, period, buyer, tmp_path):
    for kind in ("invoices", "credit_notes", "payments", "ledger"):
        over_http = ok(staff.get(f"/rpc/export_{kind}", params={"from": period["from"], "to": period["to"]},
                                 headers={"Accept": "text/csv"})).content
        target = tmp_path / f"{kind}.csv"
        result = kassa(settings, "export", kind, "--tenant", str(buyer["tenant_id"]), "--from", period["from"],
                       "--to", period["to"], "--output", str(target))
        assert result.returncode == 0, result.stderr
        assert target.read_bytes() == over_http, kind
    printed = kassa(settings, "export", "ledger", "--tenant", str(buyer["tenant_id"]), "--from", period["from"],
                    "--to", period["to"])
    assert printed.stdout.startswith(b"posted_on,posted_at,customer_account,")


def test_bad_input_is_a_clear_error_that_changes_nothing(settings, staff, api, token, db, german, buyer, period):
    before = db.execute("SELECT count(*) AS n FROM audit.log WHERE tenant_id = %s", [german["id"]]).fetchone()
    csv_accept = {"Accept": "text/csv"}
    backwards = refused(staff.get("/rpc/export_invoices", params={"from": "2026-04-01", "to": "2026-03-01"},
                                  headers=csv_accept), "P0G21")
    assert backwards["message"] == "the period 2026-04-01 to 2026-03-01 is empty"
    refused(staff.get("/rpc/export_payments", params={"from": "2026-03-01"}, headers=csv_accept), "P0G20")
    refused(staff.get("/rpc/export_ledger", params={"from": "2024-01-01", "to": "2026-01-01"}, headers=csv_accept),
            "P0G22")
    refused(staff.get("/rpc/export_ledger", params={"from": "2026-02-30", "to": "2026-03-31"}, headers=csv_accept),
            "22008")
    customer = api(token("customer", german["id"], buyer["id"]))
    refused(customer.get("/rpc/export_invoices", params={"from": "2026-03-01", "to": "2026-03-31"}), "42501", 403)
    assert db.execute("SELECT count(*) AS n FROM audit.log WHERE tenant_id = %s", [german["id"]]).fetchone() == before

    unknown = kassa(settings, "export", "invoices", "--tenant", "dddddddd-0000-4000-8000-00000000000d",
                    "--from", "2026-03-01", "--to", "2026-03-31")
    assert unknown.returncode == 1 and unknown.stdout == b""
    assert b"unknown tenant dddddddd-0000-4000-8000-00000000000d (P0G23)" in unknown.stderr
    bad_date = kassa(settings, "export", "invoices", "--tenant", str(german["id"]), "--from", "2026-02-30",
                     "--to", "2026-03-31")
    assert bad_date.returncode == 2 and b"not a date (YYYY-MM-DD): '2026-02-30'" in bad_date.stderr


def test_another_tenant_exports_nothing_of_it(api, token, db, period):
    other = api(token("staff", create_tenant(db)["id"]))
    answer = ok(other.get("/rpc/export_invoices", params={"from": period["from"], "to": period["to"]},
                          headers={"Accept": "text/csv"}))
    assert answer.text == ",".join(HEADERS["invoices"]) + "\r\n"


def test_a_german_tenants_datev_batch_reads_back(settings, staff, db, german, buyer, period, tmp_path):
    refused(staff.get("/rpc/export_datev", params={"from": period["from"], "to": period["to"]}), "P0G25")
    ok(staff.post("/datev_settings", json={"chart": "SKR04", "consultant_number": 1234567, "client_number": 42,
                                           "debtor_account": 10000, "bank_account": 1800}), 201)
    ok(staff.post("/datev_revenue_accounts", json=[{"vat_category": "standard", "vat_rate": 19, "account": 4400},
                                                   {"vat_category": "reduced", "vat_rate": 7, "account": 4300}]), 201)
    ok(staff.post("/datev_debtor_accounts", json={"customer_id": str(buyer["id"]), "account": 10042}), 201)

    answer = ok(staff.get("/rpc/export_datev", params={"from": period["from"], "to": period["to"]}))
    assert answer.headers["Content-Type"] == "text/csv; charset=windows-1252"
    assert "EXTF_Buchungsstapel" in answer.headers["Content-Disposition"]
    lines = list(csv.reader(io.StringIO(answer.content.decode("cp1252"), newline=""), delimiter=";"))
    header, columns, bookings = lines[0], lines[1], lines[2:]
    day = date.fromisoformat(period["from"])
    assert header[:6] == ["EXTF", "700", "21", "Buchungsstapel", "12", header[5]] and len(header[5]) == 17
    assert header[10:17] == ["1234567", "42", f"{day.year}0101", "4", day.strftime("%Y%m%d"), day.strftime("%Y%m%d"),
                             f"Kassa {day:%Y%m%d}-{day:%Y%m%d}"]
    assert (header[18:22], header[26], len(header)) == (["1", "0", "0", "EUR"], "04", 31)
    assert len(columns) == 120 and columns[:3] == ["Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "WKZ Umsatz"]
    assert columns[7] == "Gegenkonto (ohne BU-Schlüssel)" and columns[114] == "Leistungsdatum"
    assert {len(b) for b in bookings} == {120}

    invoice = period["invoice"]
    breakdown = {r["vat_category"]: r["gross"] for r in db.execute(
        "SELECT vat_category, gross FROM internal.invoice_vat_breakdown(%s, %s)", [german["id"], [invoice["id"]]])}
    note = db.execute("SELECT number, total FROM kassa.credit_notes WHERE invoice_id = %s", [invoice["id"]]).fetchone()
    ddmm = day.strftime("%d%m")
    as_datev = lambda minor: f"{major(minor):.2f}".replace(".", ",")
    assert [(b[0], b[1], b[2], b[6], b[7], b[9], b[10], b[13]) for b in bookings] == [
        (as_datev(breakdown["reduced"]), "S", "EUR", "10042", "4300", ddmm, invoice["number"], 'Weiß & Söhne, "Elektro" KG'),
        (as_datev(breakdown["standard"]), "S", "EUR", "10042", "4400", ddmm, invoice["number"], 'Weiß & Söhne, "Elektro" KG'),
        (as_datev(note["total"]), "H", "EUR", "10042", "4400", ddmm, note["number"],
         f'{invoice["number"]} Item 1 "defekt", zurück'),
        ("50,00", "S", "EUR", "1800", "10042", ddmm, "SEPA-4711", 'Zahlung Weiß & Söhne, "Elektro" KG')]
    assert bookings[0][114] == day.strftime("%d%m%Y")

    target = tmp_path / "EXTF.csv"
    result = kassa(settings, "export", "datev", "--tenant", str(german["id"]), "--from", period["from"],
                   "--to", period["to"], "--output", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_bytes().split(b"\r\n")[1:] == answer.content.split(b"\r\n")[1:]  # the header says when it was made


def test_datev_is_for_german_tenants(api, token, db):
    staff = api(token("staff", create_tenant(db)["id"]))
    refused(staff.get("/rpc/export_datev", params={"from": "2026-03-01", "to": "2026-03-31"}), "P0G24")
