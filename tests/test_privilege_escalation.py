"""The worker login (bridges and jobs) cannot reach owner or superuser rights through any
object it could create: it creates nothing (no schema accepts its objects, no temporary
tables), cannot switch to the owner or a superuser, and the owner itself is no superuser, so
even a security definer function tricked into running foreign code could not run a program.
Nor does it read or write any table itself (no BYPASSRLS, no table privilege): card and bank
secrets included, it reaches data only through its listed internal.* functions.

This replays the attack that was found: a pg_temp table named like the invoice run's own
staging table, prepared by the caller so that the run (security definer) would write into it.
"""
from __future__ import annotations

import psycopg
import pytest


@pytest.fixture
def worker(settings):
    with psycopg.connect(settings.worker_url, autocommit=True) as conn:
        yield conn


def refused(conn, statement: str) -> bool:
    try:
        conn.execute(statement)
    except psycopg.errors.InsufficientPrivilege:
        return True
    return False


def test_the_worker_cannot_prepare_a_pg_temp_trap(worker):
    assert refused(worker, "CREATE TEMP TABLE invoice_run_lines (customer_id uuid)")
    assert refused(worker, "CREATE FUNCTION pg_temp.trap() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$")


def test_the_worker_can_create_nothing_in_any_schema(worker):
    schemas = [r[0] for r in worker.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg_toast%' AND nspname NOT LIKE 'pg_temp%'")]
    assert {"kassa", "internal", "api", "audit", "public"} <= set(schemas)
    for schema in schemas:
        assert refused(worker, f'CREATE TABLE "{schema}".planted (x int)'), schema
        assert refused(worker, f'CREATE FUNCTION "{schema}".planted() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$'), schema


def test_the_worker_cannot_become_the_owner_or_a_superuser(worker):
    assert worker.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone() == (False,)
    assert refused(worker, "SET ROLE kassa_owner")
    assert refused(worker, "SET ROLE postgres")


def test_the_owner_of_security_definer_functions_cannot_run_programs(settings):
    with psycopg.connect(settings.database_url) as conn:
        conn.execute("SET ROLE kassa_owner")
        assert refused(conn, "COPY (SELECT 1) TO PROGRAM 'true'")


def test_the_worker_reads_and_writes_no_table(settings, db, worker):
    tables = [row["name"] for row in db.execute(
        "SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname IN ('kassa', 'audit') AND c.relkind IN ('r', 'p') ORDER BY 1")]
    assert {"kassa.payment_method_secrets", "kassa.billing_accounts", "kassa.job_runs", "audit.log"} <= set(tables)
    for table in tables:
        assert refused(worker, f"SELECT * FROM {table} LIMIT 1"), table
        assert refused(worker, f"DELETE FROM {table}"), table
    assert worker.execute("SELECT rolbypassrls FROM pg_roles WHERE rolname = current_user").fetchone() == (False,)


def test_the_worker_runs_its_listed_functions_only(db, worker, tenant, customer):
    assert refused(worker, "SELECT internal.payment_method_details(gen_random_uuid(), gen_random_uuid())")
    assert refused(worker, f"SELECT internal.post_entry('{tenant['id']}', '{customer['id']}', 'adjustment', 100, 'x', 'y')")
    assert worker.execute("SELECT customer_id, balance, currency FROM"
                          " internal.balances_changed_since(ARRAY[%s]::uuid[], ARRAY['-infinity']::timestamptz[])",
                          [tenant["id"]]).fetchall() == [(customer["id"], 0, tenant["currency"])]
