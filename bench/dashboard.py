"""The dashboards over HTTP: PostgREST `GET /rpc/customer_dashboard` (customer tokens) and
`GET /rpc/staff_dashboard` (staff tokens) against the baseline, a single-row
`GET /customers?id=eq.<customer>` with the same customer tokens, in one run, interleaved,
8 connections (wrk), each request naming another customer or tenant.

Data: bench/book.py's 100 tenants x 1,000 customers, each with an active monthly plan, and 12
months of history per customer, written set-based: an invoice a month (49900 with VAT), paid
two days after issue by EFT or, for every fifth customer, by debit order (a batch a month per
tenant, an item per debit); every twentieth customer leaves the last 1 to 4 months unpaid (its
debits bounced), so every overdue age bucket has invoices; the ledger of it all (invoice and
payment entries with running balances, the balance on the account); an event and an e-mail per
invoice, about 1% failed; a webhook delivery for a tenth of them, a seventh of those failed;
this period's usage of every service; half the customers have paid this month's invoice (not
yet due). 1.2 million invoices and e-mails, 1.15 million payments, 2.3 million ledger entries.
The history is written with triggers off (session_replication_role = replica: the audit log
and the ledger's guards would make the seed the benchmark); the figures are consistent (each
account's balance is the sum of its entries, each invoice's amount paid that of its payments).
The clock is set to AS_OF (set_clock), so the figures do not depend on the day it runs.

Run: make bench NAME=dashboard   (installs wrk when missing)
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import time
from datetime import date
from pathlib import Path

import psycopg
import requests

from bench import book
from bench.common import WRK_ROWS_LUA, metric, write_result
from kassa import services
from kassa.testrun import throwaway
from kassa.tokens import make_token

TENANTS = 100
CUSTOMERS_PER_TENANT = 1_000
MONTHS = 12
AS_OF = date(2026, 12, 4)
SAMPLED = (5, 10, 20, 40, 100, 200, 333, 500, 777, 1000)  # customers per tenant the requests name (account order)
CONNECTIONS = 8
SECONDS = 20
ROUNDS = 3
TARGET_P99_MS = 50
BASELINE = "GET /customers?id=eq.<customer>, the same customer tokens"

# Every invoice of the history: customer n of its tenant (account order), m months before AS_OF's month.
HISTORY = """
CREATE TEMP TABLE history AS
SELECT c.tenant_id, c.id AS customer_id, c.n, m.m, gen_random_uuid() AS invoice_id, gen_random_uuid() AS payment_id,
       gen_random_uuid() AS event_id, i.issued_on, c.n %% 5 = 0 AS by_debit_order,
       CASE WHEN m.m = 0 THEN c.n %% 2 = 1 ELSE NOT (c.n %% 20 = 0 AND m.m <= 1 + (c.n / 20) %% 4) END AS paid
  FROM (SELECT k.tenant_id, k.id, row_number() OVER (PARTITION BY k.tenant_id ORDER BY k.account_number)::int AS n
          FROM kassa.customers k WHERE k.tenant_id = ANY (%(tenants)s::uuid[])) c
 CROSS JOIN generate_series(0, %(months)s - 1) m(m)
 CROSS JOIN LATERAL (SELECT (date_trunc('month', %(as_of)s::date) - make_interval(months => m.m))::date AS issued_on) i
