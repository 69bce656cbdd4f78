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

Before that, each run reads NetCash's merchant statement from the earliest action date that has
come (internal.debit_order_results_from) and applies its debit lines
(internal.apply_debit_order_result): paid debits complete their payments, unpaid and disputed
ones are returned, and the reason decides whether the invoice is presented again. A returned
invoice that may be presented again is in that same run's batch.
"""
from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from bridge.db import acting_as
from gateways import netcash
from jobs.config import JobConfig
from jobs.runner import Outcome

REPORT_POLLS = 3            # polls per run of a load report or statement; one not ready by then waits for the next run
REPORT_POLL_PAUSE_S = 1.0


def run(conn: psycopg.Connection, as_of: date | None, tenant: str | None, actor: str, config: JobConfig) -> Outcome:
    client = netcash.NetcashClient(config.netcash)
    conn.execute("SELECT set_config('app.settings.payment_method_key', %s, false)", [config.payment_method_key])
    outcome = Outcome(detail={"batches": {}, "results": {}})
    rows = conn.cursor(row_factory=dict_row)
    tenants = [tenant] if tenant else [t["id"] for t in rows.execute("SELECT id FROM internal.list_tenants()")]
    for owner in tenants:
        submission = as_of or rows.execute("SELECT internal.tenant_today(%s) AS d", [owner]).fetchone()["d"]
        collect_results(conn, client, owner, submission, actor, outcome)
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
    report = polled(client.request_file_upload_report, token)
    if report is None:
        outcome.skipped += 1
        return "loading"  # polled again on the next run
    if report.status == "UNSUCCESSFUL":
        return record("failed", load=report.status, error="refused in NetCash's load report")
    outcome.detail.setdefault("refused_lines", 0)
    outcome.detail["refused_lines"] += len(report.failures)
    held = client.batch_status(token) == "awaiting_authorisation"
    return record("awaiting_authorisation" if held else "submitted", load=report.status,
                  lines=[failure.line for failure in report.failures])


# What a statement line of a debit means; the other types (Pay Now, balances) are not debits.
RESULT_KINDS = {"TDD": "paid", "SDD": "paid", "DRU": "unpaid", "PND": "dispute"}


def polled(poll, *args):
    """A polling call's answer, or None when NetCash has not prepared it within REPORT_POLLS."""
    for attempt in range(REPORT_POLLS):
        answer = poll(*args)
        if answer is not None:
            return answer
        if attempt < REPORT_POLLS - 1:
            time.sleep(REPORT_POLL_PAUSE_S)
    return None


def collect_results(conn, client: netcash.NetcashClient, tenant: str, as_of: date, actor: str, outcome: Outcome) -> None:
    """Applies the statement's debit lines to the tenant's debits. The line names the debit by the
    account reference, the first word of its description (as the stand-in writes it: to be
    confirmed against a real statement), and its amount."""
    start = conn.execute("SELECT internal.debit_order_results_from(%s, %s)", [tenant, as_of]).fetchone()[0]
    if start is None:
        return
    lines = polled(client.retrieve_merchant_statement, client.request_merchant_statement(start))
    if lines is None:
        outcome.skipped += 1
        return
    counts = outcome.detail["results"]
    for line in lines:
        kind = RESULT_KINDS.get(line.type_code)
        if kind is None or not line.description:
            continue
        code = line.unpaid_code
        reason = netcash.unpaid_reason(code).description if kind == "unpaid" and code is not None else None
        with acting_as(conn, actor):
            applied = conn.execute(
                "SELECT internal.apply_debit_order_result(%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                [tenant, kind, line.description.split()[0], int(line.amount * 100), line.day, line.transaction_id,
                 code, reason, Jsonb({"statement_line": [str(line.day), line.type_code, line.transaction_id,
                                                          line.description, str(line.amount), line.sign]})]).fetchone()[0]
        if applied == "applied":
            counts[kind] = counts.get(kind, 0) + 1
