"""Where things are and how to reach them.

Embedded mode keeps everything in `.kassa/` inside the checkout; its generated secrets and the
ports chosen at first start are remembered in `.kassa/state.json`, so every later command (and
every process `kassa up` starts) sees the same values. `KASSA_DATABASE_URL` switches every
command to an existing PostgreSQL instead.
"""
from __future__ import annotations

import json
import os
import secrets
import socket
from dataclasses import asdict, dataclass, field
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from bridge.claims import key_id, key_set
from gateways import vapid
from gateways.bulksms import LIVE_URL as BULKSMS_LIVE_URL
from gateways.netcash import LIVE_URL as NETCASH_LIVE_URL
from gateways.octo import PRODUCTION_URL as OCTO_PRODUCTION_URL

ROOT = Path(__file__).resolve().parent.parent
HOME = Path(os.environ.get("KASSA_HOME", ROOT / ".kassa"))
TOOLS = ROOT / ".tools"
STATE_FILE = HOME / "state.json"

DEFAULT_PORTS = {"postgres": 54329, "postgrest": 3000, "postgrest_admin": 3001,
                 "bridge": 8700, "sse": 8701, "stripe_fake": 8702, "scheduler": 8703,
                 "octo_fake": 8704, "netcash_fake": 8705, "mailer": 8706, "smtp_sink": 8707,
                 "smtp_sink_admin": 8708, "webhooks": 8709, "bulksms_fake": 8710,
                 "documents": 8711}

# What local mode gives the processes instead of gateway credentials. `kassa env` prints them; set
# back in the environment (a sourced `kassa env`) they still mean local mode.
LOCAL_STRIPE_SECRET_KEY = "sk_test_local"
LOCAL_OCTO_SHOP_ID = "0"  # no real OCTO shop has id 0
LOCAL_OCTO_SECRET = "octo_test_local"
SMTP_TLS_MODES = ("starttls", "tls", "none")
LOCAL_BULKSMS_USERNAME, LOCAL_BULKSMS_PASSWORD = "kassa-local", "bulksms-local"
LOCAL_NETCASH_KEYS = {"debit_order": "local-debit-order-key", "account": "local-account-key",
                      "vendor": "local-vendor-key"}


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pick_port(preferred: int | None, taken: set[int]) -> int:
    if preferred is not None and preferred not in taken and port_is_free(preferred):
        return preferred
    while True:
        port = free_port()
        if port not in taken:
            return port


def with_credentials(dsn: str, user: str, password: str) -> str:
    """The same server and database as `dsn`, logged in as another role."""
    parts = urlsplit(dsn)
    host = parts.hostname or "127.0.0.1"
    netloc = f"{quote(user)}:{quote(password)}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def with_database(dsn: str, dbname: str) -> str:
    parts = urlsplit(dsn)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))


class LocalUrl:
    """A read-only attribute of Settings: the URL of one of the stack's processes on this machine."""

    def __init__(self, process: str, path: str = ""):
        self.process, self.path = process, path

    def __get__(self, settings: Settings | None, owner: type | None = None):
        return self if settings is None else f"http://127.0.0.1:{settings.ports[self.process]}{self.path}"