"""
SEED = [
    """INSERT INTO kassa.invoices (tenant_id, id, customer_id, number, status, currency, prices_include_vat, issued_on,
                                   due_on, supplied_on, period_start, period_end, net_total, vat_total, total, amount_paid,
                                   created_at, finalised_at, document_kind)
       SELECT h.tenant_id, h.invoice_id, h.customer_id, 'INV-' || to_char(h.issued_on, 'YYYYMM') || '-' || lpad(h.n::text, 5, '0'),
              CASE WHEN h.paid THEN 'paid' WHEN h.m = 0 THEN 'finalised' ELSE 'overdue' END, 'ZAR', true, h.issued_on,
              h.issued_on + 14, h.issued_on, h.issued_on, (h.issued_on + interval '1 month')::date - 1, 43391, 6509, 49900,
              CASE WHEN h.paid THEN 49900 ELSE 0 END, h.issued_on, h.issued_on, 'abridged_tax_invoice'
         FROM history h""",
    # Debit orders: a mandate per fifth customer, a batch a month per tenant, an item per debit
    # (paid, or unpaid when the invoice stayed open past its due date).
    """INSERT INTO kassa.payment_methods (tenant_id, id, customer_id, kind, is_primary, bank, account_type, account_masked,
                                          mandate_reference, mandate_status)
       SELECT h.tenant_id, h.customer_id, h.customer_id, 'debit_order', true, 'FNB', 'current', '***1234',
              'AGR-' || h.n, 'active'
         FROM history h WHERE h.by_debit_order AND h.m = 0""",
    """INSERT INTO kassa.payments (tenant_id, id, customer_id, provider, provider_ref, method, purpose, status, amount,
                                   currency, created_at, completed_at, failed_at, failure_reason, invoice_id, payment_method_id)
       SELECT h.tenant_id, h.payment_id, h.customer_id, CASE WHEN h.by_debit_order THEN 'netcash' ELSE 'manual' END,
              h.invoice_id::text, CASE WHEN h.by_debit_order THEN 'debit_order' ELSE 'eft' END, 'payment',
              CASE WHEN h.paid THEN 'completed' ELSE 'failed' END, 49900, 'ZAR', p.at,
              CASE WHEN h.paid THEN p.at END, CASE WHEN NOT h.paid THEN p.at END, CASE WHEN NOT h.paid THEN 'unpaid' END,
              h.invoice_id, CASE WHEN h.by_debit_order THEN h.customer_id END
         FROM history h CROSS JOIN LATERAL (SELECT (h.issued_on + 2) + interval '10 hours' AS at) p
        WHERE h.paid OR (h.by_debit_order AND h.m > 0)""",
    """INSERT INTO kassa.debit_order_batches (tenant_id, id, submission_date, action_date, service, name, status,
                                              load_status, created_at, updated_at)
       SELECT DISTINCT ON (h.tenant_id, h.m) h.tenant_id, h.event_id, h.issued_on, h.issued_on + 2, 'two_day',
              'Run ' || h.issued_on, 'submitted', 'SUCCESSFUL', h.issued_on, h.issued_on
         FROM history h ORDER BY h.tenant_id, h.m, h.n""",
    """INSERT INTO kassa.debit_order_items (tenant_id, batch_id, submission_date, invoice_id, customer_id, payment_method_id,
                                            payment_id, account_reference, amount, presentation, line, status, created_at,
                                            settled_at)
       SELECT h.tenant_id, b.id, b.submission_date, h.invoice_id, h.customer_id, h.customer_id, h.payment_id,
              'K' || h.n, 49900, 1, h.n, CASE WHEN h.paid THEN 'paid' ELSE 'unpaid' END, b.created_at, b.action_date + 1
         FROM history h
         JOIN kassa.debit_order_batches b ON b.tenant_id = h.tenant_id AND b.submission_date = h.issued_on
        WHERE h.by_debit_order AND (h.paid OR h.m > 0)""",
    # The ledger: each invoice, each payment received, in time order with running balances.
    """INSERT INTO kassa.ledger_entries (tenant_id, customer_id, kind, amount, currency, balance_after, source_type, source_id,
                                         description, created_at, entry_no)
       SELECT e.tenant_id, e.customer_id, e.kind, e.amount, 'ZAR',
              sum(e.amount) OVER (PARTITION BY e.tenant_id, e.customer_id ORDER BY e.at, e.kind),
              e.kind, e.source_id, e.kind, e.at,
              row_number() OVER (PARTITION BY e.tenant_id, e.customer_id ORDER BY e.at, e.kind)
         FROM (SELECT h.tenant_id, h.customer_id, 'invoice' AS kind, -49900 AS amount, h.invoice_id::text AS source_id,
                      h.issued_on::timestamptz AS at
                 FROM history h
               UNION ALL
               SELECT h.tenant_id, h.customer_id, 'payment', 49900, h.payment_id::text, (h.issued_on + 2) + interval '10 hours'
                 FROM history h WHERE h.paid) e""",
    """UPDATE kassa.billing_accounts a SET balance = s.balance
         FROM (SELECT h.tenant_id, h.customer_id, sum(CASE WHEN h.paid THEN 0 ELSE -49900 END) AS balance
                 FROM history h GROUP BY 1, 2) s
        WHERE a.tenant_id = s.tenant_id AND a.customer_id = s.customer_id""",
    # An event and an e-mail per invoice, some failed; a webhook delivery for a tenth.
    """INSERT INTO kassa.notifications (tenant_id, public_id, customer_id, kind, payload, created_at, delivered_at)
       SELECT h.tenant_id, h.event_id, h.customer_id, 'invoice_issued', '{}', h.issued_on, h.issued_on FROM history h""",
    """INSERT INTO kassa.messages (tenant_id, notification_id, customer_id, channel, recipient, status, attempts, sent_at,
                                   last_error, created_at, next_attempt_at)
       SELECT h.tenant_id, h.event_id, h.customer_id, 'email', 'c' || h.n || '@example.com',
              CASE WHEN f.failed THEN 'failed' ELSE 'sent' END, CASE WHEN f.failed THEN 5 ELSE 1 END,
              CASE WHEN NOT f.failed THEN h.issued_on::timestamptz END, CASE WHEN f.failed THEN '550 mailbox unavailable' END,
              h.issued_on, h.issued_on
         FROM history h CROSS JOIN LATERAL (SELECT (h.n + h.m) %% 97 = 0 AS failed) f""",
    """INSERT INTO kassa.webhook_endpoints (tenant_id, public_id, url)
       SELECT t, t, 'https://hooks.example.com/' || t FROM unnest(%(tenants)s::uuid[]) t""",
    """INSERT INTO kassa.webhook_deliveries (tenant_id, endpoint_id, notification_id, status, attempts, last_error,
                                             delivered_at, created_at, next_attempt_at)
       SELECT h.tenant_id, h.tenant_id, h.event_id, CASE WHEN f.failed THEN 'failed' ELSE 'delivered' END, 1,
              CASE WHEN f.failed THEN 'HTTP 503' END, CASE WHEN NOT f.failed THEN h.issued_on::timestamptz END,
              h.issued_on, h.issued_on
         FROM history h CROSS JOIN LATERAL (SELECT (h.n / 10 + h.m) %% 7 = 0 AS failed) f
        WHERE h.n %% 10 = 0""",
    """INSERT INTO kassa.usage_periods (tenant_id, service_id, period_start, meter, period_end, customer_id, quantity)
       SELECT s.tenant_id, s.id, date_trunc('month', %(as_of)s::date), 'bytes',
              (date_trunc('month', %(as_of)s::date) + interval '1 month')::date - 1, s.customer_id, 1000000 * h.n
         FROM kassa.services s JOIN history h ON h.tenant_id = s.tenant_id AND h.customer_id = s.customer_id AND h.m = 0""",
]


def seed(conn: psycopg.Connection, tenants: int, customers: int) -> list[str]:
    """The book and its history (see the module's docstring); needs a superuser connection
    (autocommit). Returns the tenant ids."""
    ids = book.load(conn, tenants, customers, date(AS_OF.year + AS_OF.month // 12, AS_OF.month % 12 + 1, 1),
                    prefix="d0000000")
    with conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")
        key = {"tenants": ids, "months": MONTHS, "as_of": AS_OF}
        conn.execute(HISTORY, key)
        for statement in SEED:
            conn.execute(statement, key)
        conn.execute("DROP TABLE history")
    return ids


def set_clock(conn: psycopg.Connection) -> None:
    """Today is AS_OF, noon UTC, for every tenant of the book."""
    conn.execute("UPDATE kassa.clock SET shift = %s::timestamptz - now()", [f"{AS_OF} 12:00+00"])


def wrk(url: str, script: Path, requests_file: Path, seconds: int) -> dict:
    out = subprocess.run(["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency", "--timeout", "5s",
                          "-s", str(script), url, "--", str(requests_file), "2"],
                         capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"wrk saw {errors.group(1)} failed responses:\n{out}")
    p50, p99 = (re.search(rf"{p}%\s+([\d.]+)(us|ms|s)\b", out) for p in (50, 99))
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    return {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": round(float(p50.group(1)) * scale[p50.group(2)], 2),
            "p99_ms": round(float(p99.group(1)) * scale[p99.group(2)], 2)}


# Each request a path and a token ("path<TAB>token" a line).
ROTATE = WRK_ROWS_LUA + """
function request()
  local r = next_row()
  return wrk.format("GET", r[1], {["Authorization"] = "Bearer " .. r[2]})
end
"""


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: run `scripts/install.sh bench` (make bench does)")
    with throwaway(prefix="bench-") as settings, tempfile.TemporaryDirectory() as tmp:
        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            started = time.monotonic()
            tenants = seed(conn, TENANTS, CUSTOMERS_PER_TENANT)
            set_clock(conn)
            seed_s = time.monotonic() - started
            started = time.monotonic()
            conn.execute("VACUUM ANALYZE")
            vacuum_s = time.monotonic() - started
            print(f"seeded in {seed_s:.0f} s, vacuumed in {vacuum_s:.0f} s", flush=True)
            sampled = conn.execute(
                "SELECT c.tenant_id::text, c.id::text FROM (SELECT k.tenant_id, k.id, row_number() OVER"
                " (PARTITION BY k.tenant_id ORDER BY k.account_number) AS n FROM kassa.customers k) c"
                " WHERE c.tenant_id = ANY (%s::uuid[]) AND c.n = ANY (%s) ORDER BY c.n, c.tenant_id",
                [tenants, list(SAMPLED)]).fetchall()
            sizes = {table: conn.execute(f"SELECT count(*) FROM kassa.{table}").fetchone()[0]
                     for table in ("invoices", "payments", "ledger_entries", "messages", "debit_order_items")}
        customer_tokens = {c: make_token(settings.jwt_secret, "customer", t, c, ttl=3600) for t, c in sampled}
        staff_tokens = {t: make_token(settings.jwt_secret, "staff", t, ttl=3600) for t in tenants}
        sides = {
            "baseline": [(f"/customers?id=eq.{c}", token) for c, token in customer_tokens.items()],
            "customer": [("/rpc/customer_dashboard", token) for token in customer_tokens.values()],
            "staff": [("/rpc/staff_dashboard", token) for token in staff_tokens.values()],
        }
        script = Path(tmp) / "rotate.lua"
        script.write_text(ROTATE)
        files = {}
        for side, lines in sides.items():
            files[side] = Path(tmp) / f"{side}.tsv"
            files[side].write_text("".join(f"{path}\t{token}\n" for path, token in lines))

        postgrest = services.stack(settings)[0]
        home = Path(settings.home)
        postgrest.start(home, settings.environment())
        try:
            postgrest.wait_healthy(home)
            for side, lines in sides.items():  # each answers, with the figures seeded
                path, token = lines[2]
                body = requests.get(settings.postgrest_url + path, headers={"Authorization": f"Bearer {token}"},
                                    timeout=10).json()
                print(side, body, flush=True)
                if side == "staff":
                    assert body["overdue"]["count"] == 125 and body["customers"]["total"] == CUSTOMERS_PER_TENANT, body
                if side == "customer":
                    assert body["open_invoices"] == 0 and body["next_invoice"]["total"] == 49900, body
            for side in sides:
                wrk(settings.postgrest_url, script, files[side], 2)  # warm-up: caches, connection pool
            load_before = os.getloadavg()[0]
            runs = {side: [] for side in sides}
            for _ in range(ROUNDS):
                for side in sides:
                    runs[side].append(wrk(settings.postgrest_url, script, files[side], SECONDS))
                    print(side, runs[side][-1], flush=True)
        finally:
            postgrest.stop(home)
        load_average = (load_before, os.getloadavg()[0])
        p99 = {side: sum(r["p99_ms"] for r in rs) / len(rs) for side, rs in runs.items()}
        rate = {side: sum(r["requests_per_s"] for r in rs) / len(rs) for side, rs in runs.items()}
        write_result("dashboard", settings, {
            "tenants": TENANTS, "customers": TENANTS * CUSTOMERS_PER_TENANT, "months": MONTHS, "as_of": AS_OF.isoformat(),
            "rows": sizes, "seed_seconds": round(seed_s, 1), "vacuum_seconds": round(vacuum_s, 1),
            "load_average_1min": load_average, "connections": CONNECTIONS, "seconds_per_run": SECONDS, "rounds": ROUNDS,
            "target_p99_ms": TARGET_P99_MS,
            "requests": {"customer": "GET /rpc/customer_dashboard, 1,000 customer tokens (10 per tenant)",
                         "staff": "GET /rpc/staff_dashboard, a staff token per tenant",
                         "baseline": BASELINE},
            "runs": runs,
        }, [
            metric("dashboard_customer_p99_ms", p99["customer"], "ms", BASELINE, p99["baseline"]),
            metric("dashboard_staff_p99_ms", p99["staff"], "ms", BASELINE, p99["baseline"]),
            metric("dashboard_customer_requests_per_s", rate["customer"], "1/s", BASELINE, rate["baseline"]),
            metric("dashboard_staff_requests_per_s", rate["staff"], "1/s", BASELINE, rate["baseline"]),
        ])


if __name__ == "__main__":
    main()
