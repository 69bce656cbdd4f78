"""The debit-order run for a submission date (as_of; None: each tenant's today): per tenant, the
database records the day's batch with one pending payment per debit
(internal.record_debit_order_batch: customers whose primary method is an active debit order,
their invoices due by the action date at their amount due); this job writes the file
(build_batch), uploads it and polls its load report, and moves on every batch still open, of
earlier days too.

A batch is uploaded once: its status becomes `uploading` (committed) before NetCash is called,
and an upload whose answer was lost (NetCash unreachable, an HTTP error) becomes
`upload_unknown`, which the job never sends again: NetCash may have the file, and a second
upload would collect every debit in it twice (docs/collections.md, "Debit orders"). A loaded
batch is `submitted`, or `awaiting_authorisation` while NetCash says it waits for authorisation
in its portal; the load report's refused lines and a refused batch fail their payments.
"""
from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import psycopg
from psycopg.rows import dict_row

from bridge.db import acting_as
from gateways import netcash
from jobs.config import JobConfig
from jobs.runner import Outcome

REPORT_POLLS = 3            # load-report polls per run; a report not ready by then is polled next run
REPORT_POLL_PAUSE_S = 1.0


def run(conn: psycopg.Connection, as_of: date | None, tenant: str | None, actor: str, config: JobConfig) -> Outcome:
    client = netcash.NetcashClient(config.netcash)
    conn.execute("SELECT set_config('app.settings.payment_method_key', %s, false)", [config.payment_method_key])
    outcome = Outcome(detail={"batches": {}})
    rows = conn.cursor(row_factory=dict_row)
    tenants = [tenant] if tenant else [t["id"] for t in rows.execute("SELECT id FROM internal.list_tenants()")]
    for owner in tenants:
        submission = as_of or rows.execute("SELECT internal.tenant_today(%s) AS d", [owner]).fetchone()["d"]
        setting = rows.execute("SELECT * FROM internal.debit_order_service(%s, %s)", [owner, submission]).fetchone()
        action = netcash.action_date(submission, setting["service"], setting["cutoff_passed"])
        with acting_as(conn, actor):
            conn.execute("SELECT internal.record_debit_order_batch(%s, %s, %s, %s, %s)",
                         [owner, submission, action, setting["service"], f"Kassa {submission.isoformat()}"])
    for batch in rows.execute("SELECT * FROM internal.open_debit_order_batches(%s)", [tenant]).fetchall():
        status = advance(conn, client, batch, actor, outcome, config.netcash)
        outcome.detail["batches"][str(batch["id"])] = status
    return outcome


def advance(conn, client: netcash.NetcashClient, batch: dict, actor: str, outcome: Outcome,
            settings: netcash.NetcashSettings) -> str:
    """Moves one batch on as far as NetCash lets it in this run; its status then."""
    def record(status: str, **fields) -> str:
        with acting_as(conn, actor):
            conn.execute("SELECT internal.record_debit_order_batch_state(%(t)s, %(b)s, %(s)s, %(token)s, %(load)s,"
                         " %(lines)s, %(error)s)",
                         {"t": batch["tenant_id"], "b": batch["id"], "s": status, "token": fields.get("token"),
                          "load": fields.get("load"), "lines": fields.get("lines", []), "error": fields.get("error")})
        return status

    status, token = batch["status"], batch["file_token"]
    if status == "recorded":
        status, token = upload(conn, client, batch, actor, outcome, settings, record)
    if status == "loading":
        status = load(client, token, outcome, record)
    if status == "awaiting_authorisation" and client.batch_status(token) == "authorised":
        status = record("submitted")
    return status


def upload(conn, client, batch, actor, outcome, settings, record) -> tuple[str, str | None]:
    debits, ids, left_out = [], [], []
    for row in conn.cursor(row_factory=dict_row).execute("SELECT * FROM internal.debit_order_debits(%s, %s)",
                                                         [batch["tenant_id"], batch["id"]]):
        debit = netcash.Debit(row["account_reference"], row["account_name"], row["account_name"][:30],
                              netcash.ACCOUNT_TYPE_CODES.get(row["account_type"], 0),
                              netcash.UNIVERSAL_BRANCH_CODES.get((row["bank"] or "").strip().lower(), ""),
                              row["account_number"] or "", Decimal(row["amount"]) / 100)
        try:
            netcash.debit_values(debit, settings.amount_unit)
        except netcash.BatchError as error:
            left_out.append(f"{row['item_id']}: {error}")
            continue
        debits.append(debit)
        ids.append(row["item_id"])
    if left_out:
        outcome.errors.extend(left_out)
    with acting_as(conn, actor):
        state = conn.execute("SELECT (internal.debit_order_batch_uploading(%s, %s, %s::uuid[], %s)).status",
                             [batch["tenant_id"], batch["id"], ids,
                              "the bank details cannot be sent to NetCash (bank, account type or number)"]).fetchone()[0]
    outcome.detail.setdefault("left_out", 0)
    outcome.detail["left_out"] += len(left_out)
    if state != "uploading":  # nothing left to send
        return state, None
    text = netcash.build_batch(settings.debit_order_key, settings.vendor_key,
                               "TwoDay" if batch["service"] == "two_day" else "Sameday", batch["name"],
                               batch["action_date"], debits, settings.amount_unit)
    try:
        token = client.batch_file_upload(text)
    except netcash.NetcashError as error:
        if error.code in netcash.RESULT_CODES:  # NetCash answered: the file was refused
            outcome.failed += 1
            outcome.errors.append(f"batch {batch['id']}: {error}")
            return record("failed", error=str(error)), None
        outcome.failed += 1  # no answer: NetCash may have the file; never sent again
        outcome.errors.append(f"batch {batch['id']}: upload answer lost, check NetCash's portal: {error}")
        return record("upload_unknown", error=str(error)), None
    outcome.processed += len(debits)
    return record("loading", token=token), token


def load(client, token: str, outcome: Outcome, record) -> str:
    for attempt in range(REPORT_POLLS):
        report = client.request_file_upload_report(token)
        if report is not None:
            break
        if attempt < REPORT_POLLS - 1:
            time.sleep(REPORT_POLL_PAUSE_S)
    else:
        outcome.skipped += 1
        return "loading"  # polled again on the next run
    if report.status == "UNSUCCESSFUL":
        return record("failed", load=report.status, error="refused in NetCash's load report")
    outcome.detail.setdefault("refused_lines", 0)
    outcome.detail["refused_lines"] += len(report.failures)
    held = client.batch_status(token) == "awaiting_authorisation"
    return record("awaiting_authorisation" if held else "submitted", load=report.status,
                  lines=[failure.line for failure in report.failures])
