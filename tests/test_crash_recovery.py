"""`kassa up` after a crash: whichever process of the stack is killed (SIGKILL, so it cleans up
nothing), one `kassa up` brings the whole stack back healthy and leaves nothing of the killed
process behind: no gunicorn workers of a dead master, no backends of a dead postmaster.

The processes come from the stack's own list (`kassa.stack`), so a process added there is
tested here too. One stack (started by `kassa up`, like `make up`) serves every case in turn.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import requests
from psycopg.rows import dict_row

from factories import create_customer, create_tenant
from kassa import config, processes, stack
from kassa.config import ROOT
from kassa.tokens import make_token

CASE_TIMEOUT = 60   # seconds for one `kassa up` after a kill


def process_names() -> list[str]:
    with tempfile.TemporaryDirectory() as home:
        settings = config.new_settings(Path(home), None, default_ports=False)
        return ["postgres"] + [service.name for service in stack.services(settings)]


def kassa_up(settings: config.Settings, timeout: float = CASE_TIMEOUT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kassa.cli", "up", "--no-demo"], capture_output=True, text=True,
                          env={"KASSA_HOME": settings.home, "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
                          timeout=timeout)


@pytest.fixture(scope="module")
def crashing():
    """A stack of its own started by `kassa up` (durable commits, unlike the test cluster's, whose
    last commits a crash may lose), with a tenant and a customer to call the API for."""
    (ROOT / ".kassa").mkdir(exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="crash-", dir=ROOT / ".kassa"))
    home.chmod(0o755)
    settings = config.new_settings(home, None, default_ports=False)
    settings.save()
    try:
        started = kassa_up(settings, timeout=600)  # creates the cluster
        assert started.returncode == 0, started.stderr
        with psycopg.connect(settings.database_url, autocommit=True, row_factory=dict_row) as conn:
            tenant = create_tenant(conn)
            customer = create_customer(conn, tenant["id"])
        yield settings, tenant, customer
    finally:
        stack.down(settings)
        stack.cluster(settings).remove()
        shutil.rmtree(home, ignore_errors=True)


def main_and_members(settings: config.Settings, name: str) -> tuple[processes.Process | None, list[processes.Process]]:
    """The main process of `name` (the postmaster, gunicorn's master, …) and all of its processes."""
    if name == "postgres":
        cluster = stack.cluster(settings)
        return cluster.postmaster(), cluster.members()
    service = next(s for s in stack.services(settings) if s.name == name)
    return service.leader(Path(settings.home)), service.members(Path(settings.home))


def assert_every_service_answers(settings: config.Settings, tenant: dict, customer: dict) -> None:
    home = Path(settings.home)
    for service in stack.services(settings):
        leader = service.leader(home)
        assert leader and service.healthy(), f"{service.name} is not running and healthy"
        holders = processes.listeners(service.ports)
        assert holders and {processes.read(pid).group for pid in holders} == {leader.pid}, \
            f"{service.name}'s ports are not held by the process group its pid file names"
    staff = make_token(settings.jwt_secret, "staff", str(tenant["id"]), ttl=600)
    customers = requests.get(f"{settings.postgrest_url}/customers", headers={"Authorization": f"Bearer {staff}"},
                             timeout=10)
    assert customers.status_code == 200 and [c["id"] for c in customers.json()] == [str(customer["id"])], customers.text
    assert requests.get(f"{settings.bridge_url}/health", timeout=10).json() == {"status": "ok"}
    assert requests.get(f"{settings.scheduler_url}/health", timeout=10).status_code == 200
    assert first_event(settings, tenant, customer)["customer_id"] == str(customer["id"])


def first_event(settings: config.Settings, tenant: dict, customer: dict) -> dict:
    """Opens an SSE stream, makes a posting once the gateway has it, returns the stream's first event."""
    token = make_token(settings.jwt_secret, "customer", str(tenant["id"]), str(customer["id"]), ttl=600)
    with requests.get(settings.sse_url, headers={"Authorization": f"Bearer {token}"}, stream=True,
                      timeout=10) as stream:
        lines = stream.iter_lines(decode_unicode=True)
        assert next(lines) == ": connected"
        with psycopg.connect(settings.database_url, autocommit=True) as conn:
            conn.execute("SELECT internal.post_entry(%s, %s, 'adjustment', 100, 'test', %s)",
                         [tenant["id"], customer["id"], f"crash-{uuid.uuid4()}"])
        return json.loads(next(line for line in lines if line.startswith("data: "))[len("data: "):])


@pytest.mark.parametrize("name", process_names())
def test_one_kassa_up_restores_the_stack_after_a_process_is_killed(crashing, name):
    settings, tenant, customer = crashing
    main, members = main_and_members(settings, name)
    assert main in members, f"{name} does not run before the kill"

    os.kill(main.pid, signal.SIGKILL)   # the main process only: gunicorn's workers, backends stay
    began = time.monotonic()
    result = kassa_up(settings)
    took = time.monotonic() - began

    assert result.returncode == 0, result.stderr
    left = [f"{p.pid} {processes.command(p.pid)}" for p in members if processes.still_running(p)]
    assert not left, f"processes of the killed {name} still run: {left}"
    assert_every_service_answers(settings, tenant, customer)
    print(f"{name}: `kassa up` took {took:.1f} s")


def test_a_pid_file_naming_another_program_neither_counts_as_running_nor_gets_it_killed(crashing):
    """A pid the kernel gave to another program since (here one in a session of its own, as our
    services are): `kassa up` starts the service and leaves that program alone."""
    settings, tenant, customer = crashing
    home = Path(settings.home)
    service = stack.services(settings)[0]
    service.stop(home)
    stranger = subprocess.Popen(["sleep", "120"], start_new_session=True, env={"PATH": os.environ["PATH"]})
    try:
        service.pidfile(home).write_text(f"{stranger.pid} {processes.read(stranger.pid).started + 1}\n")

        result = kassa_up(settings)

        assert result.returncode == 0, result.stderr
        assert stranger.poll() is None, "kassa up killed a program that is not the stack's"
        assert service.pid(home) not in (None, stranger.pid)
        assert_every_service_answers(settings, tenant, customer)
    finally:
        stranger.kill()
        stranger.wait()
