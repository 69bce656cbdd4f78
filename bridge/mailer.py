"""The delivery worker: the outbox's events to customers by e-mail, SMS and web push
(docs/messages.md), and the login mails: the links of sign-ups, password resets and staff
invitations (docs/portal.md, bridge/login_links.py).

`python -m bridge.mailer` (started by `kassa up`). Each round fans undelivered events out into
messages (internal.fan_out_events), claims each channel's messages that are due
(internal.claim_messages: leased, so a worker that dies leaves them to another after the lease),
renders each one (bridge/messages.py), sends it (e-mail over SMTP, SMS through BulkSMS,
gateways/bulksms.py, web push to the subscription's push service, gateways/webpush.py) and
records the outcome; a failed send is retried with a backoff until its
attempts run out. Several workers may run at once: the claims skip what
another worker holds. A NOTIFY on kassa_events (written with the events) wakes the loop; it
also polls every KASSA_MAIL_POLL_SECONDS, so events are delivered without it too.

Delivery is at least once: a message sent just before its worker died is sent again, under the
same Message-ID (the message's public id) and X-Kassa-Event-Id (the event's).

A mail goes out through the platform's SMTP server (KASSA_SMTP_*), or, for a tenant the operator
gave an SMTP profile (kassa tenant smtp-profile), through that profile's server with its
credentials and From address (the profiles file KASSA_SMTP_PROFILES, read at start).
A mail is from the tenant's sender name (KASSA_MAIL_FROM's or the profile's address), with its reply-to address;
one of a kind that is not mandatory carries a one-click unsubscribe link (bridge/unsubscribe.py);
with KASSA_DKIM_SELECTOR and KASSA_DKIM_KEY_FILE (a profile: dkim_selector and dkim_key_file) every
mail is DKIM-signed (dkimpy). An address
the recipient's server refuses for good (5xx) is a hard bounce: the message fails at once and the
address is suppressed (internal.record_message_bounced).

A push goes only to a public address of its push service (bridge/outbound.py; a local one with
KASSA_PUSH_ALLOW_PRIVATE=1), following no redirect; a push service that no longer knows the
subscription (404, 410) ends it, and its waiting messages are suppressed.

GET /health on KASSA_MAILER_URL's port answers 200 while the database answers, with what this
worker sent and failed since it started.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import smtplib
import ssl
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formataddr, formatdate, parseaddr
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import asyncpg
import dkim

from bridge import login_links, messages, outbound, unsubscribe
from bridge.outbox_worker import OutboxWorker, positive_number, serve
from gateways import webpush
from gateways.bulksms import BulkSmsError, BulkSmsSettings, segments

BATCH = 50  # events fanned out, and messages claimed, per round
NOT_BEING_SENT = "P0Z02"  # internal.record_message_sent / _failed: the message is no longer this worker's
PUSH_TIMEOUT_S = 15
TLS_MODES = ("starttls", "tls", "none")  # TLS after EHLO, TLS from the first byte (port 465), plain
log = logging.getLogger("kassa.mailer")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    tls: str  # starttls, tls or none
    user: str
    password: str
    sender: str  # the From header: "Name <address>"
    dkim_key: DkimKey | None  # None: mail goes unsigned

    def send(self, mail: EmailMessage) -> None:
        """Sends one message, signed with the DKIM key if there is one; raises HardBounce when the
        server refuses the recipient for good, smtplib.SMTPException or OSError when it does not
        go out otherwise."""
        data = mail.as_bytes(policy=SMTP_POLICY)
        if self.dkim_key is not None:
            data = self.dkim_key.sign(data) + data
        if self.tls == "tls":
            connection = smtplib.SMTP_SSL(self.host, self.port, timeout=30, context=ssl.create_default_context())
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=30)
        with connection:
            if self.tls == "starttls":
                connection.starttls(context=ssl.create_default_context())
            if self.user:
                connection.login(self.user, self.password)
            try:
                connection.sendmail(parseaddr(mail["From"])[1], [mail["To"]], data)
            except smtplib.SMTPRecipientsRefused as refused:
                if all(code >= 500 for code, _ in refused.recipients.values()):
                    raise HardBounce("; ".join(f"{code} {answer.decode(errors='replace')}"
                                               for code, answer in refused.recipients.values())) from None
                raise


class HardBounce(Exception):
    """The recipient's server refused the address for good (an SMTP 5xx for RCPT TO)."""


