"""Shared fixtures: the test stack (started once per session) and the rows most tests need
(made by the factories in tests/factories.py).

`make test` (kassa.testrun) deploys a throw-away database and points KASSA_TEST_HOME at its
home folder; here PostgREST, the bridges, the scheduler and the mail worker are started on that
home with the same definitions `kassa up` uses, and stopped at the end.
"""
from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import psycopg
import pytest
import requests
from psycopg import sql
from psycopg.rows import dict_row

from factories import create_customer, create_tenant, free_port
from jobs import scheduler
from kassa import config, services
from kassa.config import with_database
from kassa.tokens import make_token


@pytest.fixture(scope="session")
def settings() -> config.Settings:
    home = os.environ.get("KASSA_TEST_HOME")
    if not home:
        pytest.exit("run the tests with `make test` (it prepares a throw-away database)", returncode=2)
    return config.load(Path(home))


# The suite's scheduler runs queued runs only (staff's "generate invoices now"): a schedule
# firing while a test moves the clock would run jobs under that test. tests/test_scheduler.py
# starts a scheduler with schedules for its own tests.
SUITE_SCHEDULER = {**{scheduler.schedule_variable(job): "off" for job in scheduler.DEFAULTS},
                   "KASSA_SCHEDULER_POLL_SECONDS": "0.5"}


# The whole suite calls the bridge from one address, faster than any client should: its bridge
# counts every request but limits far above the defaults (tests/test_bridge_door.py and
# tests/test_pay_pages.py start bridges of their own with small limits).
SUITE_BRIDGE = {name: "1000000" for name in (
    "KASSA_BRIDGE_RATE_LIMIT", "KASSA_PAY_PAGE_VIEWS_PER_MINUTE", "KASSA_PAY_UNKNOWN_TOKENS_PER_MINUTE",
    "KASSA_PAY_TOKEN_VIEWS_PER_MINUTE")} | {
    # the tests' OpenID Connect provider publishes its keys on 127.0.0.1 (tests/test_oidc.py)
    "KASSA_OIDC_ALLOW_PRIVATE": "1"}


# The suite's mail workers poll and retry quickly: a test waits for a retry, not half a minute.
SUITE_MAILER = {"KASSA_MAIL_POLL_SECONDS": "0.5", "KASSA_MAIL_RETRY_SECONDS": "0.2",
                # the tests' push service stand-in listens on 127.0.0.1 (tests/test_push_delivery.py)
                "KASSA_PUSH_ALLOW_PRIVATE": "1"}
# And the webhook workers: a test moves the clock to the next attempt, then waits for one poll.
SUITE_WEBHOOKS = {"KASSA_WEBHOOK_POLL_SECONDS": "0.2"}


@pytest.fixture(scope="session")
def bridge_config(settings):
    """The configuration of the suite's bridge, for tests that build its Flask app."""
    from bridge.config import Config
    return Config.from_environment({**settings.environment(), **SUITE_BRIDGE})


@pytest.fixture(scope="session")
def suite_scheduler_env() -> dict[str, str]:
    """The environment of the suite's scheduler (every schedule off, a short poll)."""
    return dict(SUITE_SCHEDULER)


@dataclasses.dataclass(frozen=True)
class TenantMailServer:
    """A tenant's own SMTP server, as the suite's mail workers know it: a second sink (started by
    the tests that use it, tests/test_tenant_smtp.py) taking mail only after AUTH, and profiles
    of it in the workers' KASSA_SMTP_PROFILES file: one with its login, one with a wrong password."""
    port: int
    admin_port: int
    folder: Path
    login: str  # user:password
    profile: str = "own-mail"
    wrong_password_profile: str = "own-mail-wrong-password"
    sender: str = "Own Mail Billing <billing@own-mail.example>"


@pytest.fixture(scope="session")
def tenant_mail_server(settings) -> TenantMailServer:
    server = TenantMailServer(free_port(), free_port(), Path(settings.home) / "own-mail", "own-mail-user:s3cret")
    user, password = server.login.split(":")
    profile = {"host": "127.0.0.1", "port": server.port, "tls": "none", "user": user, "from": server.sender}
    profiles = Path(settings.home) / "smtp_profiles.json"
    profiles.write_text(json.dumps({server.profile: {**profile, "password": password},
                                    server.wrong_password_profile: {**profile, "password": "not-it"}}))
    profiles.chmod(0o600)  # it holds passwords
    os.environ["KASSA_SMTP_PROFILES"] = str(profiles)
    return server


@pytest.fixture(scope="session", autouse=True)
def stack(settings, tenant_mail_server):
    os.environ.update(SUITE_SCHEDULER)
    os.environ.update(SUITE_BRIDGE)
    os.environ.update(SUITE_MAILER)
    os.environ.update(SUITE_WEBHOOKS)
    running = services.stack(settings)
    services.start_all(settings, running)
    yield running
    services.stop_all(settings, running)


@pytest.fixture
def fresh_database(settings):
    """Settings pointing at a new, empty database in the test cluster; dropped afterwards."""
    name = f"kassa_fresh_{os.getpid()}"
    admin = with_database(settings.database_url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield dataclasses.replace(settings, database_url=with_database(settings.database_url, name))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def db(settings):
    """An owner connection (autocommit) for arranging data and checking what was written."""
    with psycopg.connect(settings.database_url, autocommit=True, row_factory=dict_row) as conn:
        yield conn


class Api:
    """PostgREST over real HTTP with one token."""

    def __init__(self, base_url: str, token: str | None):
        self.base_url = base_url
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        return self.session.request(method, self.base_url + path, timeout=30, **kwargs)

    def get(self, path, **kw): return self.request("GET", path, **kw)
    def post(self, path, **kw): return self.request("POST", path, **kw)
    def patch(self, path, **kw): return self.request("PATCH", path, **kw)
    def delete(self, path, **kw): return self.request("DELETE", path, **kw)

    def rpc(self, name: str, **args) -> requests.Response:
        return self.post(f"/rpc/{name}", json=args)


@pytest.fixture
def api(settings):
    """api(token) -> Api; api() is anonymous."""
    return lambda token=None: Api(settings.postgrest_url, token)


@pytest.fixture
def token(settings):
    def issue(role: str, tenant, customer=None, ttl: int = 600) -> str:
        return make_token(settings.jwt_secret, role, str(tenant), str(customer) if customer else None, ttl)
    return issue


@pytest.fixture
def tenant(db):
    return create_tenant(db)


@pytest.fixture
def customer(db, tenant):
    return create_customer(db, tenant["id"])


@pytest.fixture
def travel_to(db):
    """Moves the one clock (kassa.clock's shift) to an instant; back to the real time afterwards."""
    yield lambda instant: db.execute("UPDATE kassa.clock SET shift = %s::timestamptz - now()", [instant])
    db.execute("UPDATE kassa.clock SET shift = '0'")


@pytest.fixture
def alone(db):
    """Only the tenants a test creates from now on are active: a platform-wide job walks every
    active tenant, and would bill other tests' pending charges on the test's date (often long
    before their invoices, which the issue-date rules refuse). Reactivated afterwards."""
    others = [row["id"] for row in db.execute(
        "UPDATE kassa.tenants SET status = 'suspended' WHERE status = 'active' RETURNING id").fetchall()]
    yield
    db.execute("UPDATE kassa.tenants SET status = 'active' WHERE id = ANY (%s::uuid[])", [others])
