"""`kassa`: the one command for operators and developers. See `kassa --help`."""
from __future__ import annotations

import argparse
import email
import email.policy
import json
import os
import subprocess
import sys
import urllib.request
import uuid
from datetime import date
from pathlib import Path

from kassa import config, demo, keys, stack
from kassa.tokens import MAX_LIFETIME_S, make_token

def print_summary(settings: config.Settings) -> None:
    print(f"Kassa is up ({'embedded PostgreSQL in ' + settings.home if settings.embedded else 'external PostgreSQL'})")
    print(f"  PostgreSQL  {settings.database_url}")
    print(f"  PostgREST   {settings.postgrest_url}")
    print(f"  bridge      {settings.bridge_url}")
    print(f"  SSE         {settings.sse_url}")
    print(f"  portal      {settings.portal_url}  (demo login: {demo.PORTAL_LOGIN['tenant']} / "
          f"{demo.PORTAL_LOGIN['email']} / {demo.PORTAL_LOGIN['password']})")
    print(f"  logs        {Path(settings.home) / 'logs'}")
    if settings.smtp_local:
        print("  mail        caught by the local SMTP sink: `.venv/bin/kassa mail` lists it")
    if settings.bulksms_local:
        print("  SMS         caught by the local BulkSMS stand-in: `.venv/bin/kassa sms` lists them")
    print("Demo tokens (valid 24 hours; `make up` again prints fresh ones):")
    for label, (tenant, customer, customer_label) in demo.TOKENS.items():
        print(f"  {label} staff:    {make_token(settings.jwt_secret, 'staff', tenant, ttl=MAX_LIFETIME_S, sub='demo-staff')}")
        print(f"  {label} customer: {make_token(settings.jwt_secret, 'customer', tenant, customer, ttl=MAX_LIFETIME_S)}"
              f"  ({customer_label})")
    print(f"Try: curl -H \"Authorization: Bearer $TOKEN\" {settings.postgrest_url}/customers")
    print(f"     curl -H \"Authorization: Bearer $TOKEN\" -o invoice.pdf {settings.bridge_url}/documents/invoices/<id>.pdf"
          "  (docs/documents.md, \"Try it\")")
    if token := demo_payment_link(settings):
        print(f"Pay a demo invoice of Samarkand Tours (Stripe or OCTO; local stand-ins without credentials):\n"
              f"  {settings.bridge_url}/pay/{token}")


def demo_payment_link(settings: config.Settings) -> str | None:
    """The token of a new payment link to the demo tenant's open invoice (a link's token is shown
    once, so each summary makes one); None without demo data or once the invoice is paid."""
    import psycopg
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT l.token FROM kassa.invoices i,"
            " internal.create_payment_links(i.tenant_id, ARRAY[i.id], 'demo:make-up:summary') l"
            " WHERE i.tenant_id = %s AND i.status IN ('finalised', 'partially_paid', 'overdue') AND i.amount_due > 0"
            " LIMIT 1", [demo.SAMARKAND_TOURS]).fetchone()
    return row[0] if row else None


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
        rows.append(("postgres", pid := cluster.pid(), settings.ports["postgres"], bool(pid) and cluster.healthy()))
    for service in stack.services(settings):  # a port answered by what a dead process left is DOWN
        rows.append((service.name, pid := service.pid(home), service.port, bool(pid) and service.healthy()))
    for name, pid, port, healthy in rows:
        print(f"{name:12} pid {pid or '-':>7}  port {port:>5}  {'healthy' if healthy else 'DOWN'}")
    print_job_status(settings)
    return 0 if all(r[3] for r in rows) else 1


def print_job_status(settings) -> None:
    """Each scheduled job: its last run and outcome (the job log) and its next run (the scheduler)."""
    import psycopg
    from jobs import scheduler
    try:
        with urllib.request.urlopen(settings.scheduler_url + "/health", timeout=2) as response:
            planned = json.load(response)["jobs"]
    except (OSError, ValueError):
        planned = {}
    try:
        with psycopg.connect(settings.database_url, connect_timeout=3) as conn:
            last = {job: rest for job, *rest in conn.execute(
                "SELECT DISTINCT ON (job) job, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'),"
                " status, tenant_id FROM kassa.job_runs ORDER BY job, id DESC")}
    except psycopg.Error:
        return
    print(f"\n{'job':16} {'last run (UTC)':17} {'outcome':10} {'next run (UTC)':17} schedule")
    for job in sorted(set(scheduler.DEFAULTS) | set(last)):
        started, outcome, tenant = last.get(job, ("-", "-", None))
        plan = planned.get(job)
        upcoming = plan["next"][:16].replace("T", " ") if plan and plan["next"] else "-"
        schedule = f"{plan['schedule']}{' tenant-local' if plan['per_tenant'] else ''}" if plan else "off"
        print(f"{job:16} {started:17} {outcome:10} {upcoming:17} {schedule}" + (f"  (last: tenant {tenant})" if tenant else ""))


