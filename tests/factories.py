"""Rows the tests make, as the database owner (the `db` fixture's connection): a tenant with
its standard VAT rate, a customer, an issued invoice, events in the outbox; the mail the local
SMTP sink caught; two waits: a reader of an SSE stream, a
poll until a condition holds; and a bridge of a test's own. Test files import these; the
fixtures in conftest.py use them too. And a scheduled job run in this process, as `kassa jobs
run` runs it (without the seconds a process of its own costs)."""
from __future__ import annotations

import email
import email.policy
import json
import queue
import re
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psycopg
import requests

from jobs import runner
from jobs.config import JobConfig
from kassa import services
from kassa.services import VENV_BIN


def create_tenant(conn, country="ZA", currency="ZAR", vat=15, prices_include_vat=True, **extra) -> dict:
    """A tenant with what its invoices must name (docs/documents.md): an address in parts, a
    VAT number and, in Germany, a Steuernummer."""
    slug = f"t-{uuid.uuid4().hex[:12]}"
    row = conn.execute(
        "INSERT INTO kassa.tenants (slug, name, legal_name, country, currency, prices_include_vat, timezone,"
        "                           street, postcode, city, vat_number, tax_number)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, '1 Test Street', '8001', 'Testville', %s, %s) RETURNING *",
        [slug, f"Tenant {slug}", f"Tenant {slug} Ltd", country, currency, prices_include_vat,
         "Africa/Johannesburg" if country == "ZA" else "Europe/Berlin",
         "DE123456789" if country == "DE" else "4000000000", "30/123/45678" if country == "DE" else None]).fetchone()
    conn.execute("INSERT INTO kassa.vat_rates (tenant_id, category, rate) VALUES (%s, 'standard', %s)",
                 [row["id"], vat])
    for column, value in extra.items():
        conn.execute(psycopg.sql.SQL("UPDATE kassa.tenants SET {} = %s WHERE id = %s").format(
            psycopg.sql.Identifier(column)), [value, row["id"]])
    return conn.execute("SELECT * FROM kassa.tenants WHERE id = %s", [row["id"]]).fetchone()


def create_customer(conn, tenant_id, name="Test Customer", email=None) -> dict:
    """A customer with an address in parts (a full invoice names it), in the tenant's country."""
    return conn.execute(
        "INSERT INTO kassa.customers (tenant_id, name, email, street, postcode, city)"
        " VALUES (%s, %s, %s, '2 Test Road', '8001', 'Testville') RETURNING *",
        [tenant_id, name, email or f"{uuid.uuid4().hex[:10]}@example.com"]).fetchone()


def insert_row(conn, table: str, values: dict) -> dict:
    """One row of a kassa table with these column values; the row written."""
    statement = psycopg.sql.SQL("INSERT INTO kassa.{} ({}) VALUES ({}) RETURNING *").format(
        psycopg.sql.Identifier(table), psycopg.sql.SQL(", ").join(map(psycopg.sql.Identifier, values)),
        psycopg.sql.SQL(", ").join(psycopg.sql.Placeholder() * len(values)))
    return conn.execute(statement, list(values.values())).fetchone()


def create_service(conn, tenant_id, customer_id, price: int = 10000, service: dict | None = None, code: str | None = None,
                   **version) -> dict:
    """A plan of its own (a product, `code` or a fresh one, and a monthly price version of
    `price`, with the columns `version` names) and a pending service of the customer on it,
    billed on the 1st (with the columns `service` names); the service row."""
    product = insert_row(conn, "products", {"tenant_id": tenant_id, "code": code or f"plan-{uuid.uuid4().hex[:8]}",
                                            "name": "Plan", "kind": "plan"})
    plan = insert_row(conn, "price_versions", {"tenant_id": tenant_id, "product_id": product["id"], "price": price,
                                               "interval": "monthly", **version})
    return insert_row(conn, "services", {"tenant_id": tenant_id, "customer_id": customer_id,
                                         "price_version_id": plan["id"], "billing_day": 1, **(service or {})})


def issue_invoice(db, tenant, customer, issued_on: str):
    """A finalised invoice of 10.00 (one line) issued on that date; its id."""
    invoice = db.execute("INSERT INTO kassa.invoices (tenant_id, customer_id, currency, prices_include_vat)"
                         " VALUES (%s, %s, %s, %s) RETURNING id",
                         [tenant["id"], customer["id"], tenant["currency"], tenant["prices_include_vat"]]).fetchone()["id"]
    db.execute("INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, description, unit_price) VALUES (%s, %s, 'x', 1000)",
               [tenant["id"], invoice])
    db.execute("SELECT internal.finalise_invoices(%s, ARRAY[%s]::uuid[], %s)", [tenant["id"], invoice, issued_on])
    return invoice


