"""The dunning run, set-based, against a per-invoice loop applying the same rules, same machine.

Data: bench/book.py's 100 tenants x 1,000 active services, billed by the invoice run (one open
invoice per customer, 100,000 in all, due 14 days after issue), plus 5 more tenants of the same
shape for the baseline (5,000 invoices; the loop over 100,000 would take many minutes). The run
date is 7 days before the due date: every invoice enters dunning with the default schedule and
takes its first reminder (a step row, a payment link and an outbox event each).

- ours: `jobs.dunning.run` - what `kassa jobs run dunning` does: one `internal.dunning_run`
  per tenant, one transaction per tenant, two tenants at a time on two connections (the default);
- baseline: per invoice, one transaction: enter it into dunning, read its due steps, record
  each (the latest taken, the others skipped), make a payment link, write the event and link it,
  move its last step.

Suspension steps are not in this data set (they go service by service through the service
transition in both variants). Memory: peak RSS of this process.

Run: make bench NAME=dunning
"""
from __future__ import annotations

import time
from datetime import date, timedelta

import psycopg

from bench import book
from bench.common import metric, peak_rss_mb, write_result
from jobs import dunning, invoice_run
from jobs.config import JobConfig
from kassa.testrun import throwaway

TENANTS = 100
SERVICES_PER_TENANT = 1_000
LOOP_TENANTS = 5
ISSUED = date(2026, 11, 1)
AS_OF = ISSUED + timedelta(days=14 - 7)  # the default schedule's first reminder
TARGET_SECONDS = 20
TARGET_RATIO = 10
ACTOR = "job:dunning:bench"

OPEN_INVOICES = """
  SELECT i.tenant_id, i.id FROM kassa.invoices i
   WHERE i.tenant_id = ANY (%s::uuid[]) AND i.status IN ('finalised', 'partially_paid', 'overdue')
   ORDER BY i.tenant_id, i.id"""
ENTER = """
  INSERT INTO kassa.invoice_dunning (tenant_id, invoice_id, customer_id, schedule_version, entered_on)
  SELECT i.tenant_id, i.id, i.customer_id, s.version, %(as_of)s
    FROM kassa.invoices i, internal.current_dunning_schedule(i.tenant_id, %(as_of)s) s
   WHERE i.tenant_id = %(tenant)s AND i.id = %(invoice)s AND i.amount_due > s.tolerance
     AND i.due_on + (SELECT min(st.day_offset) FROM kassa.dunning_steps st
                      WHERE st.tenant_id = s.tenant_id AND st.schedule_version = s.version) <= %(as_of)s
  ON CONFLICT DO NOTHING"""
DUE_STEPS = """
  SELECT st.day_offset, st.kind
    FROM kassa.invoice_dunning d
    JOIN kassa.invoices i ON i.tenant_id = d.tenant_id AND i.id = d.invoice_id
    JOIN kassa.dunning_schedules s ON s.tenant_id = d.tenant_id AND s.version = d.schedule_version
    JOIN kassa.dunning_steps st ON st.tenant_id = d.tenant_id AND st.schedule_version = d.schedule_version
   WHERE d.tenant_id = %(tenant)s AND d.invoice_id = %(invoice)s AND i.amount_due > s.tolerance
     AND i.due_on + st.day_offset <= %(as_of)s
     AND NOT EXISTS (SELECT FROM kassa.dunning_pauses p
                      WHERE p.tenant_id = d.tenant_id AND p.customer_id = d.customer_id
                        AND (p.invoice_id IS NULL OR p.invoice_id = d.invoice_id)
                        AND p.ended_at IS NULL AND p.until >= %(as_of)s)
     AND NOT EXISTS (SELECT FROM kassa.invoice_dunning_steps x
                      WHERE x.tenant_id = d.tenant_id AND x.invoice_id = d.invoice_id AND x.step = st.day_offset)"""
RECORD = """
  INSERT INTO kassa.invoice_dunning_steps (tenant_id, invoice_id, step, kind, outcome, customer_id, as_of, actor)
  SELECT %(tenant)s, %(invoice)s, %(step)s, %(kind)s, %(outcome)s, i.customer_id, %(as_of)s, %(actor)s
    FROM kassa.invoices i WHERE i.tenant_id = %(tenant)s AND i.id = %(invoice)s"""
EVENT = """
  INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)
  SELECT i.tenant_id, i.customer_id, %(event)s::text, jsonb_build_object(
           'customer_id', c.id, 'customer_name', c.name, 'account_number', c.account_number, 'locale', coalesce(c.locale, t.locale),
           'invoice_id', i.id, 'invoice_number', i.number, 'amount_due', i.amount_due, 'currency', i.currency,
           'due_on', i.due_on, 'as_of', %(as_of)s::date, 'step', %(step)s::integer, 'step_kind', %(kind)s::text,
           'days_overdue', greatest(%(as_of)s::date - i.due_on, 0), 'schedule_version', d.schedule_version,
           'urgency', %(urgency)s::text, 'payment_token', l.token, 'payment_link_expires_at', l.expires_at)
    FROM kassa.invoices i
    CROSS JOIN internal.create_payment_links(%(tenant)s, ARRAY[%(invoice)s]::uuid[], %(actor)s) l
    JOIN kassa.customers c ON c.tenant_id = i.tenant_id AND c.id = i.customer_id
    JOIN kassa.tenants t ON t.id = i.tenant_id
    JOIN kassa.invoice_dunning d ON d.tenant_id = i.tenant_id AND d.invoice_id = i.id
   WHERE i.tenant_id = %(tenant)s AND i.id = %(invoice)s
  RETURNING id"""