def cmd_env(args, settings):
    if args.json:
        print(json.dumps(settings.public()))
    else:
        for key, value in settings.environment().items():
            print(f"export {key}='{value}'")


def cmd_mail(args, settings):
    """The mail the local SMTP sink caught: a numbered list, oldest first, or one message."""
    if not settings.smtp_local:
        print(f"kassa mail: mail goes to {settings.smtp_host}:{settings.smtp_port}; the local sink catches "
              "mail only while no SMTP host is configured (docs/messages.md)", file=sys.stderr)
        return 1
    caught = sorted(settings.caught_mail.glob("*.eml"))
    if args.number is None:
        if not caught:
            print(f"no mail caught yet (in {settings.caught_mail})")
        for number, path in enumerate(caught, 1):
            mail = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            print(f"{number:5}  {mail['Date']}  {mail['To']}  {mail['Subject']}")
        return 0
    if not 1 <= args.number <= len(caught):
        print(f"kassa mail: no caught message {args.number}; `kassa mail` lists the {len(caught)} there are",
              file=sys.stderr)
        return 1
    mail = email.message_from_bytes(caught[args.number - 1].read_bytes(), policy=email.policy.default)
    for header in ("From", "To", "Subject", "Date", "Message-ID", "X-Kassa-Event-Id"):
        print(f"{header}: {mail[header]}")
    print(f"File: {caught[args.number - 1]}\n")
    print(mail.get_body(preferencelist=("plain",)).get_content(), end="")
    return 0


def cmd_sms(args, settings):
    """The SMS the local BulkSMS stand-in caught, oldest first: recipient, parts, encoding, text."""
    if not settings.bulksms_local:
        print(f"kassa sms: SMS go to {settings.bulksms_api_base}; the local stand-in catches them only while "
              "no BulkSMS credentials are configured (docs/messages.md)", file=sys.stderr)
        return 1
    try:
        with urllib.request.urlopen(f"{settings.bulksms_fake_url}/_fake/messages", timeout=10) as answer:
            caught = json.load(answer)
    except OSError as error:
        print(f"kassa sms: the BulkSMS stand-in does not answer ({error}); is the stack up?", file=sys.stderr)
        return 1
    if not caught:
        print("no SMS caught yet")
    for number, sms in enumerate(caught, 1):
        print(f"{number:5}  {sms['submission']['date']}  {sms['to']}  {sms['numberOfParts']} part(s) {sms['encoding']}"
              f"  {sms['body']}")
    return 0


def cmd_token(args, settings):
    try:
        tenant = str(uuid.UUID(args.tenant))
        staff_user = staff_user_of(settings, tenant, args.staff_user) if args.staff_user else None
        print(make_token(settings.jwt_secret, args.role, args.tenant, args.customer, args.ttl, staff_user=staff_user))
    except ValueError as error:
        sys.exit(f"kassa token: {error}")


def staff_user_of(settings, tenant, staff_user) -> tuple[str, str]:
    """The (id, role) of an active staff user of the tenant, for their token."""
    import psycopg
    with psycopg.connect(settings.database_url) as conn:
        row = conn.execute("SELECT id::text, role FROM kassa.staff_users"
                           " WHERE tenant_id = %s AND id = %s AND status = 'active'", [tenant, staff_user]).fetchone()
    if row is None:
        raise ValueError(f"no active staff user {staff_user} in tenant {tenant} (`kassa staff list --tenant`)")
    return row


STAFF_COMMANDS = {  # kassa staff …: the SQL, run as the owner (triggers and the audit apply)
    "add": "SELECT id, email, name, role, status FROM internal.add_staff_user(%(tenant)s, %(email)s, %(name)s, %(role)s)",
    "list": "SELECT id, email, name, role, status FROM kassa.staff_users WHERE tenant_id = %(tenant)s ORDER BY email",
    "set-role": "UPDATE kassa.staff_users SET role = %(role)s WHERE tenant_id = %(tenant)s AND id = %(staff_user)s"
                " RETURNING id, email, name, role, status",
    "disable": "UPDATE kassa.staff_users SET status = 'disabled' WHERE tenant_id = %(tenant)s AND id = %(staff_user)s"
               " RETURNING id, email, name, role, status",
}