class SubscriptionGone(Exception):
    """The push service no longer knows the subscription (404, 410), or it was ended meanwhile."""


class PushRefused(Exception):
    """The push service answered something else than success: tried again later."""


# What a DKIM signature covers: the headers a reader sees and the ones that keep it one message.
SIGNED_HEADERS = [b"from", b"to", b"subject", b"date", b"message-id", b"reply-to", b"list-unsubscribe",
                  b"list-unsubscribe-post", b"mime-version", b"content-type"]


@dataclass(frozen=True)
class DkimKey:
    selector: str
    domain: str  # d=: the domain whose DNS holds <selector>._domainkey's public key
    private_key: bytes  # PEM

    def sign(self, data: bytes) -> bytes:
        """The DKIM-Signature header line for a message (to go before it)."""
        return dkim.sign(data, self.selector.encode(), self.domain.encode(), self.private_key,
                         include_headers=SIGNED_HEADERS)

    @classmethod
    def load(cls, selector: str, key_file: str, domain: str, sender: str, names: str) -> DkimKey | None:
        """The key of a selector and a key file (none without either; the domain defaults to the
        sender's). Raises ValueError, starting with `names` (where they were set), when only one
        of the two is set or the file is unreadable."""
        if not selector and not key_file:
            return None
        if not selector or not key_file:
            raise ValueError(f"{names}: DKIM signing needs both the selector and the key file")
        try:
            private_key = Path(key_file).read_bytes()
        except OSError as error:
            raise ValueError(f"{names}: cannot read the DKIM key file {key_file}: {error.strerror}") from None
        return cls(selector, domain or parseaddr(sender)[1].split("@")[1], private_key)


def sender_address(sender: str, where: str) -> str:
    """A From header ("Name <address>"); raises ValueError naming where it was set when it holds no address."""
    if "@" not in parseaddr(sender)[1]:
        raise ValueError(f"{where}: not an e-mail address: {sender!r}")
    return sender


def smtp_profiles(path: str) -> dict[str, SmtpSettings]:
    """The operator's SMTP profiles, by name, from a JSON file (docs/messages.md): {"name": {"host",
    "port" (587), "tls" (starttls), "user", "password", "from", "dkim_selector", "dkim_key_file",
    "dkim_domain"}}; none without a path. Raises ValueError naming the profile and what is wrong."""
    if not path:
        return {}
    try:
        profiles = json.loads(Path(path).read_text())
    except OSError as error:
        raise ValueError(f"KASSA_SMTP_PROFILES: cannot read {path}: {error.strerror}") from None
    except ValueError as error:
        raise ValueError(f"KASSA_SMTP_PROFILES: {path} is no JSON: {error}") from None
    if not isinstance(profiles, dict):
        raise ValueError(f"KASSA_SMTP_PROFILES: {path} holds no object of profiles by name")
    known = {"host", "port", "tls", "user", "password", "from", "dkim_selector", "dkim_key_file", "dkim_domain"}
    settings = {}
    for name, profile in profiles.items():
        where = f"KASSA_SMTP_PROFILES: profile {name!r}"
        if not isinstance(profile, dict) or not all(isinstance(value, str) or key == "port"
                                                    for key, value in profile.items()):
            raise ValueError(f"{where}: give an object of text settings (and a port number)")
        if unknown := sorted(set(profile) - known):
            raise ValueError(f"{where}: unknown settings {', '.join(unknown)}")
        if not profile.get("host"):
            raise ValueError(f"{where}: host is missing")
        port, tls = profile.get("port", 587), profile.get("tls", "starttls")
        if not isinstance(port, int) or isinstance(port, bool) or not 0 < port < 65536:
            raise ValueError(f"{where}: port {port!r} is no port number")
        if tls not in TLS_MODES:
            raise ValueError(f"{where}: tls {tls!r} is none of {', '.join(TLS_MODES)}")
        sender = sender_address(profile.get("from", ""), f"{where}: from")
        settings[name] = SmtpSettings(profile["host"], port, tls, profile.get("user", ""), profile.get("password", ""),
                                      sender, DkimKey.load(profile.get("dkim_selector", ""),
                                                           profile.get("dkim_key_file", ""),
                                                           profile.get("dkim_domain", ""), sender, where))
    return settings


