"""Ledger postings per second through internal.post_entry, side by side with pgbench's built-in
tpcb-like on the same cluster: same driver (pgbench), same client count, same duration.

- many accounts: each transaction posts one entry to a random one of 10,000 accounts;
- one hot account: every transaction posts to the same account (postings queue on its row lock);
- baseline: `pgbench -b tpcb-like` (scale = clients, so its branches do not serialise it).

A posting is one statement, `SELECT internal.post_entry(...)`: it locks the account, appends
the entry with its running balance, moves the cached balance and fires the balance triggers
(SSE notify, auto top-up request, low-balance warnings).

Run: make bench NAME=postings
"""
from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import psycopg

from bench.common import metric, write_result
from kassa.testrun import throwaway

PGBENCH = "/usr/lib/postgresql/15/bin/pgbench"
CLIENTS = 8
SECONDS = 15
ACCOUNTS = 10_000
TENANT = "b0000000-0000-4000-8000-000000000001"
TARGET_RATIO = 0.5

SEED = [
    f"""INSERT INTO kassa.tenants (id, slug, name, legal_name, country, currency)
        VALUES ('{TENANT}', 'bench-postings', 'Bench', 'Bench Ltd', 'ZA', 'ZAR')""",
    f"""INSERT INTO kassa.customers (tenant_id, id, name, email)
        SELECT '{TENANT}', ('c0000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, 'C' || n,
               'c' || n || '@bench.example'
          FROM generate_series(1, {ACCOUNTS}) n""",
    "ANALYZE",
]

POSTING = """\\set n random(1, {accounts})
SELECT internal.post_entry('{tenant}', ('c0000000-0000-4000-8000-' || lpad(:n::text, 12, '0'))::uuid,
  'adjustment', 100, 'bench', md5(random()::text));
"""


def pgbench(dsn: str, *args: str, seconds: int = SECONDS) -> float:
    out = subprocess.run([PGBENCH, "-c", str(CLIENTS), "-j", "2", "-T", str(seconds), *args, dsn],
                         capture_output=True, text=True, check=True).stdout
    failed = re.search(r"number of failed transactions: (\d+)", out)
    if failed and int(failed.group(1)):
        raise RuntimeError(f"pgbench saw failed transactions:\n{out}")
    return float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", out).group(1))


def script(folder: Path, name: str, accounts: int) -> str:
    path = folder / f"{name}.sql"
    path.write_text(POSTING.format(accounts=accounts, tenant=TENANT))
    return str(path)


def main() -> None:
    with throwaway(prefix="bench-") as settings, tempfile.TemporaryDirectory() as tmp:
        dsn = settings.database_url
        with psycopg.connect(dsn, autocommit=True) as conn:
            for statement in SEED:
                conn.execute(statement)
        subprocess.run([PGBENCH, "-i", "-q", "-s", str(CLIENTS), dsn], capture_output=True, check=True)
        many, hot = script(Path(tmp), "many", ACCOUNTS), script(Path(tmp), "hot", 1)
        pgbench(dsn, "-n", "-f", many, seconds=3)  # warm-up: plans, caches
        tps = {"tpcb_like": pgbench(dsn, "-b", "tpcb-like"),
               "many_accounts": pgbench(dsn, "-n", "-f", many),
               "hot_account": pgbench(dsn, "-n", "-f", hot)}
        print(tps, flush=True)
        with psycopg.connect(dsn) as conn:
            mismatches = conn.execute("SELECT count(*) FROM internal.ledger_mismatches()").fetchone()[0]
            entries = conn.execute("SELECT count(*) FROM kassa.ledger_entries").fetchone()[0]
        assert mismatches == 0, "the ledger invariant broke under load"
        write_result("postings", settings, {
            "clients": CLIENTS, "seconds_per_run": SECONDS, "accounts": ACCOUNTS, "pgbench_scale": CLIENTS,
            "entries_written": entries, "target_ratio": TARGET_RATIO, "tps": tps,
        }, [
            metric("postings_per_s", tps["many_accounts"], "1/s", "pgbench tpcb-like", tps["tpcb_like"]),
            metric("hot_account_postings_per_s", tps["hot_account"], "1/s", "pgbench tpcb-like", tps["tpcb_like"]),
        ])


if __name__ == "__main__":
    main()