def cmd_staff(args, settings):
    """A tenant's staff users: add, list, change a role, disable; a refusal is one line."""
    import psycopg
    try:
        with psycopg.connect(settings.database_url) as conn:
            rows = conn.execute(STAFF_COMMANDS[args.staff_command], vars(args)).fetchall()
    except psycopg.errors.UniqueViolation:
        sys.exit(f"kassa staff add: the tenant already has a staff user {args.email}")
    except psycopg.errors.ForeignKeyViolation:
        sys.exit(f"kassa staff add: no tenant {args.tenant}")
    except psycopg.errors.DatabaseError as error:  # a check constraint, or a business code P0…
        sys.exit(f"kassa staff {args.staff_command}: {error.diag.message_primary}"
                 + (f" ({error.diag.message_hint})" if error.diag.message_hint else ""))
    if not rows and args.staff_command != "list":
        sys.exit(f"kassa staff {args.staff_command}: no staff user {args.staff_user} in tenant {args.tenant}")
    for staff_user, email, name, role, status in rows:
        print(f"{staff_user!s:36}  {role:8} {status:9} {email}  {name}")


def cmd_payment_key(args, settings):
    count = keys.rotate_payment_key(settings, args.new_key, args.old_key)
    print(f"re-encrypted {count} payment-method secrets under the new key")
    print_restarted(keys.restart_services(settings))


def cmd_jwt_key(args, settings):
    if args.jwt_command == "list":
        for key in keys.jwt_key_list(settings):
            print(f"{key['kid']}  " + ("signs new tokens" if key["signs"] else f"accepted until {key['accepted_until']}"))
        return
    if os.environ.get("KASSA_JWT_SECRET"):
        raise RuntimeError("KASSA_JWT_SECRET is set in the environment and wins over state.json, so a rotation "
                           "would not take effect; fix: unset it (the key set lives in state.json)")
    if args.jwt_command == "rotate":
        rotated = keys.rotate_jwt_secret(settings, args.overlap_hours)
        print(f"new signing key {rotated['kid']}; {rotated['previous_kid']} is accepted until {rotated['previous_until']}")
    else:
        retired = keys.retire_keys(settings, every=args.all)
        print(f"retired {', '.join(retired) if retired else 'no key'}")
        if not retired:
            return
    print_restarted(keys.restart_services(settings))


def print_restarted(names: list[str]) -> None:
    print(f"restarted {', '.join(names)}" if names else "no service was running; `kassa up` starts them with the new key")


def cmd_db(args, settings):
    from kassa import deploy
    if args.action == "deploy":
        deploy.deploy(settings)
    elif args.action == "revert":
        deploy.revert(settings, args.to)
    else:
        print(deploy.verify(settings), end="")


def cmd_schema(args, settings):
    from kassa import schema
    print("kassa schema: wrote", schema.write().relative_to(config.ROOT))


def cmd_psql(args, settings):
    os.execvp("psql", ["psql", settings.database_url, *args.psql_args])


def cmd_jobs(args, settings):
    from jobs import runner
    from jobs.config import JobConfig
    tenant = str(args.tenant) if args.tenant else None
    config = JobConfig.from_environment({**os.environ, **settings.environment()})
    try:
        status, outcome = runner.run(args.name, args.as_of, settings.worker_url, config, tenant=tenant)
    except (KeyError, runner.UnknownTenant) as error:
        sys.exit(f"kassa jobs run: {error.args[0]}")
    print(json.dumps(runner.summary(args.name, tenant, args.as_of, status, outcome)))
    return 1 if status == "failed" else 0


TENANT_OPTIONS = ("name", "prices_include_vat", "account_number_format", "invoice_number_format",
                  "credit_note_number_format", "street", "postcode", "city", "vat_number", "tax_number")