@dataclass(frozen=True)
class MailerConfig:
    worker_database_url: str
    health_port: int
    bridge_url: str  # for the payment links in messages
    smtp: SmtpSettings  # the platform's
    smtp_profiles: Mapping[str, SmtpSettings]  # the operator's, by name: for the tenants given one
    unsubscribe_key: str  # signs the unsubscribe links (bridge/unsubscribe.py)
    login_link_key: str  # the tokens of the links in login mails derive from it (bridge/login_links.py)
    sms: BulkSmsSettings
    push: webpush.PushSettings
    push_allow_private: bool  # a push service on a private or loopback address (a local one, in tests)
    push_ttl: int  # seconds a push service keeps a message for a device that is offline
    poll: float  # seconds between rounds without a NOTIFY
    lease: timedelta  # how long a claimed message is this worker's before another may send it
    first_retry: timedelta  # after the first failed attempt; doubles with each one after
    max_attempts: int

    @classmethod
    def from_environment(cls, env: Mapping[str, str] = os.environ) -> MailerConfig:
        """Raises ValueError naming the variable that is missing or not a number."""
        def number(name: str, default: str, kind=float):
            return positive_number(env, name, default, kind)

        tls = env.get("KASSA_SMTP_TLS") or "starttls"
        if tls not in TLS_MODES:
            raise ValueError(f"KASSA_SMTP_TLS: {tls!r} is none of {', '.join(TLS_MODES)}")
        sender = sender_address(env.get("KASSA_MAIL_FROM", ""), "KASSA_MAIL_FROM")
        return cls(worker_database_url=env["KASSA_WORKER_DATABASE_URL"],
                   health_port=urlsplit(env["KASSA_MAILER_URL"]).port,
                   bridge_url=env.get("KASSA_BRIDGE_URL", ""),
                   smtp=SmtpSettings(env["KASSA_SMTP_HOST"], number("KASSA_SMTP_PORT", "587", int),
                                     tls, env.get("KASSA_SMTP_USER", ""),
                                     env.get("KASSA_SMTP_PASSWORD", ""), sender,
                                     DkimKey.load(env.get("KASSA_DKIM_SELECTOR", ""), env.get("KASSA_DKIM_KEY_FILE", ""),
                                                  env.get("KASSA_DKIM_DOMAIN", ""), sender,
                                                  "KASSA_DKIM_SELECTOR and KASSA_DKIM_KEY_FILE")),
                   smtp_profiles=smtp_profiles(env.get("KASSA_SMTP_PROFILES", "")),
                   unsubscribe_key=env["KASSA_UNSUBSCRIBE_KEY"], login_link_key=env["KASSA_LOGIN_LINK_KEY"],
                   sms=BulkSmsSettings(env["KASSA_BULKSMS_USERNAME"], env["KASSA_BULKSMS_PASSWORD"],
                                       env["KASSA_BULKSMS_URL"], env.get("KASSA_SMS_FROM", "")),
                   poll=number("KASSA_MAIL_POLL_SECONDS", "2"),
                   lease=timedelta(seconds=number("KASSA_MAIL_LEASE_SECONDS", "300")),
                   first_retry=timedelta(seconds=number("KASSA_MAIL_RETRY_SECONDS", "30")),
                   max_attempts=number("KASSA_MAIL_MAX_ATTEMPTS", "8", int),
                   push=webpush.PushSettings.from_environment(env),
                   push_allow_private=env.get("KASSA_PUSH_ALLOW_PRIVATE", "") == "1",
                   push_ttl=number("KASSA_PUSH_TTL_SECONDS", "86400", int))


def smtp_of(claimed: asyncpg.Record, config: MailerConfig) -> SmtpSettings:
    """Where a tenant's mail goes out: its SMTP profile, else the platform's server. Raises
    ValueError (a failed attempt, retried) for a profile the profiles file lacks."""
    profile = claimed["smtp_profile"]
    if profile is None:
        return config.smtp
    if profile not in config.smtp_profiles:
        raise ValueError(f"the tenant's SMTP profile {profile!r} is not in KASSA_SMTP_PROFILES")
    return config.smtp_profiles[profile]


def addressed(claimed: asyncpg.Record, smtp: SmtpSettings, subject: str, message_id) -> EmailMessage:
    """A mail of the tenant's (its sender name and reply-to address) to the claimed recipient."""
    mail = EmailMessage()
    name, address = parseaddr(smtp.sender)
    mail["From"] = formataddr((claimed["sender_name"] or name, address))
    if claimed["reply_to"]:
        mail["Reply-To"] = claimed["reply_to"]
    mail["To"] = claimed["recipient"]
    mail["Subject"] = subject
    mail["Date"] = formatdate(localtime=False)
    # The same ids on every attempt: a receiver can tell a message sent twice (at least once).
    mail["Message-ID"] = f"<{message_id}@{address.split('@')[1]}>"
    return mail


