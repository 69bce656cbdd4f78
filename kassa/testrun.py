"""`make test`: every test on a throw-away database, then nothing left behind.

A temporary home under .kassa/ gets its own embedded cluster on free ports (or, with
KASSA_DATABASE_URL, a temporary database on that server). Kassa is deployed there, pgTAP runs
through pg_prove, then pytest, whose fixtures start PostgREST and the bridges on that home.
Benchmarks use the same throw-away stack.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import psycopg
from psycopg import sql

from kassa import config, deploy, services
from kassa.cluster import Cluster
from kassa.config import ROOT, with_database


@contextlib.contextmanager
def throwaway(prefix: str = "test-") -> Iterator[config.Settings]:
    """A deployed, empty Kassa database in a temporary home; removed on exit."""
    (ROOT / ".kassa").mkdir(exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix=prefix, dir=ROOT / ".kassa"))
    home.chmod(0o755)
    external = os.environ.get("KASSA_DATABASE_URL")
    test_db = f"kassa_{prefix.strip('-')}_{os.getpid()}"
    settings = config.new_settings(home, with_database(external, test_db) if external else None,
                                   default_ports=False)
    settings.save()
    cluster = Cluster(home, settings.ports["postgres"], settings.superuser_password)
    try:
        if settings.embedded:
            cluster.start(fast=True)
        deploy.ensure_database(settings)
        deploy.deploy(settings)
        yield settings
    finally:
        # Whatever a crashed or interrupted pytest left running on this home goes first.
        services.stop_all(settings, services.stack(settings))
        if settings.embedded:
            cluster.stop()
            cluster.remove()
        else:
            with psycopg.connect(with_database(external, "postgres"), autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(test_db)))
        shutil.rmtree(home, ignore_errors=True)


def run_pgtap(settings: config.Settings, only: list[str] | None = None) -> int:
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pgtap")
        conn.execute("CREATE EXTENSION IF NOT EXISTS plpgsql_check")
    tests = only or sorted(str(p.relative_to(ROOT)) for p in (ROOT / "db" / "tests").glob("*.sql"))
    return subprocess.run(["pg_prove", "--dbname", settings.database_url, "--failures", *tests],
                          cwd=ROOT).returncode


def run_pytest(settings: config.Settings, pytest_args: list[str]) -> int:
    env = {**os.environ, "KASSA_TEST_HOME": settings.home}
    env.pop("KASSA_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "pytest", *pytest_args], cwd=ROOT, env=env).returncode


def main(pytest_args: list[str]) -> int:
    """No arguments: pgTAP then all of pytest. With arguments: only pytest, with those.
    `--pgtap [FILE …]`: only pgTAP, all files or those named (paths from the repository root)."""
    if pytest_args[:1] == ["--pgtap"]:
        with throwaway() as settings:
            return 1 if run_pgtap(settings, pytest_args[1:]) else 0
    with throwaway() as settings:
        pgtap = 0
        if pytest_args:
            print("kassa test: pgTAP skipped because pytest arguments were given")
        else:
            pgtap = run_pgtap(settings)
            if pgtap:
                print("kassa test: pgTAP FAILED (see above); running pytest all the same")
        pytest = run_pytest(settings, pytest_args)
        return 1 if pgtap or pytest else 0
