"""The stack as a newcomer meets it: health endpoints, CLI, demo-free throw-away database."""
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import requests

from gateways import netcash
from kassa import config, services


def test_every_service_reports_healthy(stack):
    for service in stack:
        assert service.healthy(), f"{service.name} is not healthy"


def test_bridge_health_checks_the_database(settings):
    body = requests.get(settings.bridge_url + "/health", timeout=5).json()
    assert body == {"status": "ok"}


def test_kassa_env_json_names_every_endpoint(settings):
    env = {"KASSA_HOME": settings.home, "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-m", "kassa.cli", "env", "--json"], capture_output=True,
                         text=True, env=env, check=True).stdout
    data = json.loads(out)
    for key in ("pg_dsn", "postgrest_url", "bridge_url", "portal_url", "sse_url", "jwt_secret", "stripe_webhook_secret",
                "octo_api_base"):
        assert data[key], key
    assert data["postgrest_url"] == settings.postgrest_url
    assert data["portal_url"] == f"{settings.bridge_url}/portal/"
    assert data["octo_api_base"] == f"http://127.0.0.1:{settings.ports['octo_fake']}"


def test_octo_credentials_replace_the_local_octo_stand_in(settings, monkeypatch):
    def stand_ins() -> tuple[str, bool]:
        loaded = config.load(Path(settings.home))
        return loaded.environment()["KASSA_OCTO_API_BASE"], "octo_fake" in [s.name for s in services.stack(loaded)]

    local = settings.environment()
    for name in ("KASSA_OCTO_SHOP_ID", "KASSA_OCTO_SECRET", "KASSA_OCTO_API_BASE"):
        monkeypatch.setenv(name, local[name])  # a sourced `kassa env` is still local mode
    assert stand_ins() == (f"http://127.0.0.1:{settings.ports['octo_fake']}", True)
    monkeypatch.setenv("KASSA_OCTO_SHOP_ID", "27061")
    monkeypatch.setenv("KASSA_OCTO_SECRET", "a-real-secret")
    monkeypatch.delenv("KASSA_OCTO_API_BASE")
    assert stand_ins() == ("https://secure.octo.uz", False)
    monkeypatch.setenv("KASSA_OCTO_API_BASE", "https://octo.example")
    assert stand_ins() == ("https://octo.example", False)


def test_an_smtp_host_replaces_the_local_smtp_sink(settings, monkeypatch):
    def smtp() -> tuple[str, str, bool]:
        loaded = config.load(Path(settings.home))
        env = loaded.environment()
        return env["KASSA_SMTP_HOST"], env["KASSA_SMTP_PORT"], "smtp_sink" in [s.name for s in services.stack(loaded)]

    local = settings.environment()
    for name in ("KASSA_SMTP_HOST", "KASSA_SMTP_PORT"):
        monkeypatch.setenv(name, local[name])  # a sourced `kassa env` is still local mode
    assert smtp() == ("127.0.0.1", str(settings.ports["smtp_sink"]), True)
    monkeypatch.setenv("KASSA_SMTP_HOST", "smtp.example.com")
    monkeypatch.delenv("KASSA_SMTP_PORT")
    assert smtp() == ("smtp.example.com", "587", False)
    monkeypatch.setenv("KASSA_SMTP_PORT", "twenty-five")
    with pytest.raises(ValueError, match="KASSA_SMTP_PORT: 'twenty-five' is not a port number"):
        config.load(Path(settings.home))
    monkeypatch.setenv("KASSA_SMTP_PORT", "465")
    monkeypatch.setenv("KASSA_SMTP_TLS", "ssl")
    with pytest.raises(ValueError, match="KASSA_SMTP_TLS: 'ssl' is none of starttls, tls, none"):
        config.load(Path(settings.home))


def test_jobs_run_writes_the_job_log(settings, db):
    env = {"KASSA_HOME": settings.home, "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "kassa.cli", "jobs", "run", "ledger-check",
                             "--as-of", "2026-01-31"], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "succeeded"
    row = db.execute("SELECT status, as_of::text FROM kassa.job_runs WHERE job = 'ledger-check'"
                     " ORDER BY id DESC LIMIT 1").fetchone()
    assert row == {"status": "succeeded", "as_of": "2026-01-31"}


def test_unknown_job_is_refused_with_the_list_of_jobs(settings):
    env = {"KASSA_HOME": settings.home, "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "kassa.cli", "jobs", "run", "no-such-job"],
                            capture_output=True, text=True, env=env)
    assert result.returncode != 0
    assert "unknown job 'no-such-job'" in result.stderr and "ledger-check" in result.stderr


def test_netcash_runs_against_the_local_stand_in_until_keys_are_configured(settings, monkeypatch):
    env = settings.environment()
    assert "netcash_fake" in [service.name for service in services.stack(settings)]
    assert env["KASSA_NETCASH_URL"] == f"http://127.0.0.1:{settings.ports['netcash_fake']}/NIWS/niws_nif.svc"
    client = netcash.NetcashClient(netcash.NetcashSettings.from_environment(env))
    assert client.request_merchant_statement(date(2026, 12, 1)), "the stand-in accepts the keys the processes get"

    # A child of `kassa up` sees the stand-in's keys in its environment: still local mode.
    monkeypatch.setenv("KASSA_NETCASH_DEBIT_ORDER_KEY", env["KASSA_NETCASH_DEBIT_ORDER_KEY"])
    assert config.load(Path(settings.home)).netcash_local

    monkeypatch.setenv("KASSA_NETCASH_DEBIT_ORDER_KEY", "a-real-debit-order-key")
    configured = config.load(Path(settings.home))
    assert "netcash_fake" not in [service.name for service in services.stack(configured)]
    assert configured.environment()["KASSA_NETCASH_URL"] == netcash.LIVE_URL
    assert configured.environment()["KASSA_NETCASH_DEBIT_ORDER_KEY"] == "a-real-debit-order-key"


def test_bulksms_credentials_replace_the_local_stand_in(settings, monkeypatch):
    env = settings.environment()
    assert "bulksms_fake" in [service.name for service in services.stack(settings)]
    assert env["KASSA_BULKSMS_URL"] == f"http://127.0.0.1:{settings.ports['bulksms_fake']}/v1"
    for name in ("KASSA_BULKSMS_USERNAME", "KASSA_BULKSMS_PASSWORD", "KASSA_BULKSMS_URL"):
        monkeypatch.setenv(name, env[name])  # a sourced `kassa env` is still local mode
    assert config.load(Path(settings.home)).bulksms_local

    monkeypatch.setenv("KASSA_BULKSMS_USERNAME", "token-id")
    monkeypatch.setenv("KASSA_BULKSMS_PASSWORD", "token-secret")
    monkeypatch.delenv("KASSA_BULKSMS_URL")
    configured = config.load(Path(settings.home))
    assert "bulksms_fake" not in [service.name for service in services.stack(configured)]
    assert configured.environment()["KASSA_BULKSMS_URL"] == "https://api.bulksms.com/v1"
    assert configured.environment()["KASSA_BULKSMS_PASSWORD"] == "token-secret"