@dataclass
class Settings:
    """Everything a Kassa process needs to know; exported to children as KASSA_* variables."""
    home: str
    database_url: str                 # owner DSN: deploys, DBA access
    embedded: bool
    ports: dict[str, int]
    jwt_secret: str
    authenticator_password: str
    worker_password: str
    superuser_password: str = ""
    stripe_secret_key: str = ""       # empty: local Stripe stand-in
    stripe_webhook_secret: str = field(default_factory=lambda: "whsec_" + secrets.token_hex(24))
    payment_method_key: str = field(default_factory=lambda: secrets.token_hex(32))
    # Signs the unsubscribe links of mail (bridge/unsubscribe.py); a new key voids the old links.
    unsubscribe_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    # Signs the download links of documents (bridge/document_links.py); a new key voids the old links.
    document_link_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    # The tokens of the links in login mails derive from it (bridge/login_links.py); a new key voids the old links.
    login_link_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    # Encrypts the portal's session cookies (bridge/portal_session.py); a new key logs every portal session out.
    portal_key: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    octo_shop_id: str = ""            # with octo_secret: the real OCTO; without: the local stand-in
    octo_secret: str = ""             # empty: local OCTO stand-in
    octo_base_url: str = ""           # with credentials; empty: https://secure.octo.uz
    octo_signature_secret: str = ""   # what OCTO signs callbacks with; empty: octo_secret
    netcash_debit_order_key: str = ""  # empty: local NetCash stand-in
    netcash_account_key: str = ""
    netcash_vendor_key: str = ""
    netcash_url: str = ""              # empty: NetCash's NIWS with keys, the stand-in without
    netcash_amount_unit: str = "cents"
    smtp_host: str = ""                # empty: the local SMTP sink, which keeps mail in <home>/mail
    smtp_port: int = 587
    smtp_tls: str = "starttls"         # starttls, tls (TLS from the first byte) or none
    smtp_user: str = ""                # empty: no login
    smtp_password: str = ""
    mail_from: str = "Kassa <billing@kassa.invalid>"
    vapid_private_key: str = field(default_factory=vapid.new_private_key)  # web push signing (gateways/vapid.py)
    bulksms_username: str = ""         # with bulksms_password: the real BulkSMS; empty: the local stand-in
    bulksms_password: str = ""
    bulksms_url: str = ""              # with credentials; empty: https://api.bulksms.com/v1
    sms_from: str = ""                 # the SMS sender id; empty: the BulkSMS account's default
    # Previous JWT secrets still accepted after `kassa jwt-key rotate`: [{"secret", "retire_after"}]
    # (ISO 8601 UTC); `kassa jwt-key retire` drops them (kassa/keys.py).
    jwt_previous_keys: list[dict] = field(default_factory=list)
    # Set only while `kassa payment-key rotate` runs: the key the secrets are being moved to.
    payment_method_key_next: str = ""

    @property
    def jwt_keys(self) -> str:
        """The JSON Web Key Set every token is checked against: the current key, then the previous."""
        return key_set([self.jwt_secret, *(key["secret"] for key in self.jwt_previous_keys)])

    postgrest_url = LocalUrl("postgrest")
    bridge_url = LocalUrl("bridge")
    portal_url = LocalUrl("bridge", "/portal/")
    sse_url = LocalUrl("sse", "/events")
    scheduler_url = LocalUrl("scheduler")
    stripe_fake_url = LocalUrl("stripe_fake")
    octo_fake_url = LocalUrl("octo_fake")
    netcash_fake_url = LocalUrl("netcash_fake", "/NIWS/niws_nif.svc")
    mailer_url = LocalUrl("mailer")
    webhooks_url = LocalUrl("webhooks")
    smtp_sink_admin_url = LocalUrl("smtp_sink_admin")
    bulksms_fake_url = LocalUrl("bulksms_fake")
    documents_url = LocalUrl("documents")

    @property
    def smtp_local(self) -> bool:
        """No SMTP host configured: mail goes to the local SMTP sink."""
        return not self.smtp_host

    @property
    def caught_mail(self) -> Path:
        """Where the local SMTP sink keeps the mail it caught, one .eml file a message."""
        return Path(self.home) / "mail"

    @property
    def bulksms_local(self) -> bool:
        """No BulkSMS credentials: SMS go to the local BulkSMS stand-in."""
        return not self.bulksms_password or self.bulksms_password == LOCAL_BULKSMS_PASSWORD

    @property
    def bulksms_api_base(self) -> str:
        return f"{self.bulksms_fake_url}/v1" if self.bulksms_local else self.bulksms_url or BULKSMS_LIVE_URL

    @property
    def stripe_api_base(self) -> str:
        if self.stripe_secret_key and not self.stripe_secret_key.startswith(LOCAL_STRIPE_SECRET_KEY):
            return "https://api.stripe.com"
        return self.stripe_fake_url

    @property
    def octo_local(self) -> bool:
        """No OCTO credentials: the local OCTO stand-in is started and used."""
        return not self.octo_secret or self.octo_secret.startswith(LOCAL_OCTO_SECRET)

    @property
    def octo_api_base(self) -> str:
        return self.octo_fake_url if self.octo_local else self.octo_base_url or OCTO_PRODUCTION_URL

    @property
    def netcash_local(self) -> bool:
        return not self.netcash_debit_order_key

    @property
    def netcash_api_url(self) -> str:
        return self.netcash_fake_url if self.netcash_local else self.netcash_url or NETCASH_LIVE_URL

    def netcash_key(self, service: str) -> str:
        """A NetCash key as processes get it: the configured one, or the stand-in's in local mode."""
        return getattr(self, f"netcash_{service}_key") if not self.netcash_local else LOCAL_NETCASH_KEYS[service]

    @property
    def authenticator_url(self) -> str:
        return with_credentials(self.database_url, "authenticator", self.authenticator_password)

    @property
    def worker_url(self) -> str:
        return with_credentials(self.database_url, "kassa_worker", self.worker_password)

    def environment(self) -> dict[str, str]:
        """The variables every child process reads (same names everywhere)."""
        return {
            "KASSA_HOME": self.home,
            "KASSA_DATABASE_URL": self.database_url,
            "KASSA_WORKER_DATABASE_URL": self.worker_url,
            "KASSA_JWT_SECRET": self.jwt_secret,
            "KASSA_JWT_KEYS": self.jwt_keys,
            "KASSA_POSTGREST_URL": self.postgrest_url,
            "KASSA_BRIDGE_URL": self.bridge_url,
            "KASSA_SSE_URL": self.sse_url,
            "KASSA_SCHEDULER_URL": self.scheduler_url,
            "KASSA_STRIPE_SECRET_KEY": self.stripe_secret_key or LOCAL_STRIPE_SECRET_KEY,
            "KASSA_STRIPE_API_BASE": self.stripe_api_base,
            "KASSA_STRIPE_WEBHOOK_SECRET": self.stripe_webhook_secret,
            "KASSA_PAYMENT_METHOD_KEY": self.payment_method_key,
            "KASSA_OCTO_SHOP_ID": LOCAL_OCTO_SHOP_ID if self.octo_local else self.octo_shop_id,
            "KASSA_OCTO_SECRET": LOCAL_OCTO_SECRET if self.octo_local else self.octo_secret,
            "KASSA_OCTO_API_BASE": self.octo_api_base,
            "KASSA_OCTO_SIGNATURE_SECRET": "" if self.octo_local else self.octo_signature_secret,
            "KASSA_NETCASH_DEBIT_ORDER_KEY": self.netcash_key("debit_order"),
            "KASSA_NETCASH_ACCOUNT_KEY": self.netcash_key("account"),
            "KASSA_NETCASH_VENDOR_KEY": self.netcash_key("vendor"),
            "KASSA_NETCASH_URL": self.netcash_api_url,
            "KASSA_NETCASH_AMOUNT_UNIT": self.netcash_amount_unit,
            # Only the stand-in answers for mandates and batches (gateways/netcash.py, status_url).
            "KASSA_NETCASH_STATUS_URL": self.netcash_fake_url.removesuffix("/NIWS/niws_nif.svc") + "/_fake"
                                        if self.netcash_local else "",
            "KASSA_MAILER_URL": self.mailer_url,
            "KASSA_SMTP_HOST": "127.0.0.1" if self.smtp_local else self.smtp_host,
            "KASSA_SMTP_PORT": str(self.ports["smtp_sink"] if self.smtp_local else self.smtp_port),
            "KASSA_SMTP_TLS": "none" if self.smtp_local else self.smtp_tls,
            "KASSA_SMTP_USER": "" if self.smtp_local else self.smtp_user,
            "KASSA_SMTP_PASSWORD": "" if self.smtp_local else self.smtp_password,
            "KASSA_MAIL_FROM": self.mail_from,
            "KASSA_VAPID_PRIVATE_KEY": self.vapid_private_key,
            "KASSA_VAPID_SUBJECT": f"mailto:{parseaddr(self.mail_from)[1]}",
            "KASSA_WEBHOOKS_URL": self.webhooks_url,
            "KASSA_UNSUBSCRIBE_KEY": self.unsubscribe_key,
            "KASSA_DOCUMENTS_URL": self.documents_url,
            "KASSA_DOCUMENT_LINK_KEY": self.document_link_key,
            "KASSA_LOGIN_LINK_KEY": self.login_link_key,
            "KASSA_PORTAL_KEY": self.portal_key,
            "KASSA_BULKSMS_USERNAME": LOCAL_BULKSMS_USERNAME if self.bulksms_local else self.bulksms_username,
            "KASSA_BULKSMS_PASSWORD": LOCAL_BULKSMS_PASSWORD if self.bulksms_local else self.bulksms_password,
            "KASSA_BULKSMS_URL": self.bulksms_api_base,
            "KASSA_SMS_FROM": self.sms_from,
        }

    def public(self) -> dict:
        """What `kassa env --json` prints."""
        return {
            "pg_dsn": self.database_url,
            "postgrest_url": self.postgrest_url,
            "bridge_url": self.bridge_url,
            "portal_url": self.portal_url,
            "sse_url": self.sse_url,
            "jwt_secret": self.jwt_secret,
            "jwt_kid": key_id(self.jwt_secret),
            "stripe_webhook_secret": self.stripe_webhook_secret,
            "stripe_api_base": self.stripe_api_base,
            "octo_api_base": self.octo_api_base,
            "netcash_url": self.netcash_api_url,
            "bulksms_url": self.bulksms_api_base,
            "embedded": self.embedded,
            "home": self.home,
            "ports": self.ports,
            "vapid_public_key": vapid.public_key(self.vapid_private_key),
        }

    def save(self) -> None:
        Path(self.home).mkdir(parents=True, exist_ok=True)
        path = Path(self.home) / "state.json"
        # Whole or not at all, also across a crash (the key rotations rely on it): a new file,
        # on disk before it is renamed over the old.
        draft = path.with_name("state.json.new")
        with open(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as file:
            file.write(json.dumps(asdict(self), indent=2))
            file.flush()
            os.fsync(file.fileno())
        draft.chmod(0o600)
        os.replace(draft, path)


def new_settings(home: Path, database_url: str | None, default_ports: bool = True) -> Settings:
    """Fresh secrets and free ports for a new home folder: the default ports where free, or
    (default_ports=False, throw-away homes) any free ones, out of the way of a `kassa up`."""
    taken: set[int] = set()
    ports = {}
    for name, preferred in DEFAULT_PORTS.items():
        ports[name] = pick_port(preferred if default_ports else None, taken)
        taken.add(ports[name])
    superuser_password = secrets.token_urlsafe(18)
    embedded = database_url is None
    if embedded:
        database_url = f"postgresql://postgres:{superuser_password}@127.0.0.1:{ports['postgres']}/kassa"
    return Settings(
        home=str(home), database_url=database_url, embedded=embedded, ports=ports,
        jwt_secret=secrets.token_urlsafe(48),
        authenticator_password=secrets.token_urlsafe(18),
        worker_password=secrets.token_urlsafe(18),
        superuser_password=superuser_password if embedded else "",
        stripe_secret_key=os.environ.get("KASSA_STRIPE_SECRET_KEY", ""),
    )


def load(home: Path = HOME) -> Settings:
    """Settings of `home`, created on first use. Environment variables win over the file."""
    state = Path(home) / "state.json"
    external = os.environ.get("KASSA_DATABASE_URL")
    if state.exists():
        saved = json.loads(state.read_text())
        settings = Settings(**saved)
        if set(asdict(settings)) - set(saved):  # a home made before a key existed keeps the one made now
            settings.save()
    else:
        settings = new_settings(Path(home), external)
        settings.save()
    missing = {name: port for name, port in DEFAULT_PORTS.items() if name not in settings.ports}
    if missing:  # a home made before a service was added gets a port for it
        for name, preferred in missing.items():
            settings.ports[name] = pick_port(preferred, set(settings.ports.values()))
        settings.save()
    if external and external != settings.database_url:
        settings.database_url, settings.embedded = external, False
    local_mode_values = {LOCAL_STRIPE_SECRET_KEY, LOCAL_OCTO_SHOP_ID, LOCAL_OCTO_SECRET, settings.octo_fake_url,
                         settings.netcash_fake_url, *LOCAL_NETCASH_KEYS.values(), LOCAL_BULKSMS_USERNAME,
                         LOCAL_BULKSMS_PASSWORD, f"{settings.bulksms_fake_url}/v1"}
    for attr, var in (("jwt_secret", "KASSA_JWT_SECRET"),
                      ("stripe_secret_key", "KASSA_STRIPE_SECRET_KEY"),
                      ("stripe_webhook_secret", "KASSA_STRIPE_WEBHOOK_SECRET"),
                      ("octo_shop_id", "KASSA_OCTO_SHOP_ID"),
                      ("octo_secret", "KASSA_OCTO_SECRET"),
                      ("octo_base_url", "KASSA_OCTO_API_BASE"),
                      ("octo_signature_secret", "KASSA_OCTO_SIGNATURE_SECRET"),
                      ("netcash_debit_order_key", "KASSA_NETCASH_DEBIT_ORDER_KEY"),
                      ("netcash_account_key", "KASSA_NETCASH_ACCOUNT_KEY"),
                      ("netcash_vendor_key", "KASSA_NETCASH_VENDOR_KEY"),
                      ("netcash_url", "KASSA_NETCASH_URL"),
                      ("netcash_amount_unit", "KASSA_NETCASH_AMOUNT_UNIT"),
                      ("smtp_tls", "KASSA_SMTP_TLS"),
                      ("smtp_user", "KASSA_SMTP_USER"),
                      ("smtp_password", "KASSA_SMTP_PASSWORD"),
                      ("mail_from", "KASSA_MAIL_FROM"),
                      ("bulksms_username", "KASSA_BULKSMS_USERNAME"),
                      ("bulksms_password", "KASSA_BULKSMS_PASSWORD"),
                      ("bulksms_url", "KASSA_BULKSMS_URL"),
                      ("sms_from", "KASSA_SMS_FROM")):
        if os.environ.get(var) and os.environ[var] not in local_mode_values:
            setattr(settings, attr, os.environ[var])
    # A sourced `kassa env` names the sink (127.0.0.1, its port): that still means local mode.
    smtp_address = (os.environ.get("KASSA_SMTP_HOST", ""), os.environ.get("KASSA_SMTP_PORT", ""))
    if smtp_address[0] and smtp_address != ("127.0.0.1", str(settings.ports["smtp_sink"])):
        settings.smtp_host = smtp_address[0]
        if smtp_address[1]:
            if not smtp_address[1].isdigit():
                raise ValueError(f"KASSA_SMTP_PORT: {smtp_address[1]!r} is not a port number")
            settings.smtp_port = int(smtp_address[1])
    if settings.smtp_tls not in SMTP_TLS_MODES:
        raise ValueError(f"KASSA_SMTP_TLS: {settings.smtp_tls!r} is none of {', '.join(SMTP_TLS_MODES)}")
    return settings
