"""NetCash debit orders end to end against the NetCash stand-in the suite's stack starts: a
mandate asked for by the job, signed on the stand-in's page, its postback confirmed by the
bridge; debit-order runs with paid, unpaid and awaiting-authorisation outcomes, re-run without
debiting anyone twice."""
from __future__ import annotations

from datetime import date

import pytest
import requests

from factories import create_customer, create_tenant
from jobs import runner
from jobs.config import JobConfig


@pytest.fixture
def fake(settings) -> str:
    """The stand-in's base URL (its fake-only API is under /_fake)."""
    return settings.netcash_api_url.removesuffix("/NIWS/niws_nif.svc")


def run_job(settings, job: str, tenant: dict, as_of: date | None = None) -> runner.Outcome:
    status, outcome = runner.run(job, as_of, settings.worker_url, JobConfig.from_environment(settings.environment()),
                                 tenant=str(tenant["id"]))
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
    run_job(settings, "debit-order-mandates", tenant)
    row = method_row(db, method)
    page = requests.post(f"{row['mandate_url']}/{decision}", timeout=30)
    assert page.status_code == 200 and "postback answered 200" in page.text, page.text
    return method_row(db, method)


def test_a_signed_mandate_becomes_active_once_netcash_confirms_it(settings, db):
    tenant = create_tenant(db)
    customer = create_customer(db, tenant["id"], name="Thandi Nkosi")
    method = debit_order(db, settings, tenant, customer)
    assert run_job(settings, "debit-order-mandates", tenant).processed == 1
    row = method_row(db, method)
    assert row["mandate_status"] == "pending" and row["mandate_url"] and row["netcash_account_ref"]
    assert run_job(settings, "debit-order-mandates", tenant).processed == 0, "a requested mandate is not asked for again"

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