def cmd_tenant(args, settings):
    """Tenants through internal.create_tenant / list_tenants / set_tenant_status /
    set_tenant_smtp_profile / set_tenant_signup_mode, as the owner."""
    import psycopg
    from psycopg import sql
    from psycopg.types.json import Jsonb

    if args.tenant_command == "create" and not 0 < args.token_ttl <= MAX_LIFETIME_S:
        sys.exit(f"kassa tenant create: --token-ttl must be between 1 and {MAX_LIFETIME_S} seconds")
    try:
        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            if args.tenant_command == "create":
                # Options not given are left to the function's defaults (named arguments).
                optional = {f"p_{key}": value for key in TENANT_OPTIONS if (value := getattr(args, key)) is not None}
                call = sql.SQL("SELECT internal.create_tenant(%(slug)s, %(legal_name)s, %(country)s, %(currency)s,"
                               " %(timezone)s, %(vat)s{})").format(sql.SQL("").join(
                                   sql.SQL(", {} => {}").format(sql.Identifier(k), sql.Placeholder(k)) for k in optional))
                tenant = conn.execute(call, {**vars(args), "vat": Jsonb(dict(args.vat)), **optional}).fetchone()[0]
                print(f"id           {tenant}")
                print(f"staff token  {make_token(settings.jwt_secret, 'staff', tenant, ttl=args.token_ttl, sub='kassa-cli:staff')}")
            elif args.tenant_command == "list":
                print(f"{'slug':24} {'id':36} {'country':7} {'currency':8} {'timezone':22} status")
                for tenant, slug, _, country, currency, zone, status, _ in conn.execute(
                        "SELECT * FROM internal.list_tenants()"):
                    print(f"{slug:24} {tenant!s:36} {country:7} {currency:8} {zone:22} {status}")
            elif args.tenant_command == "smtp-profile":
                slug, profile = conn.execute("SELECT slug, smtp_profile FROM internal.set_tenant_smtp_profile(%s, %s)",
                                             [args.tenant, args.profile]).fetchone()
                print(f"tenant {slug} sends mail through "
                      + (f"SMTP profile {profile}" if profile else "the platform's SMTP settings"))
            elif args.tenant_command == "signup-mode":
                slug, mode = conn.execute("SELECT slug, signup_mode FROM internal.set_tenant_signup_mode(%s, %s)",
                                          [args.tenant, args.mode]).fetchone()
                print(f"tenant {slug} takes sign-ups: {mode}")
            else:
                status = "suspended" if args.tenant_command == "suspend" else "active"
                slug, status = conn.execute("SELECT slug, status FROM internal.set_tenant_status(%s, %s)",
                                            [args.tenant, status]).fetchone()
                print(f"tenant {slug} is {status}")
    except psycopg.errors.RaiseException as error:  # the business codes P0…: one clear line
        sys.exit(f"kassa tenant {args.tenant_command}: {error.diag.message_primary}"
                 + (f" ({error.diag.message_hint})" if error.diag.message_hint else ""))
    except psycopg.Error as error:
        sys.exit(f"kassa tenant {args.tenant_command}: {error.diag.message_primary or error}")


# What `kassa export` writes: the SQL of the API's exports (db/functions/390_exports.sql), run
# as the owner for the tenant named; the CSV kinds as UTF-8, the DATEV batch as Windows-1252.
EXPORTS = {kind: f"SELECT convert_to(internal.csv(ARRAY(SELECT e FROM internal.export_{kind}(%s, %s, %s) e)), 'UTF8')"
           for kind in ("invoices", "credit_notes", "payments", "ledger")}
EXPORTS["datev"] = "SELECT convert_to(internal.datev_batch(%s, %s, %s), 'WIN1252')"


def cmd_export(args, settings):
    """One export of a tenant's period, to a file or standard output; a refusal is one line."""
    import psycopg
    try:
        with psycopg.connect(settings.database_url) as conn:
            document = conn.execute(EXPORTS[args.kind], [args.tenant, args.from_, args.to]).fetchone()[0]
    except psycopg.errors.DatabaseError as error:  # a refusal P0G… names its code and what to do
        if not (error.diag.sqlstate or "").startswith("P0"):
            raise
        sys.exit(f"kassa export {args.kind}: {error.diag.message_primary} ({error.diag.sqlstate})"
                 + (f"; {error.diag.message_hint}" if error.diag.message_hint else ""))
    if args.output:
        Path(args.output).write_bytes(document)
        print(f"kassa export {args.kind}: wrote {args.output} ({len(document)} bytes)", file=sys.stderr)
    else:
        sys.stdout.buffer.write(document)


