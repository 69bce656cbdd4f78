"""Asks NetCash for an eMandate (AddMandate) for every debit-order payment method that has none
yet, and records the account reference and the page the customer signs on
(internal.record_mandate_request). The outcome arrives later as NetCash's postback
(POST /webhooks/netcash/mandate). A refusal is counted as failed with NetCash's errors; the
method is asked for again on the next run."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import psycopg
from psycopg.rows import dict_row

from bridge.db import acting_as
from gateways import netcash
from jobs.config import JobConfig
from jobs.runner import Outcome


def mandate_request(method: dict) -> netcash.MandateRequest:
    first, _, surname = method["customer_name"].strip().partition(" ")
    today: date = method["agreed_on"]
    return netcash.MandateRequest(
        account_reference=method["account_reference"], mandate_name=method["customer_name"][:50],
        amount=Decimal(method["amount"]) / 100, first_name=first, surname=surname or first,
        mobile="".join(ch for ch in method["phone"] or "" if ch.isdigit()), email=method["email"],
        agreement_date=today, agreement_reference=method["agreement_reference"],
        commencement_month=today.month % 12 + 1, commencement_day="01", extra=(str(method["payment_method_id"]),))


def run(conn: psycopg.Connection, as_of: date | None, tenant: str | None, actor: str, config: JobConfig) -> Outcome:
    client = netcash.NetcashClient(config.netcash)
    outcome = Outcome()
    methods = conn.cursor(row_factory=dict_row).execute("SELECT * FROM internal.mandates_to_request(%s)", [tenant]).fetchall()
    for method in methods:
        try:
            answer = client.add_mandate(mandate_request(method))
        except (netcash.NetcashError, ValueError) as error:
            outcome.failed += 1
            outcome.errors.append(f"payment method {method['payment_method_id']}: {error}")
            continue
        if answer.error_code != "000" or not answer.mandate_url:
            outcome.failed += 1
            outcome.errors.append(f"payment method {method['payment_method_id']}: NetCash {answer.error_code}: "
                                  + "; ".join(answer.errors))
            continue
        with acting_as(conn, actor):
            conn.execute("SELECT internal.record_mandate_request(%s, %s, %s)",
                         [method["tenant_id"], method["payment_method_id"], answer.mandate_url])
        outcome.processed += 1
    return outcome