def run_job(settings, job: str, as_of: date | None = None, tenant: str | None = None) -> tuple[str, runner.Outcome]:
    """One run of the job, logged in the job log like `kassa jobs run JOB [--as-of] [--tenant]`."""
    return runner.run(job, as_of, settings.worker_url, JobConfig.from_environment(settings.environment()),
                      tenant=tenant and str(tenant))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def bridge_of_its_own(settings, **variables: str) -> Iterator[str]:
    """A bridge of four gunicorn workers (as `kassa up` runs it) with some variables changed
    (its rate limits, say); its base URL, until the block ends. Its log goes to a file (a pipe
    nobody reads could fill and stall it)."""
    port = free_port()
    env = {**settings.environment(), **variables}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen([str(VENV_BIN / "gunicorn"), "--config", "python:bridge.gunicorn_conf",
                                    "--workers", "4", "--bind", f"127.0.0.1:{port}", "bridge.web:app_from_environment()"],
                                   env={"PATH": "/usr/bin:/bin", **env}, stdout=subprocess.DEVNULL, stderr=log)
        base = f"http://127.0.0.1:{port}"

        def healthy() -> bool:
            if process.poll() is not None:
                log.seek(0)
                raise AssertionError(log.read().decode()[-2000:])
            try:
                return requests.get(base + "/health", timeout=2).status_code == 200
            except (requests.ConnectionError, requests.Timeout):  # not listening, or still starting its workers
                return False

        try:
            assert wait_for(healthy, timeout=60), "the bridge did not start within a minute"
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a loaded machine: the test is over either way
                process.kill()
                process.wait(timeout=30)


def sse_events(response: requests.Response):
    """The events of an SSE response as they arrive: (name, id, data as a dict) each."""
    fields: dict[str, str] = {}
    for line in response.iter_lines(decode_unicode=True):
        if line:
            name, _, value = line.partition(": ")
            fields[name] = value
        elif "data" in fields:
            yield fields.get("event", "message"), fields.get("id"), json.loads(fields["data"])
            fields = {}
        else:
            fields = {}  # a comment (": keep-alive") alone


def open_stream(url: str, token: str, events: int | None = None, names=("balance",),
                last_event_id: str | None = None) -> queue.Queue:
    """Opens an SSE stream and reads it in a thread: each event of those `names` into the queue
    returned (its data as a dict, or (name, id, data) when `names` is None: every event), then
    None when the stream ends (or it stops after `events` events)."""
    lines, opened = queue.Queue(), threading.Event()
    headers = {"Authorization": f"Bearer {token}", **({"Last-Event-ID": last_event_id} if last_event_id else {})}

    def read() -> None:
        with requests.get(url, headers=headers, stream=True, timeout=30) as response:
            opened.set()
            taken = 0
            for name, event_id, data in sse_events(response):
                if names is None:
                    lines.put((name, event_id, data))
                elif name in names:
                    lines.put(data)
                else:
                    continue
                taken += 1
                if taken == events:
                    return
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    assert opened.wait(10), "the stream did not open"
    return lines


@contextmanager
def running_stand_in(settings, name: str, module: str) -> Iterator[str]:
    """A gateway stand-in (bridge/fakes/) on a port of its own while the block runs; its base URL."""
    port = free_port()
    stand_in = services.stand_in(name, module, port)
    stand_in.start(Path(settings.home), settings.environment())
    try:
        stand_in.wait_healthy(Path(settings.home))
        yield f"http://127.0.0.1:{port}"
    finally:
        stand_in.stop(Path(settings.home))


def wait_for(condition, timeout: float = 10) -> bool:
    """Whether `condition()` became true within `timeout` seconds (asked every 0.1 s)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def mails_to(settings, address: str) -> list[email.message.EmailMessage]:
    """The mail the local SMTP sink caught for `address`, oldest first."""
    found = (email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
             for path in sorted(Path(settings.caught_mail).glob("*.eml")))
    return [mail for mail in found if mail["To"] == address]


def link_of_next_mail(settings, address: str, seen: int = 0) -> str:
    """The login link (/auth/…) of the mail to `address` after the `seen` first ones (waited for)."""
    assert wait_for(lambda: len(mails_to(settings, address)) > seen, 30), f"no mail to {address}"
    text = mails_to(settings, address)[seen].get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+/auth/\S+", text).group(0)


def fresh_rate_counts(db, prefix: str) -> None:
    """The bridge's rate-limit counts of buckets starting with `prefix` start from zero, inside
    one minute window: the limits count per address and minute in the database, every test
    calls from 127.0.0.1, and the suite's own bridge counts too (with limits far above)."""
    if time.time() % 60 > 50:
        time.sleep(60 - time.time() % 60)
    db.execute("DELETE FROM kassa.request_counts WHERE starts_with(bucket, %s)", [prefix])


def write_events(db, customer: dict, kind: str, payloads: list[dict]) -> list[str]:
    """Events in the outbox in one transaction, as the SQL functions write them, with the wake-up."""
    with db.transaction():
        ids = [db.execute("INSERT INTO kassa.notifications (tenant_id, customer_id, kind, payload)"
                          " VALUES (%s, %s, %s, %s) RETURNING public_id",
                          [customer["tenant_id"], customer["id"], kind, json.dumps(payload)]).fetchone()["public_id"]
               for payload in payloads]
        db.execute("NOTIFY kassa_events")
    return [str(event_id) for event_id in ids]


def caught(settings, event_ids: list[str], folder: Path | None = None) -> list[email.message.EmailMessage]:
    """The mail the sink caught for these events (whole files only: the sink renames them in);
    the suite's sink, or the one writing to `folder`."""
    wanted = set(event_ids)
    found = (email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
             for path in sorted(Path(folder or settings.caught_mail).glob("*.eml")))
    return [mail for mail in found if mail["X-Kassa-Event-Id"] in wanted]


def delivered(settings, event_ids: list[str], timeout: float = 30,
              folder: Path | None = None) -> list[email.message.EmailMessage]:
    assert wait_for(lambda: len(caught(settings, event_ids, folder)) >= len(event_ids), timeout), \
        f"only {len(caught(settings, event_ids, folder))} of {len(event_ids)} messages arrived within {timeout} s"
    return caught(settings, event_ids, folder)
