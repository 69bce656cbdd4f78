"""A clean stop: `kassa down` is quick with SSE clients connected, and neither a client going
away nor the stop itself writes an error to any log. On a real `kassa up` in a throw-away home
(its own cluster and ports), so stopping it leaves the test stack alone."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest
import requests

from factories import wait_for
from kassa import config
from kassa import demo
from kassa.cluster import Cluster
from kassa.config import ROOT
from kassa.tokens import make_token

TENANT, CUSTOMER = demo.LEKKER_FIBRE, demo.LEKKER_FIRST_CUSTOMER


def kassa(home: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    env = {"KASSA_HOME": str(home), "PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/")}
    return subprocess.run([sys.executable, "-m", "kassa.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def stack_home():
    """A home with a running `kassa up` stack (demo data loaded); stopped and deleted afterwards."""
    (ROOT / ".kassa").mkdir(exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="setup-down-", dir=ROOT / ".kassa"))
    home.chmod(0o755)
    config.new_settings(home, None, default_ports=False).save()
    try:
        up = kassa(home, "up")
        assert up.returncode == 0, up.stdout + up.stderr
        yield home
    finally:
        kassa(home, "down")
        settings = config.load(home)
        Cluster(home, settings.ports["postgres"], settings.superuser_password).remove()
        shutil.rmtree(home, ignore_errors=True)


def open_stream(settings: config.Settings) -> requests.Response:
    """An SSE stream of the demo customer, read up to the gateway's first comment."""
    token = make_token(settings.jwt_secret, "customer", TENANT, CUSTOMER, ttl=600)
    response = requests.get(settings.sse_url, headers={"Authorization": f"Bearer {token}"},
                            stream=True, timeout=10)
    assert response.status_code == 200
    assert next(response.iter_lines(decode_unicode=True)) == ": connected"
    return response


def gateway_clients(settings: config.Settings) -> int:
    return requests.get(settings.sse_url.removesuffix("/events") + "/health", timeout=5).json()["clients"]


def error_lines(home: Path, postgres_log_from: int) -> list[str]:
    """Lines with ERROR or Traceback in every log of `home`; postgres.log only from the given
    offset (the first deploy's `sqitch` probes its not-yet-created registry, logged as ERROR)."""
    found = []
    for log in sorted((home / "logs").iterdir()):
        text = log.read_text(errors="replace")
        if log.name == "postgres.log":
            text = text[postgres_log_from:]
        found += [f"{log.name}: {line}" for line in text.splitlines() if "ERROR" in line or "Traceback" in line]
    return found


def test_disconnects_and_down_are_quiet_and_down_waits_for_nothing(stack_home):
    settings = config.load(stack_home)
    postgres_log_from = len((stack_home / "logs" / "postgres.log").read_text(errors="replace"))

    # A client that goes away, then a balance change the gateway would have sent it.
    open_stream(settings).close()
    with psycopg.connect(settings.database_url, autocommit=True) as conn:
        conn.execute("SELECT internal.post_entry(%s, %s, 'adjustment', 100, 'test', %s)",
                     [TENANT, CUSTOMER, f"setup-down-{os.getpid()}"])
    assert wait_for(lambda: gateway_clients(settings) == 0), "the gateway kept the closed stream"

    streams = [open_stream(settings) for _ in range(10)]
    assert gateway_clients(settings) == 10
    started = time.monotonic()
    down = kassa(stack_home, "down", timeout=60)
    took = time.monotonic() - started
    print(f"kassa down with 10 SSE clients: {took:.2f} s")
    assert down.returncode == 0, down.stderr
    # Quick because nothing waits out a timeout: each process ends on SIGTERM, each stream is
    # ended by the gateway (a worker killed after gunicorn's graceful timeout would cut them
    # off and log an ERROR). The time is printed, not asserted (it depends on the machine's load).
    for stream in streams:  # each stream was ended by the gateway, not cut off
        assert list(stream.iter_lines()) == []
        stream.close()

    assert error_lines(stack_home, postgres_log_from) == []
