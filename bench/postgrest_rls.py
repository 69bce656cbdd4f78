"""What row-level security costs over HTTP: PostgREST
`GET /customers?tenant_id=eq.<tenant>&id=eq.<id>` with a customer token (RLS policies apply)
against the same request through a role that bypasses RLS (`bench_norls`, BYPASSRLS, the same
grants on the same view), same row returned, 50 concurrent clients (wrk), 10 tenants x 10,000
customers. Two rounds per side, interleaved.

Staff roles (docs/api.md, "Staff roles"): the same request with a staff token of a staff user
(claims staff_user_id and staff_role, which the request check holds to the staff user's row
and then to the role matrix) against a staff token without a staff role (no lookup), in the
same interleaved rounds: `staff_user_check_overhead_pct`.

Context run (one round each): `?id=eq.<id>` alone. There the RLS side is the fast one: the
policy's tenant predicate lets the (tenant_id, id) primary key find the row, while the role
without RLS scans every tenant's customers.

Run: make bench NAME=postgrest_rls   (installs wrk when missing)
"""
from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import jwt
import psycopg
import requests

from bench.common import metric, write_result
from kassa import services
from kassa.testrun import throwaway
from bridge.claims import AUDIENCE
from kassa.tokens import make_token

TENANTS = 10
CUSTOMERS_PER_TENANT = 10_000
CLIENTS = 50
SECONDS = 10
ROUNDS = 2
TARGET_OVERHEAD_PCT = 15

SEED = [
    """INSERT INTO kassa.tenants (slug, name, legal_name, country, currency, prices_include_vat, timezone)
       SELECT 'bench-' || t, 'Bench ' || t, 'Bench ' || t || ' Ltd', 'ZA', 'ZAR', true, 'Africa/Johannesburg'
         FROM generate_series(1, %(tenants)s) t""",
    """INSERT INTO kassa.customers (tenant_id, name, email)
       SELECT t.id, 'Customer ' || n, 'c' || n || '@' || t.slug || '.example'
         FROM kassa.tenants t, generate_series(1, %(customers)s) n
        WHERE t.slug LIKE 'bench-%%'""",
    "ANALYZE",
]

# The baseline role: what a customer token can read, without the policies.
BASELINE_ROLE = """
CREATE ROLE bench_norls NOLOGIN BYPASSRLS;
GRANT bench_norls TO authenticator;
ALTER ROLE bench_norls SET statement_timeout = '10s';
GRANT USAGE ON SCHEMA api, kassa, internal TO bench_norls;
GRANT SELECT ON api.customers, kassa.customers, kassa.billing_accounts, kassa.tenants TO bench_norls;
GRANT EXECUTE ON FUNCTION internal.check_request(), internal.jwt_claims(), internal.jwt_tenant_id(),
  internal.jwt_customer_id() TO bench_norls;
"""


