"""NetCash debit orders end to end against the NetCash stand-in the suite's stack starts: a
mandate asked for by the job, signed on the stand-in's page, its postback confirmed by the
bridge; debit-order runs with paid, unpaid and awaiting-authorisation outcomes, re-run without
debiting anyone twice."""
from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
import requests
from psycopg.types.json import Jsonb

from factories import create_customer, create_tenant, issue_invoice, run_job
from jobs import runner
from jobs.config import JobConfig


@pytest.fixture
def fake(settings) -> str:
    """The stand-in's base URL (its fake-only API is under /_fake)."""
    return settings.netcash_api_url.removesuffix("/NIWS/niws_nif.svc")


def run_succeeding(settings, job: str, tenant: dict, as_of: date | None = None) -> runner.Outcome:
    status, outcome = run_job(settings, job, as_of, tenant["id"])
    assert status == "succeeded", outcome
    return outcome


def debit_order(db, settings, tenant, customer, agreement="AGR-1") -> str:
    """A debit-order payment method, the customer's primary (NetCash's mandate needs a mobile number)."""
    db.execute("UPDATE kassa.customers SET phone = '082 555 1234' WHERE id = %s", [customer["id"]])
    db.execute("SELECT set_config('app.settings.payment_method_key', %s, false)", [settings.payment_method_key])
    return db.execute("SELECT internal.add_payment_method(%s, %s, 'debit_order', 'FNB', 'current', '62001234567',"
                      " %s, true) AS id", [tenant["id"], customer["id"], agreement]).fetchone()["id"]


def method_row(db, method) -> dict:
    return db.execute("SELECT * FROM kassa.payment_methods WHERE id = %s", [method]).fetchone()


def mandated(db, settings, tenant, customer, decision="accept") -> dict:
    """A debit order whose mandate the job asked for and the customer signed (or declined) on
    the stand-in's page, which posts the outcome to the bridge."""
    method = debit_order(db, settings, tenant, customer)
    run_succeeding(settings, "debit-order-mandates", tenant)
    row = method_row(db, method)
    page = requests.post(f"{row['mandate_url']}/{decision}", timeout=30)
    assert page.status_code == 200 and "postback answered 200" in page.text, page.text
    return method_row(db, method)


def test_a_signed_mandate_becomes_active_once_netcash_confirms_it(settings, db):
    tenant = create_tenant(db)
    customer = create_customer(db, tenant["id"], name="Thandi Nkosi")
    method = debit_order(db, settings, tenant, customer)
    assert run_succeeding(settings, "debit-order-mandates", tenant).processed == 1
    row = method_row(db, method)
    assert row["mandate_status"] == "pending" and row["mandate_url"] and row["netcash_account_ref"]
    assert run_succeeding(settings, "debit-order-mandates", tenant).processed == 0, "a requested mandate is not asked for again"

    # A postback claiming success before the customer signed is only a hint: NetCash does not confirm it.
    forged = requests.post(f"{settings.bridge_url}/webhooks/netcash/mandate", timeout=30,
                           data={"AccountRef": row["netcash_account_ref"], "MandateSuccessful": "1", "IsDeclined": "0"})
    assert forged.status_code == 202 and forged.json()["status"] == "unconfirmed", forged.text
    assert method_row(db, method)["mandate_status"] == "pending"
    assert method_row(db, method)["mandate_postback"]["MandateSuccessful"] == "1"

    requests.post(f"{row['mandate_url']}/accept", timeout=30).raise_for_status()
    row = method_row(db, method)
    assert (row["mandate_status"], row["netcash_mandate_ref"] is not None) == ("active", True)


def test_a_declined_mandate_is_declined_with_its_reason(settings, db):
    tenant = create_tenant(db)
    row = mandated(db, settings, tenant, create_customer(db, tenant["id"]), decision="decline")
    assert (row["mandate_status"], row["mandate_decline_reason"]) == ("declined", "Declined by the customer")


def test_postbacks_for_unknown_mandates_or_without_a_reference_are_refused(settings):
    unknown = requests.post(f"{settings.bridge_url}/webhooks/netcash/mandate", data={"AccountRef": "KNOSUCHREF"}, timeout=30)
    assert unknown.status_code == 404 and unknown.json()["code"] == "P0E01", unknown.text
    bare = requests.post(f"{settings.bridge_url}/webhooks/netcash/mandate", data={"MandateSuccessful": "1"}, timeout=30)
    assert bare.status_code == 400 and bare.json()["code"] == "P0E03", bare.text
    big = requests.post(f"{settings.bridge_url}/webhooks/netcash/mandate", data={"AccountRef": "K" * 70_000}, timeout=30)
    assert big.status_code == 413 and big.json()["code"] == "P0B02", big.text