LINK = ("UPDATE kassa.invoice_dunning_steps SET notification_id = %(event_id)s"
        " WHERE tenant_id = %(tenant)s AND invoice_id = %(invoice)s AND step = %(step)s")
LAST_STEP = ("UPDATE kassa.invoice_dunning SET last_step = %(step)s, last_step_on = %(as_of)s"
             " WHERE tenant_id = %(tenant)s AND invoice_id = %(invoice)s")
EVENTS = {"reminder": ("invoice_reminder", "low"), "notice": ("invoice_overdue_notice", "medium"),
          "final": ("invoice_final_notice", "critical")}


def per_invoice_loop(conn: psycopg.Connection, tenants: list[str], as_of: date) -> int:
    """The same rules as internal.dunning_run, one invoice per transaction (no suspension
    step in this data set). Returns the steps taken."""
    taken = 0
    for tenant, invoice in conn.execute(OPEN_INVOICES, [tenants]).fetchall():
        with conn.transaction():
            key = {"tenant": tenant, "invoice": invoice, "as_of": as_of, "actor": ACTOR}
            conn.execute(ENTER, key)
            steps = conn.execute(DUE_STEPS, key).fetchall()
            if not steps:
                continue
            latest = max(day for day, _ in steps)
            for day, kind in steps:
                conn.execute(RECORD, {**key, "step": day, "kind": kind,
                                      "outcome": "taken" if day == latest else "skipped"})
            event, urgency = EVENTS[dict(steps)[latest]]
            step = {**key, "step": latest, "kind": dict(steps)[latest], "event": event, "urgency": urgency}
            event_id = conn.execute(EVENT, step).fetchone()[0]
            conn.execute(LINK, {**step, "event_id": event_id})
            conn.execute(LAST_STEP, step)
            taken += 1
    return taken


def main() -> None:
    with throwaway("bench-") as settings:
        job_config = JobConfig.from_environment(settings.environment())
        with psycopg.connect(settings.database_url, autocommit=True) as owner:
            started = time.perf_counter()
            book.load(owner, TENANTS, SERVICES_PER_TENANT, ISSUED, prefix="a0000000")
            loop_tenants = book.load(owner, LOOP_TENANTS, SERVICES_PER_TENANT, ISSUED, prefix="b0000000")
            with psycopg.connect(settings.worker_url, autocommit=True) as worker:
                billed = invoice_run.run(worker, ISSUED, None, "job:invoice-run:bench", job_config)
            assert billed.failed == 0, billed.errors
            owner.execute("ANALYZE")
            print(f"billed {billed.detail['invoices']} invoices in {time.perf_counter() - started:.0f} s", flush=True)

            # The loop writes the dunning tables directly, which only the owner may.
            started = time.perf_counter()
            loop_taken = per_invoice_loop(owner, loop_tenants, AS_OF)
            loop_seconds = time.perf_counter() - started
            print(f"loop: {loop_taken} invoices in {loop_seconds:.1f} s", flush=True)

        with psycopg.connect(settings.worker_url, autocommit=True) as worker:
            started = time.perf_counter()
            outcome = dunning.run(worker, AS_OF, None, ACTOR, job_config)
            run_seconds = time.perf_counter() - started
            print(f"set-based: {outcome.detail['taken']} invoices in {run_seconds:.1f} s", flush=True)

        assert outcome.failed == 0, outcome.errors
        ours_taken = outcome.detail["taken"]
        assert ours_taken == TENANTS * SERVICES_PER_TENANT and loop_taken == LOOP_TENANTS * SERVICES_PER_TENANT
        ours_rate, loop_rate = ours_taken / run_seconds, loop_taken / loop_seconds
        write_result("dunning", settings, {
            "open_invoices": TENANTS * SERVICES_PER_TENANT, "tenants": TENANTS, "as_of": AS_OF.isoformat(),
            "step": "first reminder (-7): enter dunning, one step row, payment link and outbox event per invoice",
            "loop_invoices": LOOP_TENANTS * SERVICES_PER_TENANT, "loop_tenants": LOOP_TENANTS,
            "baseline": "per-invoice loop (Python, one transaction per invoice: enter, due steps, record, "
                        "payment link, event, link, last step) on 5 extra tenants of the same shape",
            "target_run_seconds": TARGET_SECONDS, "target_ratio": TARGET_RATIO,
        }, [
            metric("dunning_invoices_per_s", ours_rate, "1/s", "per-invoice loop", loop_rate),
            metric("run_seconds", run_seconds, "s"),
            metric("peak_rss_mb", peak_rss_mb(), "MB"),
        ])


if __name__ == "__main__":
    main()
