"""A set-up that fails says so on one line, what failed and how to fix it, not with a Python
traceback. Each case is a fresh throw-away home with its own (failing) cluster."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from kassa import config
from kassa.cluster import Cluster
from kassa.config import ROOT, free_port


@pytest.fixture
def home():
    (ROOT / ".kassa").mkdir(exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="setup-error-", dir=ROOT / ".kassa"))
    path.chmod(0o755)
    settings = config.new_settings(path, None, default_ports=False)
    settings.save()
    yield path
    cluster = Cluster(path, settings.ports["postgres"], settings.superuser_password)
    cluster.stop()
    cluster.remove()
    shutil.rmtree(path, ignore_errors=True)


def kassa_up(home: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kassa.cli", "up", "--no-demo"], cwd=ROOT,
                          env={"KASSA_HOME": str(home), "PATH": os.environ["PATH"], **env},
                          capture_output=True, text=True, timeout=120)


def one_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_a_taken_database_port_is_named_with_the_servers_reason(home):
    port = config.load(home).ports["postgres"]
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", port))
        squatter.listen()
        line = one_line(kassa_up(home))
    assert line.startswith(f"kassa up: PostgreSQL did not start on port {port}: FATAL: could not create"), line
    assert "fix that" in line and "postgres.log" in line


def test_a_failing_initdb_says_why(home):
    settings = config.load(home)
    # Where `kassa up` will create the cluster: the home, or /var/lib/kassa/… for a private one.
    data = Cluster(home, settings.ports["postgres"], settings.superuser_password).data
    data.mkdir(parents=True)
    (data / "left-over").write_text("not a cluster")
    line = one_line(kassa_up(home))
    assert line.startswith("kassa up: initdb failed (exit status 1): initdb: error: directory"), line
    assert "exists but is not empty" in line and line.endswith("fix that, then run it again")


def test_an_unreachable_database_server_is_named(home):
    port = free_port()
    line = one_line(kassa_up(home, KASSA_DATABASE_URL=f"postgresql://owner:secret@127.0.0.1:{port}/kassa"))
    assert line.startswith(f"kassa up: cannot use PostgreSQL at 127.0.0.1:{port}: "), line
    assert "Connection refused" in line and line.endswith("check KASSA_DATABASE_URL and that the server accepts connections from here")
