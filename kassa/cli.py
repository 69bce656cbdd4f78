"""`kassa`: the one command for operators and developers. See `kassa --help`."""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

from kassa import config, stack
from kassa.tokens import MAX_LIFETIME_S, make_token

DEMO = {
    "Lekker Fibre (ZA)": ("11111111-1111-4111-8111-111111111111", "a1111111-0000-4000-8000-000000000001"),
    "Rheinwelle Telekom (DE)": ("22222222-2222-4222-8222-222222222222", "b2222222-0000-4000-8000-000000000001"),
}


def print_summary(settings: config.Settings) -> None:
    print(f"Kassa is up ({'embedded PostgreSQL in ' + settings.home if settings.embedded else 'external PostgreSQL'})")
    print(f"  PostgreSQL  {settings.database_url}")
    print(f"  PostgREST   {settings.postgrest_url}")
    print(f"  bridge      {settings.bridge_url}")
    print(f"  SSE         {settings.sse_url}")
    print(f"  logs        {Path(settings.home) / 'logs'}")
    print("Demo tokens (valid 24 hours; `make up` again prints fresh ones):")
    for label, (tenant, customer) in DEMO.items():
        print(f"  {label} staff:    {make_token(settings.jwt_secret, 'staff', tenant, ttl=MAX_LIFETIME_S, sub='demo-staff')}")
        print(f"  {label} customer: {make_token(settings.jwt_secret, 'customer', tenant, customer, ttl=MAX_LIFETIME_S)}")
    print(f"Try: curl -H \"Authorization: Bearer $TOKEN\" {settings.postgrest_url}/customers")


def cmd_up(args, settings):
    if stack.running(settings):
        print_summary(settings)
        return
    stack.up(settings, demo=not args.no_demo)
    print_summary(settings)


def cmd_down(args, settings):
    stack.down(settings)
    print("Kassa stopped; data stays in", settings.home)


def cmd_status(args, settings):
    home = Path(settings.home)
    rows = []
    if settings.embedded:
        cluster = stack.cluster(settings)
        rows.append(("postgres", cluster.pid(), settings.ports["postgres"], cluster.healthy()))
    for service in stack.services(settings):
        rows.append((service.name, service.pid(home), service.port, service.healthy()))
    for name, pid, port, healthy in rows:
        print(f"{name:10} pid {pid or '-':>7}  port {port:>5}  {'healthy' if healthy else 'DOWN'}")
    return 0 if all(r[3] for r in rows) else 1


def cmd_env(args, settings):
    if args.json:
        print(json.dumps(settings.public()))
    else:
        for key, value in settings.environment().items():
            print(f"export {key}='{value}'")


def cmd_token(args, settings):
    try:
        print(make_token(settings.jwt_secret, args.role, args.tenant, args.customer, args.ttl))
    except ValueError as error:
        sys.exit(f"kassa token: {error}")


def cmd_db(args, settings):
    from kassa import deploy
    if args.action == "deploy":
        deploy.deploy(settings)
    elif args.action == "revert":
        deploy.revert(settings, args.to)
    else:
        print(deploy.verify(settings), end="")


def cmd_psql(args, settings):
    os.execvp("psql", ["psql", settings.database_url, *args.psql_args])


def cmd_jobs(args, settings):
    from jobs import runner
    tenant = str(args.tenant) if args.tenant else None
    try:
        status, outcome = runner.run(args.name, args.as_of, settings.worker_url, tenant=tenant)
    except (KeyError, runner.UnknownTenant) as error:
        sys.exit(f"kassa jobs run: {error.args[0]}")
    # The job's own counts (invoice-run: invoices, charges, credit_notes, failures per tenant)
    # follow the common ones; the traceback of a crash stays in the job log.
    detail = {key: value for key, value in outcome.detail.items() if key != "traceback"}
    print(json.dumps({"job": args.name, "tenant": tenant, "as_of": args.as_of and args.as_of.isoformat(),
                      "status": status, "processed": outcome.processed, "skipped": outcome.skipped,
                      "failed": outcome.failed, **detail, "errors": outcome.errors}))
    return 1 if status == "failed" else 0