def cmd_import(args, settings):
    """A legacy system's rows (docs/import.md); a file that cannot be imported at all is one line."""
    from kassa import legacy_import
    try:
        return legacy_import.main(settings, args.kind, args.file, str(args.tenant), args.dry_run, args.skip_invalid,
                                  args.report)
    except legacy_import.ImportRefused as error:
        sys.exit(f"kassa import {args.kind}: {error}")


def vat_rate(text: str) -> tuple[str, str]:
    category, equals, rate = text.partition("=")
    if not equals:
        raise argparse.ArgumentTypeError(f"not CATEGORY=RATE: {text!r}")
    return category, rate


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
    sub.add_parser("status", help="each process with pid, port and health; each job's last and next run").set_defaults(func=cmd_status)
    env = sub.add_parser("env", help="connection details and secrets")
    env.add_argument("--json", action="store_true")
    env.set_defaults(func=cmd_env)
    mail = sub.add_parser("mail", help="the mail the local SMTP sink caught (no SMTP host configured)")
    mail.add_argument("number", nargs="?", type=int, help="show this message of the list (default: list them)")
    mail.set_defaults(func=cmd_mail)
    sub.add_parser("sms", help="the SMS the local BulkSMS stand-in caught (no BulkSMS credentials configured)"
                   ).set_defaults(func=cmd_sms)
    token = sub.add_parser("token", help="print a signed JWT")
    token.add_argument("--role", required=True, choices=["customer", "staff"])
    token.add_argument("--tenant", required=True)
    token.add_argument("--customer")
    token.add_argument("--ttl", type=int, default=3600, help="seconds (default 3600)")
    token.add_argument("--staff-user", type=parse_uuid, help="a staff token of this staff user, with their role")
    token.set_defaults(func=cmd_token)
    staff = sub.add_parser("staff", help="a tenant's staff users and their roles (admin, billing, support, viewer)")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    for name, text in (("add", "a new staff user; prints their id"), ("list", "the tenant's staff users"),
                       ("set-role", "change a staff user's role (their tokens end at once)"),
                       ("disable", "disable a staff user (their tokens end at once)")):
        command = staff_sub.add_parser(name, help=text)
        command.add_argument("--tenant", required=True, type=parse_uuid, help="the tenant's id")
        if name in ("set-role", "disable"):
            command.add_argument("staff_user", type=parse_uuid, metavar="STAFF_USER_ID")
        if name == "add":
            command.add_argument("--email", required=True)
            command.add_argument("--name", required=True)
        if name in ("add", "set-role"):
            command.add_argument("--role", required=True, choices=["admin", "billing", "support", "viewer"])
    staff.set_defaults(func=cmd_staff)
    payment_key = sub.add_parser("payment-key", help="rotate the key that encrypts stored payment-method details")
    payment_key_sub = payment_key.add_subparsers(dest="payment_key_command", required=True)
    rotate = payment_key_sub.add_parser("rotate", help="re-encrypt every stored secret under a new key, then restart the services")
    rotate.add_argument("--new-key", help="the new key, at least 16 characters (default: 32 random bytes, hex)")
    rotate.add_argument("--old-key", help="the key the secrets are stored under (default: the configured key)")
    payment_key.set_defaults(func=cmd_payment_key)
    jwt_key = sub.add_parser("jwt-key", help="rotate the key that signs API tokens, with an overlap")
    jwt_key_sub = jwt_key.add_subparsers(dest="jwt_command", required=True)
    rotate = jwt_key_sub.add_parser("rotate", help="a new signing key; the current one stays accepted for the overlap")
    rotate.add_argument("--overlap-hours", type=float, default=keys.DEFAULT_OVERLAP_HOURS,
                        help=f"how long tokens signed with the current key stay valid (default {keys.DEFAULT_OVERLAP_HOURS}, at least 24)")
    retire = jwt_key_sub.add_parser("retire", help="stop accepting previous keys whose overlap has ended")
    retire.add_argument("--all", action="store_true", help="every previous key, now (after a leak)")
    jwt_key_sub.add_parser("list", help="the accepted keys: kid, and until when")
    jwt_key.set_defaults(func=cmd_jwt_key)
    db = sub.add_parser("db", help="deploy, revert or verify the database")
    db.add_argument("action", choices=["deploy", "revert", "verify"])
    db.add_argument("--to", help="revert: the change to revert to (default: everything)")
    db.set_defaults(func=cmd_db)
    sub.add_parser("schema", help="write db/schema.sql: the schema dump of a fresh deploy").set_defaults(func=cmd_schema)
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
    tenant = sub.add_parser("tenant", help="create, list, suspend and resume tenants")
    tenant_sub = tenant.add_subparsers(dest="tenant_command", required=True)
    create = tenant_sub.add_parser("create", help="a new tenant; prints its id and a staff token")
    create.add_argument("slug", help="short unique name: lower-case letters, digits, '-'")
    create.add_argument("--legal-name", required=True)
    create.add_argument("--name", help="display name (default: the legal name)")
    create.add_argument("--country", required=True, help="ISO 3166 code, e.g. ZA")
    create.add_argument("--currency", required=True, help="ISO 4217 code, e.g. ZAR")
    create.add_argument("--timezone", required=True, help="IANA name, e.g. Africa/Johannesburg")
    create.add_argument("--vat", type=vat_rate, action="append", required=True, metavar="CATEGORY=RATE",
                        help="a VAT rate in percent, e.g. standard=15 (repeat for more)")
    create.add_argument("--prices-include-vat", action="store_true", default=None)
    for document, example in (("account", "CT"), ("invoice", "INV"), ("credit-note", "CN")):
        create.add_argument(f"--{document}-number-format", help=f"with a counter {{N…}} (default {example}-{{YYYY}}-{{NNNNN}})")
    # What its invoices must name (docs/documents.md); staff can PATCH /tenants them later too.
    for part, text in (("street", "street and number"), ("postcode", "postal code"), ("city", "city"),
                       ("vat-number", "VAT number (USt-IdNr.)"), ("tax-number", "German Steuernummer")):
        create.add_argument(f"--{part}", help=f"the tenant's {text}, printed on its documents")
    create.add_argument("--token-ttl", type=int, default=3600, help="staff token lifetime in seconds (default 3600)")
    tenant_sub.add_parser("list", help="every tenant with its status")
    for action, text in (("suspend", "refuse the tenant's tokens, end its streams, run none of its jobs"),
                         ("resume", "make a suspended tenant active again")):
        tenant_sub.add_parser(action, help=text).add_argument("tenant", metavar="SLUG|ID")
    smtp_profile = tenant_sub.add_parser("smtp-profile", help="the SMTP profile (KASSA_SMTP_PROFILES) the tenant's "
                                                              "mail goes out through")
    smtp_profile.add_argument("tenant", metavar="SLUG|ID")
    smtp_profile.add_argument("profile", nargs="?", help="a profile's name (none: the platform's SMTP settings)")
    signup_mode = tenant_sub.add_parser("signup-mode", help="who may sign up at the tenant's login (docs/portal.md)")
    signup_mode.add_argument("tenant", metavar="SLUG|ID")
    signup_mode.add_argument("mode", choices=("open", "invitation", "off"),
                             help="open: anyone; invitation: the addresses of existing customers; off: nobody")
    tenant.set_defaults(func=cmd_tenant)
    export = sub.add_parser("export", help="a tenant's invoices, credit notes, payments, ledger (CSV) or DATEV batch"
                            " for a period of its calendar (docs/exports.md)")
    export.add_argument("kind", choices=list(EXPORTS))
    export.add_argument("--tenant", required=True, type=parse_uuid, help="the tenant's id")
    export.add_argument("--from", dest="from_", required=True, type=parse_date, metavar="YYYY-MM-DD", help="first day")
    export.add_argument("--to", required=True, type=parse_date, metavar="YYYY-MM-DD", help="last day")
    export.add_argument("--output", help="write to this file (default: standard output)")
    export.set_defaults(func=cmd_export)
    imports = sub.add_parser("import", help="a legacy system's customers, services, opening balances, open invoices"
                             " or debit-order mandates from CSV, checked first (docs/import.md)")
    imports.add_argument("kind", choices=["customers", "services", "balances", "invoices", "mandates"])
    imports.add_argument("file", metavar="FILE.csv")
    imports.add_argument("--tenant", required=True, type=parse_uuid, help="the tenant's id")
    imports.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")
    imports.add_argument("--skip-invalid", action="store_true",
                         help="import the valid rows and report the others (default: nothing unless every row is valid)")
    imports.add_argument("--report", metavar="REPORT.csv",
                         help="where the report of rejected and skipped rows goes (default: FILE.report.csv)")
    imports.set_defaults(func=cmd_import)
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
