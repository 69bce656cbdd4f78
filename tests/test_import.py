"""`kassa import` as an operator runs it: a 10,000-row customer file with 200 bad rows of several
kinds is reported row by row and imports nothing until every row is valid, or the 9,800 others
with --skip-invalid; the fixed file then imports exactly the 200, once. A Windows-1252 file with
`;`, and services, opening balances, open invoices and mandates, as the tenant's staff see them
over PostgREST."""
from __future__ import annotations

import csv
import os
import subprocess
import sys
import time

from factories import create_customer, create_tenant, insert_row

GOOD = {"phone": "+27 82 555 0100", "account_number": ""}


def kassa(settings, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kassa.cli", *args], capture_output=True, text=True,
                          env={"KASSA_HOME": settings.home, "PATH": os.environ["PATH"]})


def write_csv(path, header, rows, delimiter=",", encoding="utf-8"):
    with path.open("w", newline="", encoding=encoding) as file:
        writer = csv.writer(file, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)


def report(path) -> dict[int, tuple[str, str]]:
    with path.open(newline="") as file:
        return {int(row["line"]): (row["outcome"], row["reason"]) for row in csv.DictReader(file)}


def customer_rows(taken_email: str, taken_account: str, fixed: bool) -> tuple[list[list[str]], dict[int, str]]:
    """10,000 rows, every 50th bad (unless fixed) in one of five ways; the bad rows' lines with
    the start of their reason."""
    rows, bad = [], {}
    for n in range(10_000):
        row = {"legacy_id": f"L-{n}", "name": f"Customer {n}", "email": f"c{n}@legacy.example", **GOOD}
        if n % 50 == 49 and not fixed:
            kind = (n // 50) % 5
            if kind == 0:
                row["email"], bad[n + 2] = f"c{n}-at-legacy.example", "email"
            elif kind == 1:
                row["phone"], bad[n + 2] = "082 555 0100", "phone"
            elif kind == 2:
                row["legacy_id"], bad[n + 2] = f"L-{n - 1}", f"legacy_id L-{n - 1} repeats line {n + 1}"
            elif kind == 3:
                row["email"], bad[n + 2] = taken_email, f"email {taken_email} "  # is taken, or repeats a line
            else:
                row["account_number"], bad[n + 2] = taken_account, f"account_number {taken_account} "
        rows.append(list(row.values()))
    return rows, bad


def test_ten_thousand_customers_all_or_nothing_then_skip_invalid_then_the_fixed_rows_once(settings, db, tmp_path):
    tenant = create_tenant(db)
    existing = create_customer(db, tenant["id"])
    header = ["legacy_id", "name", "email", *GOOD]
    rows, bad = customer_rows(existing["email"], existing["account_number"], fixed=False)
    assert len(bad) == 200
    path, listed = tmp_path / "customers.csv", tmp_path / "report.csv"
    write_csv(path, header, rows)
    count = "SELECT count(*) AS n FROM kassa.customers WHERE tenant_id = %s AND email LIKE '%%@legacy.example'"

    started = time.monotonic()
    refused = kassa(settings, "import", "customers", str(path), "--tenant", str(tenant["id"]), "--report", str(listed))
    assert refused.returncode == 1, refused.stderr
    assert "9800 valid" in refused.stdout and "nothing written" in refused.stdout
    found = report(listed)
    assert set(found) == set(bad), "the report lists exactly the bad rows"
    assert all(outcome == "rejected" and reason.startswith(bad[line]) for line, (outcome, reason) in found.items())
    reasons = [reason for _, reason in found.values()]
    assert f"email {existing['email']} is an existing customer's" in reasons
    assert f"account_number {existing['account_number']} is an existing customer's" in reasons
    assert db.execute(count, [tenant["id"]]).fetchone()["n"] == 0, "all or nothing: nothing written"

    partial = kassa(settings, "import", "customers", str(path), "--tenant", str(tenant["id"]), "--report", str(listed),
                    "--skip-invalid")
    elapsed = time.monotonic() - started
    assert partial.returncode == 0, partial.stderr
    assert "9800 imported" in partial.stdout and "200 rejected" in partial.stdout
    assert db.execute(count, [tenant["id"]]).fetchone()["n"] == 9_800
    assert elapsed < 60, f"checking and importing 10,000 rows twice took {elapsed:.1f} s"

    fixed, _ = customer_rows(existing["email"], existing["account_number"], fixed=True)
    write_csv(path, header, fixed)
    rerun = kassa(settings, "import", "customers", str(path), "--tenant", str(tenant["id"]), "--report", str(listed))
    assert rerun.returncode == 0, rerun.stderr
    assert "200 imported, 9800 skipped" in rerun.stdout
    assert db.execute(count, [tenant["id"]]).fetchone()["n"] == 10_000
    assert {outcome for outcome, _ in report(listed).values()} == {"skipped"}
    again = kassa(settings, "import", "customers", str(path), "--tenant", str(tenant["id"]))
    assert "0 imported, 10000 skipped" in again.stdout
    assert db.execute(count, [tenant["id"]]).fetchone()["n"] == 10_000, "no duplicates"
    assert db.execute("SELECT count(*) AS n FROM kassa.legacy_ids WHERE tenant_id = %s AND kind = 'customer'",
                      [tenant["id"]]).fetchone()["n"] == 10_000


def test_windows_1252_with_semicolons(settings, db, tmp_path):
    tenant = create_tenant(db)
    path = tmp_path / "excel.csv"
    write_csv(path, ["Legacy_ID", "Name", "Email", "City"], [["W-1", "René Müller", "rene@legacy.example", "Köln"]],
              delimiter=";", encoding="cp1252")
    result = kassa(settings, "import", "customers", str(path), "--tenant", str(tenant["id"]))
    assert result.returncode == 0, result.stderr
    assert "(Windows-1252, ';')" in result.stdout
    row = db.execute("SELECT name, city FROM kassa.customers WHERE tenant_id = %s AND email = 'rene@legacy.example'",
                     [tenant["id"]]).fetchone()
    assert row == {"name": "René Müller", "city": "Köln"}


def test_a_file_with_an_unknown_column_is_refused_in_one_line(settings, db, tmp_path):
    tenant = create_tenant(db)
    path = tmp_path / "odd.csv"
    write_csv(path, ["legacy_id", "name", "email", "shoe_size"], [["X-1", "X", "x@legacy.example", "42"]])
    result = kassa(settings, "import", "customers", str(path), "--tenant", str(tenant["id"]))
    assert result.returncode == 1
    assert "unknown column(s) for customers: shoe_size (P0J21)" in result.stderr
    assert "legacy_id, name, email" in result.stderr


def test_services_balances_invoices_and_mandates_reach_the_tenants_staff(settings, db, api, token, tmp_path):
    tenant = create_tenant(db)
    product = insert_row(db, "products", {"tenant_id": tenant["id"], "code": "fibre-40", "name": "Fibre 40", "kind": "plan"})
    insert_row(db, "price_versions", {"tenant_id": tenant["id"], "product_id": product["id"], "price": 59900,
                                      "interval": "monthly", "valid_from": db.execute(
                                          "SELECT internal.tenant_today(%s) - 30 AS day", [tenant["id"]]).fetchone()["day"]})
    files = {
        "customers": (["legacy_id", "name", "email"], [["K-1", "Karin", "karin@legacy.example"],
                                                       ["K-2", "Kobus", "kobus@legacy.example"]]),
        "services": (["legacy_id", "customer_legacy_id", "plan_code", "billing_day", "start_date"],
                     [["S-1", "K-1", "fibre-40", "1", "2024-05-01"]]),
        "balances": (["customer_legacy_id", "amount", "as_of"], [["K-1", "-250.00", "2026-01-31"],
                                                                 ["K-2", "100.00", "2026-01-31"]]),
        "invoices": (["legacy_number", "customer_legacy_id", "issued_on", "due_on", "amount_due"],
                     [["OLD-0042", "K-1", "2025-12-01", "2025-12-15", "599.00"]]),
        "mandates": (["legacy_id", "customer_legacy_id", "bank", "account_type", "account_number", "mandate_reference",
                      "netcash_account_ref"], [["M-1", "K-1", "ABSA", "cheque", "4070001234", "KARIN-DO", "LEGK1"]]),
    }
    for kind, (header, rows) in files.items():
        write_csv(tmp_path / f"{kind}.csv", header, rows)
        result = kassa(settings, "import", kind, str(tmp_path / f"{kind}.csv"), "--tenant", str(tenant["id"]))
        assert result.returncode == 0 and f"{len(rows)} imported" in result.stdout, (kind, result.stdout, result.stderr)

    staff = api(token("staff", tenant["id"]))
    karin = staff.get("/customers?email=eq.karin@legacy.example").json()[0]
    assert karin["balance"] == -25000 - 59900, "the opening balance and the open invoice"
    assert staff.get("/customers?email=eq.kobus@legacy.example").json()[0]["balance"] == 10000
    entries = staff.get(f"/ledger_entries?customer_id=eq.{karin['id']}&order=entry_no").json()
    assert [(e["kind"], e["amount"], e["source_type"]) for e in entries] == [
        ("opening_balance", -25000, "legacy_balance"), ("opening_balance", -59900, "legacy_invoice")]
    [service] = staff.get(f"/services?customer_id=eq.{karin['id']}").json()
    assert (service["status"], service["activated_on"], service["price_version_id"] is not None) == ("active", "2024-05-01", True)
    [invoice] = staff.get(f"/invoices?customer_id=eq.{karin['id']}").json()
    assert (invoice["legacy_number"], invoice["number"], invoice["status"], invoice["amount_due"]) == \
        ("OLD-0042", None, "overdue", 59900)
    [method] = staff.get(f"/payment_methods?customer_id=eq.{karin['id']}").json()
    assert (method["kind"], method["mandate_status"], method["account_masked"], method["is_primary"]) == \
        ("debit_order", "active", "***1234", True)
    mapping = {(m["kind"], m["legacy_id"]) for m in staff.get("/legacy_ids").json()}
    assert mapping == {("customer", "K-1"), ("customer", "K-2"), ("service", "S-1"), ("balance", "K-1"),
                       ("balance", "K-2"), ("invoice", "OLD-0042"), ("mandate", "M-1")}
    actors = {row["actor_sub"] for row in staff.get("/audit_log?table_name=in.(kassa.customers,kassa.services,"
                                                    "kassa.invoices,kassa.payment_methods)").json()}
    assert actors == {"cli:import:customers", "cli:import:services", "cli:import:invoices", "cli:import:mandates"}
    other = api(token("staff", create_tenant(db)["id"]))
    assert other.get("/legacy_ids").json() == [] and other.get("/invoices?legacy_number=eq.OLD-0042").json() == []