def cmd_test(args, settings):
    from kassa import testrun
    return testrun.main(args.pytest_args)


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}")


def parse_uuid(text: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a UUID: {text!r}")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kassa", description="Kassa billing: stack, database, tokens, jobs")
    sub = p.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start the stack (cluster, deploy, demo data, services)")
    up.add_argument("--no-demo", action="store_true", help="do not load demo data into an empty database")
    up.set_defaults(func=cmd_up)
    sub.add_parser("down", help="stop everything `up` started").set_defaults(func=cmd_down)
    sub.add_parser("status", help="each process with pid, port and health").set_defaults(func=cmd_status)
    env = sub.add_parser("env", help="connection details and secrets")
    env.add_argument("--json", action="store_true")
    env.set_defaults(func=cmd_env)
    token = sub.add_parser("token", help="print a signed JWT")
    token.add_argument("--role", required=True, choices=["customer", "staff"])
    token.add_argument("--tenant", required=True)
    token.add_argument("--customer")
    token.add_argument("--ttl", type=int, default=3600, help="seconds (default 3600)")
    token.set_defaults(func=cmd_token)
    db = sub.add_parser("db", help="deploy, revert or verify the database")
    db.add_argument("action", choices=["deploy", "revert", "verify"])
    db.add_argument("--to", help="revert: the change to revert to (default: everything)")
    db.set_defaults(func=cmd_db)
    psql = sub.add_parser("psql", help="psql on the Kassa database")
    psql.add_argument("psql_args", nargs=argparse.REMAINDER)
    psql.set_defaults(func=cmd_psql)
    jobs = sub.add_parser("jobs", help="scheduled jobs")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True)
    run = jobs_sub.add_parser("run", help="run one job now")
    run.add_argument("name")
    run.add_argument("--as-of", type=parse_date,
                     help="the run date (default: each tenant's own today, in its time zone)")
    run.add_argument("--tenant", type=parse_uuid, help="run for this tenant only (default: every tenant)")
    run.set_defaults(func=cmd_jobs)
    test = sub.add_parser("test", help="run every test on a throw-away database")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER)
    test.set_defaults(func=cmd_test)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # psql and test hand every further argument, options included, to psql / pytest.
    if argv[:1] in (["psql"], ["test"]) and argv[1:2] not in (["-h"], ["--help"]):
        args = argparse.Namespace(command=argv[0], func=cmd_psql if argv[0] == "psql" else cmd_test,
                                  psql_args=argv[1:], pytest_args=argv[1:])
    else:
        args = parser().parse_args(argv)
    settings = config.load()
    try:
        return args.func(args, settings) or 0
    except Exception as error:
        message = explain(error, settings)
        if message is None:
            raise
        print(f"kassa {args.command}: {message}", file=sys.stderr)
        return 1


def explain(error: Exception, settings: config.Settings) -> str | None:
    """What failed and how to fix it, on one line, for the failures a set-up meets (our own
    RuntimeErrors say it themselves); None for anything else, a bug best shown by its traceback."""
    psycopg = sys.modules.get("psycopg")  # loaded only by the commands that use the database
    if isinstance(error, RuntimeError):
        return str(error)
    if isinstance(error, subprocess.CalledProcessError):
        lines = [line.strip() for line in (error.stderr or error.output or "").splitlines() if line.strip()]
        detail = next((line for line in lines if "error:" in line.lower()), lines[-1] if lines else "")
        program = Path(error.cmd[error.cmd.index("--") + 1] if error.cmd[0] == "runuser" else error.cmd[0]).name
        return f"{program} failed (exit status {error.returncode}): {detail}; fix that, then run it again"
    if psycopg and isinstance(error, psycopg.OperationalError):
        where = psycopg.conninfo.conninfo_to_dict(settings.database_url)
        reason = str(error).strip().splitlines()[0]
        fix = (f"see `.venv/bin/kassa status` and {Path(settings.home) / 'logs' / 'postgres.log'}" if settings.embedded
               else "check KASSA_DATABASE_URL and that the server accepts connections from here")
        return f"cannot use PostgreSQL at {where.get('host')}:{where.get('port')}: {reason}; {fix}"
    return None


if __name__ == "__main__":
    sys.exit(main())