# --- debit-order runs --------------------------------------------------------------------------

def set_outcomes(fake, outcomes: dict[str, str]) -> None:
    requests.post(f"{fake}/_fake/outcomes", json=outcomes, timeout=10).raise_for_status()


def uploads_naming(fake, references: set[str]) -> int:
    """How many BatchFileUpload calls the stand-in received with a T line of these references."""
    return sum(1 for call in requests.get(f"{fake}/_fake/requests", timeout=10).json()
               if call["method"] == "BatchFileUpload"
               and any(f"\nT\t{ref}\t" in call["params"]["File"] for ref in references))


def debtor(db, settings, tenant, name: str) -> dict:
    """A customer with an active mandate and one invoice of 10.00 due today."""
    customer = create_customer(db, tenant["id"], name=name)
    method = mandated(db, settings, tenant, customer)
    assert method["mandate_status"] == "active"
    invoice = issue_invoice(db, tenant, customer, str(today(db, tenant)))
    return {"customer": customer, "reference": method["netcash_account_ref"], "invoice": invoice}


def today(db, tenant) -> date:
    return db.execute("SELECT internal.tenant_today(%s) AS d", [tenant["id"]]).fetchone()["d"]


def items_of(db, tenant) -> list[dict]:
    return db.execute("SELECT d.*, p.status AS payment_status, p.provider, p.method, p.invoice_id AS paid_invoice"
                      "  FROM kassa.debit_order_items d JOIN kassa.payments p ON p.tenant_id = d.tenant_id AND p.id = d.payment_id"
                      " WHERE d.tenant_id = %s ORDER BY d.created_at, d.account_reference", [tenant["id"]]).fetchall()


def batches_of(db, tenant) -> list[dict]:
    return db.execute("SELECT * FROM kassa.debit_order_batches WHERE tenant_id = %s ORDER BY submission_date",
                      [tenant["id"]]).fetchall()


def test_a_run_submits_one_debit_per_due_invoice_and_a_rerun_debits_no_one_twice(settings, db, fake):
    tenant = create_tenant(db, payment_terms_days=0)
    paying, short = debtor(db, settings, tenant, "Thandi Nkosi"), debtor(db, settings, tenant, "Pieter Botha")
    bystander = create_customer(db, tenant["id"])  # no debit order: never in a batch
    issue_invoice(db, tenant, bystander, str(today(db, tenant)))
    set_outcomes(fake, {short["reference"]: "unpaid:2"})
    as_of = today(db, tenant)

    outcome = run_succeeding(settings, "debit-order-run", tenant, as_of)
    assert outcome.processed == 2
    [batch] = batches_of(db, tenant)
    assert batch["status"] == "submitted" and batch["load_status"] == "SUCCESSFUL" and batch["file_token"]
    items = items_of(db, tenant)
    assert {item["invoice_id"] for item in items} == {paying["invoice"], short["invoice"]}
    assert all((i["status"], i["payment_status"], i["provider"], i["method"], i["amount"], i["presentation"])
               == ("submitted", "pending", "netcash", "debit_order", 1000, 1) for i in items)
    assert all(i["paid_invoice"] == i["invoice_id"] for i in items), "each payment names its invoice"

    # The same date again (and again): no new batch, debit or upload.
    for _ in range(2):
        run_succeeding(settings, "debit-order-run", tenant, as_of)
    assert len(batches_of(db, tenant)) == 1 and len(items_of(db, tenant)) == 2
    assert uploads_naming(fake, {paying["reference"], short["reference"]}) == 1

    # The invoice's payment link says a debit order is scheduled and offers no payment.
    token = db.execute("SELECT token FROM internal.create_payment_links(%s, ARRAY[%s]::uuid[], 'staff:test')",
                       [tenant["id"], paying["invoice"]]).fetchone()["token"]
    page = requests.get(f"{settings.bridge_url}/pay/{token}", timeout=30)
    assert page.status_code == 200 and "debit order for this invoice is scheduled" in page.text, page.text


def invoice_of(db, invoice) -> dict:
    return db.execute("SELECT status, amount_due FROM kassa.invoices WHERE id = %s", [invoice]).fetchone()


