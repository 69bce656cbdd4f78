"""A checkout in a folder the cluster user cannot enter (root's 0700 home, a `mktemp -d`
folder): `make up`, an API call, `make down` and a throw-away test cluster all work, with the
cluster's files under /var/lib/kassa. On a fresh clone of HEAD; install.sh creates its venv
(pip's cache makes that quick) and the PostgREST binary, a static executable, is copied."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from kassa import config
from kassa import demo
from kassa.cluster import ROOT_CLUSTERS, outside_folder
from kassa.config import ROOT
from kassa.tokens import make_token

# Run in the clone: a throw-away test home and where its cluster lived.
THROWAWAY = """
import json, psycopg
from kassa import testrun
from kassa.cluster import cluster_folder
with testrun.throwaway() as settings:
    with psycopg.connect(settings.database_url) as conn:
        tenants = conn.execute("SELECT count(*) FROM kassa.tenants").fetchone()[0]
    cluster = cluster_folder(settings.home, settings.superuser_password)
    print(json.dumps({"home": settings.home, "cluster": str(cluster), "tenants": tenants}))
"""


def run(cwd: Path, *argv: str, timeout: float) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), "LANG": "C.UTF-8"}
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_up_down_and_a_test_cluster_in_a_private_folder():
    if os.geteuid() != 0:
        pytest.skip("needs root: only root's cluster runs as another user, who may be shut out")
    took, started = {}, time.monotonic()
    private = Path(tempfile.mkdtemp(prefix="kassa-private-"))
    assert private.stat().st_mode & 0o777 == 0o700
    checkout = private / "kassa"
    home = checkout / ".kassa"
    try:
        subprocess.run(["git", "clone", "-q", str(ROOT), str(checkout)], check=True, timeout=60)
        (checkout / ".tools").mkdir()
        shutil.copy2(ROOT / ".tools" / "postgrest", checkout / ".tools" / "postgrest")

        install = run(checkout, "make", "install", timeout=420)
        took["clone + install (venv)"] = time.monotonic() - started
        assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
        up = run(checkout, "make", "up", timeout=300)
        took["make up"] = time.monotonic() - started - sum(took.values())
        assert up.returncode == 0, up.stdout[-3000:] + up.stderr[-3000:]
        settings = config.load(home)
        cluster = outside_folder(home, settings.superuser_password)
        assert not (home / "pgdata").exists()
        assert (cluster / "pgdata" / "PG_VERSION").exists()
        assert (home / "logs" / "postgres.log").resolve() == cluster / "logs" / "postgres.log"
        tenant = demo.LEKKER_FIBRE
        staff = make_token(settings.jwt_secret, "staff", tenant, ttl=300)
        response = requests.get(settings.postgrest_url + "/customers", timeout=10,
                                headers={"Authorization": f"Bearer {staff}"})
        assert response.status_code == 200, response.text
        assert response.json() and {row["tenant_id"] for row in response.json()} == {tenant}

        down = run(checkout, "make", "down", timeout=60)
        assert down.returncode == 0, down.stdout + down.stderr
        assert not (cluster / "pgdata" / "postmaster.pid").exists()

        took["API call + make down"] = time.monotonic() - started - sum(took.values())
        throwaway = run(checkout, ".venv/bin/python", "-c", THROWAWAY, timeout=300)
        took["throw-away cluster"] = time.monotonic() - started - sum(took.values())
        assert throwaway.returncode == 0, throwaway.stdout + throwaway.stderr
        test_home = json.loads(throwaway.stdout.strip().splitlines()[-1])
        assert Path(test_home["cluster"]).parent == ROOT_CLUSTERS and test_home["tenants"] == 0
        assert not Path(test_home["home"]).exists() and not Path(test_home["cluster"]).exists(), \
            "the throw-away cluster was left behind"
    finally:
        if (checkout / ".venv" / "bin" / "kassa").exists():
            run(checkout, "make", "down", timeout=60)
        if (home / "state.json").exists():
            shutil.rmtree(outside_folder(home, config.load(home).superuser_password), ignore_errors=True)
        shutil.rmtree(private, ignore_errors=True)
    print("private folder:", ", ".join(f"{step} {seconds:.0f} s" for step, seconds in took.items()),
          f"(all {time.monotonic() - started:.0f} s)")