def wrk(url: str, token: str, seconds: int) -> dict:
    out = subprocess.run(["wrk", "-t2", f"-c{CLIENTS}", f"-d{seconds}s", "--latency", "--timeout", "5s",
                          "-H", f"Authorization: Bearer {token}", url],
                         capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"wrk saw {errors.group(1)} failed responses:\n{out}")
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    return {"requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p99_ms": float(p99.group(1)) * scale}


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: run `scripts/install.sh bench` (make bench does)")
    with throwaway(prefix="bench-") as settings:
        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            started = time.monotonic()
            for statement in SEED:
                conn.execute(statement, {"tenants": TENANTS, "customers": CUSTOMERS_PER_TENANT})
            seed_s = time.monotonic() - started
            conn.execute(BASELINE_ROLE)
            tenant, customer = conn.execute(
                "SELECT tenant_id, id FROM kassa.customers WHERE tenant_id = (SELECT id FROM kassa.tenants"
                " WHERE slug = 'bench-5') ORDER BY account_number OFFSET 4999 LIMIT 1").fetchone()
            staff_user = conn.execute("INSERT INTO kassa.staff_users (tenant_id, email, name, role)"
                                      " VALUES (%s, 'bench@example.com', 'Bench', 'billing') RETURNING id::text",
                                      [tenant]).fetchone()[0]
        postgrest = services.stack(settings)[0]
        postgrest.start(Path(settings.home), settings.environment())
        try:
            postgrest.wait_healthy(Path(settings.home))
            tokens = {
                "rls": make_token(settings.jwt_secret, "customer", tenant, customer, ttl=3600),
                "norls": jwt.encode({"role": "bench_norls", "tenant_id": str(tenant), "sub": "bench", "aud": AUDIENCE,
                                     "exp": int(time.time()) + 3600}, settings.jwt_secret, algorithm="HS256"),
                "staff": make_token(settings.jwt_secret, "staff", tenant, ttl=3600),
                "staff_user": make_token(settings.jwt_secret, "staff", tenant, ttl=3600, staff_user=(staff_user, "billing")),
            }
            url = f"{settings.postgrest_url}/customers?tenant_id=eq.{tenant}&id=eq.{customer}"
            id_only_url = f"{settings.postgrest_url}/customers?id=eq.{customer}"
            for check in (url, id_only_url):
                bodies = {side: requests.get(check, headers={"Authorization": f"Bearer {t}"}, timeout=10).json()
                          for side, t in tokens.items()}
                assert all(body == bodies["rls"] for body in bodies.values()) and len(bodies["rls"]) == 1, bodies
            for token in tokens.values():
                wrk(url, token, 2)  # warm-up: caches, connection pool
            runs = {side: [] for side in tokens}
            for _ in range(ROUNDS):
                for side, token in tokens.items():
                    runs[side].append(wrk(url, token, SECONDS))
                    print(side, runs[side][-1], flush=True)
            id_only = {side: wrk(id_only_url, tokens[side], SECONDS) for side in ("rls", "norls")}
            print("id only", id_only, flush=True)
        finally:
            postgrest.stop(Path(settings.home))

        rls, norls, staff, staff_user = ({k: mean([r[k] for r in runs[side]]) for k in ("requests_per_s", "p99_ms")}
                                         for side in ("rls", "norls", "staff", "staff_user"))
        overhead = (norls["requests_per_s"] - rls["requests_per_s"]) / norls["requests_per_s"] * 100
        staff_overhead = (staff["requests_per_s"] - staff_user["requests_per_s"]) / staff["requests_per_s"] * 100
        write_result("postgrest_rls", settings, {
            "tenants": TENANTS, "customers": TENANTS * CUSTOMERS_PER_TENANT, "clients": CLIENTS,
            "seconds_per_run": SECONDS, "rounds": ROUNDS, "request": "GET /customers?tenant_id=eq.<tenant>&id=eq.<customer>",
            "seed_seconds": round(seed_s, 1), "target_overhead_pct": TARGET_OVERHEAD_PCT,
            "runs": runs, "id_only_runs": id_only,
        }, [
            metric("rls_overhead_pct", overhead, "%"),
            metric("requests_per_s", rls["requests_per_s"], "1/s", "same request, BYPASSRLS role",
                   norls["requests_per_s"]),
            metric("p99_ms", rls["p99_ms"], "ms", "same request, BYPASSRLS role", norls["p99_ms"]),
            metric("id_only_requests_per_s", id_only["rls"]["requests_per_s"], "1/s",
                   "?id=eq. alone, BYPASSRLS role", id_only["norls"]["requests_per_s"]),
            metric("staff_user_check_overhead_pct", staff_overhead, "%"),
            metric("staff_user_requests_per_s", staff_user["requests_per_s"], "1/s",
                   "same request, staff token without a staff role", staff["requests_per_s"]),
        ])


if __name__ == "__main__":
    main()
