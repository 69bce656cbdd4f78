"""One deploy command: the shape (Sqitch migrations), then the behaviour (db/functions).

1. When migrations are pending, the stateless `api` schema is dropped first so no view stands
   in a migration's way.
2. `sqitch deploy` (each change verified); what the migrations created is handed to the
   owner role `kassa_owner` (NOLOGIN, not a superuser), which owns every Kassa object.
3. Every file of db/functions, in file-name order, in one transaction, as `kassa_owner`, after
   dropping the behaviour schemas `api` and `internal` (no data lives there; the triggers and
   policies that use them are recreated by the same files): either the whole new behaviour is
   live or none of it, and a function removed from the source is gone. Security definer
   functions thus run as `kassa_owner`, never as a superuser.
4. Login passwords of the API and worker roles are set; PostgREST reloads its schema cache.

Deploying twice changes nothing. `revert` drops `api` and `internal` (behaviour only; they
are rebuilt by the next deploy) before `sqitch revert`.
"""
from __future__ import annotations

import os
import subprocess

import psycopg
from psycopg import sql

from kassa.config import ROOT, Settings, with_database

FUNCTIONS = ROOT / "db" / "functions"
OWNER = "kassa_owner"  # owns every Kassa object; created by the owner_role migration


def _sqitch(settings: Settings, *args: str) -> subprocess.CompletedProcess:
    target = "db:" + settings.database_url.replace("postgresql://", "pg://", 1)
    env = {**os.environ, "SQITCH_FULLNAME": "Kassa deploy", "SQITCH_EMAIL": "deploy@kassa.invalid"}
    result = subprocess.run(["sqitch", "--chdir", str(ROOT), *args, "--target", target],
                            capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"sqitch {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def planned_changes() -> list[str]:
    names = []
    for line in (ROOT / "sqitch.plan").read_text().splitlines():
        if line.strip() and not line.startswith(("%", "#", "@")):
            names.append(line.split()[0])
    return names


def deployed_changes(conn: psycopg.Connection) -> list[str]:
    exists = conn.execute("SELECT to_regclass('sqitch.changes') IS NOT NULL").fetchone()[0]
    if not exists:
        return []
    return [r[0] for r in conn.execute(
        "SELECT change FROM sqitch.changes WHERE project = 'kassa' ORDER BY committed_at")]


def ensure_database(settings: Settings) -> None:
    """The embedded cluster starts with only `postgres`; create the Kassa database once."""
    dbname = psycopg.conninfo.conninfo_to_dict(settings.database_url)["dbname"]
    with psycopg.connect(with_database(settings.database_url, "postgres"), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))


def apply_functions(conn: psycopg.Connection) -> None:
    with conn.transaction():
        # Both behaviour schemas are rebuilt whole, so a function removed from db/functions is
        # gone after the next deploy (with it go the triggers and policies that the files
        # recreate in this same transaction).
        conn.execute("DROP SCHEMA IF EXISTS api CASCADE")
        conn.execute("DROP SCHEMA IF EXISTS internal CASCADE")
        conn.execute(f"SET LOCAL ROLE {OWNER}")
        for path in sorted(FUNCTIONS.glob("*.sql")):
            try:
                conn.execute(path.read_text())
            except psycopg.Error as error:
                raise RuntimeError(f"{path.relative_to(ROOT)}: {error}") from error


def set_role_passwords(conn: psycopg.Connection, settings: Settings) -> None:
    for role, password in (("authenticator", settings.authenticator_password),
                           ("kassa_worker", settings.worker_password)):
        conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(sql.Identifier(role), sql.Literal(password)))


def deploy(settings: Settings) -> None:
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        if set(planned_changes()) - set(deployed_changes(conn)):
            conn.execute("DROP SCHEMA IF EXISTS api CASCADE")
        _sqitch(settings, "deploy")
        conn.execute("SELECT kassa.hand_over_objects(%s)", [OWNER])
        apply_functions(conn)
        set_role_passwords(conn, settings)


def revert(settings: Settings, to: str | None = None) -> None:
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA IF EXISTS api CASCADE")
        conn.execute("DROP SCHEMA IF EXISTS internal CASCADE")
    _sqitch(settings, "revert", "-y", *([to] if to else []))


def verify(settings: Settings) -> str:
    return _sqitch(settings, "verify").stdout
