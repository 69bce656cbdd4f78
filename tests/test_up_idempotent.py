"""`kassa up` on a stack that already runs is a no-op that prints the URLs and tokens again
(a second `make up` is a no-op that reprints the URLs and tokens)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_second_up_only_reprints(settings, stack, db):
    home = Path(settings.home)
    pids = {service.name: service.pid(home) for service in stack}
    api_view = db.execute("SELECT 'api.customers'::regclass::oid AS oid").fetchone()["oid"]

    result = subprocess.run([sys.executable, "-m", "kassa.cli", "up"], capture_output=True, text=True,
                            env={"KASSA_HOME": settings.home, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"}, timeout=60)

    assert result.returncode == 0, result.stderr
    assert settings.postgrest_url in result.stdout and "staff:" in result.stdout
    assert {service.name: service.pid(home) for service in stack} == pids, "services were restarted"
    assert db.execute("SELECT 'api.customers'::regclass::oid AS oid").fetchone()["oid"] == api_view, \
        "the database was deployed again"
