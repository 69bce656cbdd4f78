"""The invoice run, set-based, against a straightforward per-service loop, same run, same machine.

Data (bench/book.py): 100 tenants x 1,000 active monthly services (one customer each, so one
invoice per service), all due on the run date, every tenant finalising its invoices (numbers,
VAT, ledger posting, allocation of credit). Plus 5 more tenants of the same shape for the
baseline: the loop is run on those 5,000 services only (running it on 100,000 would take
minutes) and its rate is compared with the set-based run's rate on the 100,000.

- ours: `jobs.invoice_run.run` - what `kassa jobs run invoice-run` does: one set-based
  `internal.invoice_run(as_of, tenant)` call per tenant, one transaction per tenant, two
  tenants at a time on two connections (the job's default);
- baseline: per service, one transaction: claim the service (advance next_billing_date),
  insert its invoice and line, `internal.finalise_invoices` for that one invoice.

Both finalise through the same function. Memory: peak RSS of this process and of the
database backend that ran the set-based run.

Run: make bench NAME=invoice_run
"""
from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import psycopg

from bench import book
from bench.common import metric, peak_rss_mb, write_result
from jobs import invoice_run
from jobs.config import JobConfig
from kassa.testrun import throwaway

TENANTS = 100
SERVICES_PER_TENANT = 1_000
LOOP_TENANTS = 5
DUE = date(2026, 12, 1)
TARGET_PER_S = 10_000
TARGET_RATIO = 10

DUE_SERVICES = """
  SELECT s.tenant_id, s.id, s.customer_id, s.billing_day, s.next_billing_date, s.price_version_id,
         v.price, v.vat_category, r.rate, t.currency, t.prices_include_vat, p.name
    FROM kassa.services s
    JOIN kassa.tenants t ON t.id = s.tenant_id
    JOIN kassa.price_versions v ON v.tenant_id = s.tenant_id AND v.id = s.price_version_id
    JOIN kassa.products p ON p.tenant_id = v.tenant_id AND p.id = v.product_id
    JOIN kassa.vat_rates r ON r.tenant_id = v.tenant_id AND r.category = v.vat_category
   WHERE s.tenant_id = ANY (%s::uuid[]) AND s.status = 'active'
     AND s.next_billing_date <= %s::date + t.invoice_lead_days"""


def per_service_loop(conn: psycopg.Connection, tenants: list[str], as_of: date) -> int:
    invoices = 0
    for (tenant, service, customer, day, next_date, version, price, category, rate, currency, inclusive,
         name) in conn.execute(DUE_SERVICES, [tenants, as_of]).fetchall():
        with conn.transaction():
            claimed = conn.execute(
                "UPDATE kassa.services SET next_billing_date = internal.next_billing_date(%s, 1, %s)"
                " WHERE tenant_id = %s AND id = %s AND next_billing_date = %s RETURNING next_billing_date",
                [day, next_date, tenant, service, next_date]).fetchone()
            if not claimed:
                continue
            invoice = conn.execute(
                "INSERT INTO kassa.invoices (tenant_id, customer_id, currency, prices_include_vat, period_start,"
                " period_end) VALUES (%s, %s, %s, %s, %s, %s::date - 1) RETURNING id",
                [tenant, customer, currency, inclusive, next_date, claimed[0]]).fetchone()[0]
            conn.execute(
                "INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, description, unit_price, amount, vat_category,"
                " vat_rate, period_start, period_end, service_id, charge_kind, price_version_id)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s::date - 1, %s, 'recurring', %s)",
                [tenant, invoice, name, price, price, category, rate, next_date, claimed[0], service, version])
            conn.execute("SELECT count(*) FROM internal.finalise_invoices(%s, ARRAY[%s]::uuid[], %s)",
                         [tenant, invoice, as_of])
            invoices += 1
    return invoices


def backend_peak_rss_mb(conn: psycopg.Connection) -> float | None:
    pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # a database on another machine
        return None
    return round(int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) / 1024, 1)


def main() -> None:
    with throwaway("bench-") as settings:
        with psycopg.connect(settings.database_url, autocommit=True) as owner:
            started = time.perf_counter()
            book.load(owner, TENANTS, SERVICES_PER_TENANT, DUE, prefix="a0000000")
            loop_tenants = book.load(owner, LOOP_TENANTS, SERVICES_PER_TENANT, DUE, prefix="b0000000")
            owner.execute("ANALYZE")
            print(f"loaded {(TENANTS + LOOP_TENANTS) * SERVICES_PER_TENANT} services in"
                  f" {time.perf_counter() - started:.0f} s", flush=True)

            # The loop writes invoices directly, which only the owner may (the worker role
            # reaches them through the invoice functions).
            started = time.perf_counter()
            loop_invoices = per_service_loop(owner, loop_tenants, DUE)
            loop_seconds = time.perf_counter() - started
            print(f"loop: {loop_invoices} invoices in {loop_seconds:.1f} s", flush=True)

        job_config = JobConfig.from_environment(settings.environment())
        with psycopg.connect(settings.worker_url, autocommit=True) as worker:
            started = time.perf_counter()
            outcome = invoice_run.run(worker, DUE, None, "job:invoice-run:bench", job_config)
            run_seconds = time.perf_counter() - started
            ours_invoices = outcome.detail["invoices"]
            print(f"set-based: {ours_invoices} invoices in {run_seconds:.1f} s", flush=True)
            backend_mb = backend_peak_rss_mb(worker)

        assert outcome.failed == 0, outcome.errors
        assert ours_invoices == TENANTS * SERVICES_PER_TENANT and loop_invoices == LOOP_TENANTS * SERVICES_PER_TENANT
        ours_rate, loop_rate = ours_invoices / run_seconds, loop_invoices / loop_seconds
        metrics = [
            metric("invoices_per_s", ours_rate, "1/s", "per-service loop", loop_rate),
            metric("run_seconds", run_seconds, "s"),
            metric("peak_rss_mb", peak_rss_mb(), "MB"),
        ]
        if backend_mb is not None:
            metrics.append(metric("db_backend_peak_rss_mb", backend_mb, "MB"))
        write_result("invoice_run", settings, {
            "services": TENANTS * SERVICES_PER_TENANT, "tenants": TENANTS, "invoices_per_customer_run": 1,
            "loop_services": LOOP_TENANTS * SERVICES_PER_TENANT, "loop_tenants": LOOP_TENANTS,
            "baseline": "per-service loop (Python, one transaction per service: claim, invoice, line, "
                        "finalise_invoices of that invoice) on 5 extra tenants of the same shape",
            "invoice_run_mode": "finalise", "target_invoices_per_s": TARGET_PER_S, "target_ratio": TARGET_RATIO,
        }, metrics)


if __name__ == "__main__":
    main()