def test_results_settle_paid_debits_and_return_unpaid_and_disputed_ones(settings, db, fake):
    tenant = create_tenant(db, payment_terms_days=0)
    paying, short, disputing, closed = (debtor(db, settings, tenant, name) for name in
                                        ("Thandi Nkosi", "Pieter Botha", "Naledi Khumalo", "Johan Smit"))
    set_outcomes(fake, {short["reference"]: "unpaid:2", disputing["reference"]: "dispute",
                        closed["reference"]: "unpaid:12"})
    # A notice with a retry every day after the due date: a return that allows another
    # presentation is presented again by the run after the next dunning run.
    db.execute("SELECT internal.set_dunning_schedule(%s, %s, 0, 'staff:test')",
               [tenant["id"], Jsonb([{"day": d, "kind": "notice", "retry": True} for d in range(1, 21)])])
    first = today(db, tenant)
    for day in (first + timedelta(days=n) for n in range(12)):  # each day: results and batch, then dunning
        run_succeeding(settings, "debit-order-run", tenant, day)
        run_succeeding(settings, "dunning", tenant, day)
    items = items_of(db, tenant)
    by_invoice = {}
    for item in items:
        by_invoice.setdefault(item["invoice_id"], []).append((item["status"], item["payment_status"], item["reason_code"]))

    assert by_invoice[paying["invoice"]] == [("paid", "completed", None)]
    assert invoice_of(db, paying["invoice"]) == {"status": "paid", "amount_due": 0}
    # "Not provided for": presented again at a retry step, three times in all, then no more.
    assert by_invoice[short["invoice"]] == [("unpaid", "failed", 2)] * 3
    assert [i["presentation"] for i in items if i["invoice_id"] == short["invoice"]] == [1, 2, 3]
    assert [i["retry_allowed"] for i in items if i["invoice_id"] == short["invoice"]] == [True, True, False]
    assert all(i["retry_step"] for i in items if i["invoice_id"] == short["invoice"] and i["retry_allowed"])
    assert invoice_of(db, short["invoice"])["amount_due"] == 1000
    # A dispute and a closed account: returned once, the mandate cancelled.
    assert by_invoice[disputing["invoice"]] == [("disputed", "failed", None)]
    assert by_invoice[closed["invoice"]] == [("unpaid", "failed", 12)]
    mandates = {row["netcash_account_ref"]: row["mandate_status"] for row in db.execute(
        "SELECT netcash_account_ref, mandate_status FROM kassa.payment_methods WHERE tenant_id = %s", [tenant["id"]])}
    assert mandates == {paying["reference"]: "active", short["reference"]: "active",
                        disputing["reference"]: "cancelled", closed["reference"]: "cancelled"}
    assert uploads_naming(fake, {paying["reference"]}) == 1 and uploads_naming(fake, {short["reference"]}) == 3


def test_a_batch_held_for_authorisation_is_submitted_once_authorised(settings, db, fake):
    tenant = create_tenant(db, payment_terms_days=0)
    held = debtor(db, settings, tenant, "Lerato Dlamini")
    requests.post(f"{fake}/_fake/config", json={"hold_batches": True}, timeout=10).raise_for_status()
    try:
        run_succeeding(settings, "debit-order-run", tenant, today(db, tenant))
    finally:
        requests.post(f"{fake}/_fake/config", json={"hold_batches": False}, timeout=10).raise_for_status()
    [batch] = batches_of(db, tenant)
    assert batch["status"] == "awaiting_authorisation"
    assert [i["status"] for i in items_of(db, tenant)] == ["submitted"]
    run_succeeding(settings, "debit-order-run", tenant, today(db, tenant))
    assert batches_of(db, tenant)[0]["status"] == "awaiting_authorisation", "not authorised yet"

    requests.post(f"{fake}/_fake/batches/{batch['file_token']}/authorise", timeout=10).raise_for_status()
    run_succeeding(settings, "debit-order-run", tenant, today(db, tenant))
    assert batches_of(db, tenant)[0]["status"] == "submitted"
    assert uploads_naming(fake, {held["reference"]}) == 1


def test_a_batch_whose_upload_answer_was_lost_is_never_uploaded_again(settings, db, fake):
    tenant = create_tenant(db, payment_terms_days=0)
    lost = debtor(db, settings, tenant, "Sipho Mokoena")
    config = JobConfig.from_environment(settings.environment())
    unreachable = dataclasses.replace(config, netcash=dataclasses.replace(
        config.netcash, url="http://127.0.0.1:9/NIWS/niws_nif.svc", timeout=5))
    status, outcome = runner.run("debit-order-run", today(db, tenant), settings.worker_url, unreachable,
                                 tenant=str(tenant["id"]))
    assert status == "failed" and "upload answer lost" in outcome.errors[0]
    assert batches_of(db, tenant)[0]["status"] == "upload_unknown"

    run_succeeding(settings, "debit-order-run", tenant, today(db, tenant))
    assert batches_of(db, tenant)[0]["status"] == "upload_unknown"
    assert uploads_naming(fake, {lost["reference"]}) == 0
    [item] = items_of(db, tenant)
    assert (item["status"], item["payment_status"]) == ("pending", "pending"), "nothing is decided until someone checks NetCash"