def email_of(claimed: asyncpg.Record, rendered: messages.Rendered, smtp: SmtpSettings,
             config: MailerConfig) -> EmailMessage:
    mail = addressed(claimed, smtp, rendered.subject, claimed["message_id"])
    mail["X-Kassa-Event-Id"] = str(claimed["event_id"])
    mail["X-Kassa-Event-Kind"] = claimed["kind"]
    if not claimed["mandatory"]:  # a mandatory kind cannot be turned off: no link to pretend it can
        link = unsubscribe.link_for(config.bridge_url, config.unsubscribe_key, claimed["tenant_id"],
                                    claimed["customer_id"], claimed["kind"])
        mail["List-Unsubscribe"] = f"<{link}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(rendered.text)
    mail.add_alternative(rendered.html, subtype="html")
    return mail


class Mailer(OutboxWorker):
    def __init__(self, config: MailerConfig) -> None:
        super().__init__(config.worker_database_url, config.poll, pool_size=2, log=log)
        self.config = config
        self.sent = self.failed = 0
        self.push_session: aiohttp.ClientSession | None = None  # to the push services, addresses checked

    async def start(self, app) -> None:
        self.push_session = outbound.session(self.config.push_allow_private, PUSH_TIMEOUT_S, "Kassa-Push/1")
        await super().start(app)

    async def stop(self, app) -> None:
        await super().stop(app)
        await self.push_session.close()

    def counts(self) -> dict[str, int]:
        return {"sent": self.sent, "failed": self.failed}

    async def round(self) -> bool:
        """One fan-out and one batch of sends a channel; True when there may be more to do at once."""
        fanned = await self.pool.fetchval("SELECT internal.fan_out_events($1)", BATCH)
        full = fanned == BATCH
        for channel, send in (("email", self.send_email), ("sms", self.send_sms), ("push", self.send_push)):
            claimed = await self.pool.fetch("SELECT * FROM internal.claim_messages($1, $2, $3)", channel, BATCH,
                                            self.config.lease)
            for message in claimed:
                try:
                    await self.deliver(message, send)
                except asyncpg.PostgresError as error:
                    if error.sqlstate != NOT_BEING_SENT:
                        raise
                    # Its lease ran out while this worker sent it, and another worker has it now.
                    log.warning("message %s: %s", message["message_id"], error)
            full = full or len(claimed) == BATCH
        login_mails = await self.pool.fetch("SELECT * FROM internal.claim_login_mails($1, $2)", BATCH,
                                            self.config.lease)
        for claimed in login_mails:
            await self.send_login_mail(claimed)
        return full or len(login_mails) == BATCH

    async def send_login_mail(self, claimed: asyncpg.Record) -> None:
        """A sign-up's, a password reset's or an invitation's link (bridge/login_links.py), sent
        and its outcome recorded; a hard bounce is its last attempt (no customer to suppress)."""
        link = login_links.url(self.config.bridge_url, self.config.login_link_key, claimed["purpose"], claimed["link_id"])
        subject, text = login_links.mail_text(claimed["purpose"], claimed["tenant_name"], link, claimed["expires_at"],
                                              claimed["role"])
        try:
            smtp = smtp_of(claimed, self.config)
            mail = addressed(claimed, smtp, subject, claimed["link_id"])
            mail.set_content(text)
            await asyncio.to_thread(smtp.send, mail)
        except (HardBounce, ValueError, smtplib.SMTPException, OSError) as error:
            attempts = 1 if isinstance(error, HardBounce) else self.config.max_attempts
            outcome = await self.pool.fetchval("SELECT internal.record_login_mail_failed($1, $2, $3, $4, $5)",
                                               claimed["tenant_id"], claimed["link_id"], f"{type(error).__name__}: {error}",
                                               self.config.first_retry, attempts)
            self.failed += 1
            log.warning("login mail %s (attempt %s) not sent, now %s: %s", claimed["link_id"], claimed["attempts"],
                        outcome, error)
            return
        await self.pool.execute("SELECT internal.record_login_mail_sent($1, $2)", claimed["tenant_id"], claimed["link_id"])
        self.sent += 1

    async def send_email(self, claimed: asyncpg.Record, event: messages.Event) -> tuple[str, None]:
        """Sends the message as an e-mail; its subject (an e-mail has no segments)."""
        smtp = smtp_of(claimed, self.config)
        rendered = messages.render(event, self.config.bridge_url)
        await asyncio.to_thread(smtp.send, email_of(claimed, rendered, smtp, self.config))
        return rendered.subject, None

    async def send_sms(self, claimed: asyncpg.Record, event: messages.Event) -> tuple[str, int]:
        """Sends the message as an SMS; its text and the segments it took."""
        text = messages.render_sms(event)
        await asyncio.to_thread(self.config.sms.send, claimed["recipient"], text, claimed["message_id"].hex)
        return text, segments(text).parts

    async def send_push(self, claimed: asyncpg.Record, event: messages.Event) -> tuple[str, None]:
        """Hands the message to its subscription's push service, encrypted for the browser and
        signed with the platform's VAPID key; its title."""
        target = await self.pool.fetchrow("SELECT * FROM internal.push_target($1, $2::uuid)", claimed["tenant_id"],
                                          claimed["recipient"])
        if target is None:
            raise SubscriptionGone("unsubscribed")
        rendered = messages.render(event, self.config.bridge_url)
        payload = {"title": rendered.subject, "body": messages.render_sms(event), "kind": claimed["kind"],
                   "event_id": str(claimed["event_id"]), "message_id": str(claimed["message_id"]),
                   "url": messages.payment_page(event, self.config.bridge_url)}
        request = webpush.push_request(target["endpoint"], target["p256dh"], target["auth"],
                                       json.dumps(payload).encode(), self.config.push, self.config.push_ttl)
        outbound.refuse_address_literal(request.url, self.config.push_allow_private)
        async with self.push_session.post(request.url, data=request.body, headers=request.headers,
                                          allow_redirects=False) as answer:
            if answer.status in webpush.GONE:
                raise SubscriptionGone(f"the push service answered HTTP {answer.status}")
            if not 200 <= answer.status < 300:
                raise PushRefused(f"the push service answered HTTP {answer.status}")
        return rendered.subject, None

    async def deliver(self, claimed: asyncpg.Record,
                      send: Callable[[asyncpg.Record, messages.Event], Awaitable[tuple[str, int | None]]]) -> None:
        event = messages.Event(claimed["kind"], json.loads(claimed["payload"]), claimed["locale"],
                               claimed["tenant_name"], claimed["minor_units"])
        try:
            subject, parts = await send(claimed, event)
        except HardBounce as bounce:
            await self.pool.execute("SELECT internal.record_message_bounced($1, $2, $3)",
                                    claimed["tenant_id"], claimed["message_id"], f"hard bounce: {bounce}")
            self.failed += 1
            log.warning("message %s bounced, its address is suppressed: %s", claimed["message_id"], bounce)
            return
        except SubscriptionGone as gone:
            await self.pool.fetchval("SELECT internal.end_push_subscription($1, $2::uuid, $3)",
                                     claimed["tenant_id"], claimed["recipient"], str(gone))
            self.failed += 1
            log.warning("push subscription %s ended: %s", claimed["recipient"], gone)
            return
        except (ValueError, smtplib.SMTPException, OSError, BulkSmsError, PushRefused, outbound.RefusedAddress,
                aiohttp.ClientError, asyncio.TimeoutError) as error:
            # A submission BulkSMS will never take fails at once: this attempt is its last.
            attempts = 1 if isinstance(error, BulkSmsError) and error.for_good else self.config.max_attempts
            outcome = await self.pool.fetchval("SELECT internal.record_message_failed($1, $2, $3, $4, $5)",
                                               claimed["tenant_id"], claimed["message_id"], f"{type(error).__name__}: {error}",
                                               self.config.first_retry, attempts)
            self.failed += 1
            log.warning("message %s (attempt %s) not sent, now %s: %s", claimed["message_id"], claimed["attempts"],
                        outcome, error)
            return
        await self.pool.execute("SELECT internal.record_message_sent($1, $2, $3, $4)",
                                claimed["tenant_id"], claimed["message_id"], subject, parts)
        self.sent += 1


if __name__ == "__main__":
    config = MailerConfig.from_environment()
    serve(Mailer(config), config.health_port)
