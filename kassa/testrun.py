"""`make test`: every test on a throw-away database, then nothing left behind.

A temporary home under .kassa/ gets its own embedded cluster on free ports (or, with
KASSA_DATABASE_URL, a temporary database on that server). Kassa is deployed there, pgTAP runs
through pg_prove, then pytest, whose fixtures start PostgREST and the bridges on that home.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql

from kassa import config, deploy
from kassa.cluster import Cluster
from kassa.config import ROOT, with_database


def run_pgtap(settings: config.Settings) -> int:
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pgtap")
        conn.execute("CREATE EXTENSION IF NOT EXISTS plpgsql_check")
    tests = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "db" / "tests").glob("*.sql"))
    return subprocess.run(["pg_prove", "--dbname", settings.database_url, "--failures", *tests],
                          cwd=ROOT).returncode


def run_pytest(settings: config.Settings, pytest_args: list[str]) -> int:
    env = {**os.environ, "KASSA_TEST_HOME": settings.home}
    env.pop("KASSA_DATABASE_URL", None)
    code = subprocess.run([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT, env=env).returncode
    return code


def main(pytest_args: list[str]) -> int:
    (ROOT / ".kassa").mkdir(exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="test-", dir=ROOT / ".kassa"))
    home.chmod(0o755)
    external = os.environ.get("KASSA_DATABASE_URL")
    test_db = f"kassa_test_{os.getpid()}"
    settings = config.new_settings(home, with_database(external, test_db) if external else None)
    settings.save()
    cluster = Cluster(home, settings.ports["postgres"], settings.superuser_password)
    try:
        if settings.embedded:
            cluster.start(fast=True)
        deploy.ensure_database(settings)
        deploy.deploy(settings)
        only_pytest = bool(pytest_args)
        pgtap = 0 if only_pytest else run_pgtap(settings)
        pytest = run_pytest(settings, pytest_args)
        print(f"kassa test: pgTAP {'skipped (pytest arguments given)' if only_pytest else ('passed' if pgtap == 0 else 'FAILED')}, "
              f"pytest {'passed' if pytest == 0 else 'FAILED'}")
        return 1 if pgtap or pytest else 0
    finally:
        if settings.embedded:
            cluster.stop()
        else:
            with psycopg.connect(with_database(external, "postgres"), autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(test_db)))
        shutil.rmtree(home, ignore_errors=True)
