"""A tenant's mail through its own SMTP server: the operator names a profile of the mail
workers' KASSA_SMTP_PROFILES file for the tenant (`kassa tenant smtp-profile`), and its mail goes
out through that server with that login and From address, not through the platform's; a wrong
password or a profile the file lacks fails the attempts, saying why; the profiles file is checked
when a worker starts (bridge/mailer.py, smtp_profiles)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from email.utils import parseaddr
from pathlib import Path

import pytest

from factories import caught, create_customer, create_tenant, delivered, wait_for, write_events
from kassa import services
from bridge.mailer import smtp_profiles


def kassa_tenant(settings, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kassa.cli", "tenant", *args], capture_output=True, text=True,
                          env={"KASSA_HOME": settings.home, "PATH": os.environ["PATH"]}, timeout=60)


@pytest.fixture(scope="module")
def own_server(settings, tenant_mail_server):
    """The tenant's own mail server running (the suite's workers already know its profiles)."""
    sink = services.smtp_sink("own_mail_sink", tenant_mail_server.port, tenant_mail_server.admin_port,
                              tenant_mail_server.folder, tenant_mail_server.login)
    sink.start(Path(settings.home), {})
    sink.wait_healthy(Path(settings.home))
    yield tenant_mail_server
    sink.stop(Path(settings.home))


def customer_of_tenant_with(settings, db, profile: str | None):
    tenant = create_tenant(db)
    db.execute("UPDATE kassa.tenants SET mail_sender_name = 'Kaapse Draad Billing' WHERE id = %s", [tenant["id"]])
    if profile:
        chosen = kassa_tenant(settings, "smtp-profile", tenant["slug"], profile)
        assert chosen.returncode == 0, chosen.stderr
        assert chosen.stdout.strip() == f"tenant {tenant['slug']} sends mail through SMTP profile {profile}"
    return create_customer(db, tenant["id"], name="Thandi Mokoena")


def low_balance(db, customer) -> str:
    [event] = write_events(db, customer, "low_balance", [{"threshold": 5000, "balance": 4200, "currency": "ZAR"}])
    return event


def message_of(db, event: str) -> dict:
    return db.execute("SELECT m.status, m.attempts, m.last_error FROM kassa.messages m"
                      " JOIN kassa.notifications n ON n.tenant_id = m.tenant_id AND n.public_id = m.notification_id"
                      " WHERE n.public_id = %s", [event]).fetchone() or {}


def test_a_tenants_mail_goes_through_its_own_server_with_its_login_and_sender(settings, db, own_server):
    customer = customer_of_tenant_with(settings, db, own_server.profile)
    event = low_balance(db, customer)
    [mail] = delivered(settings, [event], folder=own_server.folder)
    assert mail["X-Sink-Login"] == own_server.login.split(":")[0], "sent after AUTH with the profile's login"
    assert parseaddr(mail["From"]) == ("Kaapse Draad Billing", parseaddr(own_server.sender)[1])
    assert mail["Message-ID"].endswith("@own-mail.example>"), "ids in the sender's domain"
    assert wait_for(lambda: message_of(db, event).get("status") == "sent")
    assert caught(settings, [event]) == [], "nothing went through the platform's server"


def test_a_tenant_without_a_profile_keeps_the_platforms_server(settings, db, own_server):
    customer = customer_of_tenant_with(settings, db, None)
    event = low_balance(db, customer)
    [mail] = delivered(settings, [event])
    assert mail["X-Sink-Login"] is None and parseaddr(mail["From"])[1] == parseaddr(settings.mail_from)[1]
    assert caught(settings, [event], own_server.folder) == []


def test_a_wrong_password_fails_the_attempts_and_names_the_refusal(settings, db, own_server):
    customer = customer_of_tenant_with(settings, db, own_server.wrong_password_profile)
    event = low_balance(db, customer)
    assert wait_for(lambda: message_of(db, event).get("attempts", 0) >= 2, 30), message_of(db, event)
    assert "SMTPAuthenticationError" in message_of(db, event)["last_error"]
    assert caught(settings, [event], own_server.folder) == [] and caught(settings, [event]) == []


def test_a_profile_the_file_lacks_fails_the_attempts_and_names_it(settings, db):
    customer = customer_of_tenant_with(settings, db, "no-such-profile")
    event = low_balance(db, customer)
    assert wait_for(lambda: message_of(db, event).get("attempts", 0) >= 2, 30), message_of(db, event)
    assert "SMTP profile 'no-such-profile' is not in KASSA_SMTP_PROFILES" in message_of(db, event)["last_error"]
    assert caught(settings, [event]) == []


def test_the_cli_clears_a_profile_and_refuses_a_bad_name_changing_nothing(settings, db, tenant):
    assert kassa_tenant(settings, "smtp-profile", tenant["slug"], "own-mail").returncode == 0
    refused = kassa_tenant(settings, "smtp-profile", tenant["slug"], "Own Mail!")
    assert refused.returncode != 0 and '"Own Mail!" is no SMTP profile name' in refused.stderr, refused.stderr
    assert db.execute("SELECT smtp_profile FROM kassa.tenants WHERE id = %s", [tenant["id"]]).fetchone() == \
        {"smtp_profile": "own-mail"}
    cleared = kassa_tenant(settings, "smtp-profile", tenant["slug"])
    assert cleared.returncode == 0 and "the platform's SMTP settings" in cleared.stdout
    assert db.execute("SELECT smtp_profile FROM kassa.tenants WHERE id = %s", [tenant["id"]]).fetchone() == \
        {"smtp_profile": None}


@pytest.mark.parametrize("profiles, message", [
    ("not json", "is no JSON"),
    ([], "holds no object of profiles by name"),
    ({"p": {"port": 25, "from": "a@b.example"}}, "profile 'p': host is missing"),
    ({"p": {"host": "h", "port": "25", "from": "a@b.example"}}, "profile 'p': port '25' is no port number"),
    ({"p": {"host": "h", "tls": "maybe", "from": "a@b.example"}}, "profile 'p': tls 'maybe' is none of"),
    ({"p": {"host": "h", "from": "nobody"}}, "profile 'p': from: not an e-mail address"),
    ({"p": {"host": "h", "from": "a@b.example", "pasword": "x"}}, "profile 'p': unknown settings pasword"),
    ({"p": {"host": "h", "from": "a@b.example", "dkim_selector": "s1"}}, "DKIM signing needs both"),
])
def test_a_bad_profiles_file_stops_the_worker_naming_what_is_wrong(tmp_path, profiles, message):
    path = tmp_path / "profiles.json"
    path.write_text(profiles if isinstance(profiles, str) else json.dumps(profiles))
    with pytest.raises(ValueError, match="KASSA_SMTP_PROFILES") as error:
        smtp_profiles(str(path))
    assert message in str(error.value)


def test_the_profiles_file_is_read_with_its_defaults(tmp_path):
    path = tmp_path / "profiles.json"
    path.write_text(json.dumps({"acme": {"host": "mail.acme.example", "user": "u", "password": "p",
                                         "from": "Acme <billing@acme.example>"}}))
    [(name, acme)] = smtp_profiles(str(path)).items()
    assert (name, acme.host, acme.port, acme.tls, acme.user, acme.password, acme.dkim_key) == \
        ("acme", "mail.acme.example", 587, "starttls", "u", "p", None)
    assert smtp_profiles("") == {}
