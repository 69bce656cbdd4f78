"""The long-running processes of a Kassa stack, started detached with pid and log files.

`kassa up` and the test suite use the same definitions, so what the tests exercise is what
runs: PostgREST, the bridge web process (Flask under gunicorn), the SSE gateway, the job
scheduler and, when no Stripe key is configured, the local Stripe stand-in.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bridge.claims import AUDIENCE
from kassa.config import ROOT, TOOLS, Settings

VENV_BIN = Path(sys.executable).parent


@dataclass
class Service:
    name: str
    argv: list[str]
    port: int
    health_url: str

    def pidfile(self, home: Path) -> Path:
        return Path(home) / "run" / f"{self.name}.pid"

    def logfile(self, home: Path) -> Path:
        return Path(home) / "logs" / f"{self.name}.log"

    def pid(self, home: Path) -> int | None:
        try:
            pid = int(self.pidfile(home).read_text())
        except (FileNotFoundError, ValueError):
            return None
        try:
            os.waitpid(pid, os.WNOHANG)  # reap it if it is our own exited child
        except ChildProcessError:
            pass
        return pid if alive(pid) else None

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def start(self, home: Path, env: dict[str, str]) -> None:
        if self.pid(home):
            return
        for folder in ("run", "logs"):
            (Path(home) / folder).mkdir(parents=True, exist_ok=True)
        with open(self.logfile(home), "ab") as log:
            process = subprocess.Popen(self.argv, cwd=ROOT, env={**os.environ, **env}, stdout=log,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True)
        self.pidfile(home).write_text(str(process.pid))

    def wait_healthy(self, home: Path, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.healthy():
                return
            if not self.pid(home):
                break
            time.sleep(0.1)
        log = self.logfile(home)
        tail = log.read_text()[-2000:] if log.exists() else ""
        raise RuntimeError(f"{self.name} did not become healthy on port {self.port}:\n{tail}")

    def stop(self, home: Path, timeout: float = 10) -> None:
        stop_services(home, [self], timeout)


def alive(pid: int) -> bool:
    """Running, not a zombie: an exited process another parent has not reaped yet is gone for
    us (some container inits reap only every few seconds)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def jwt_key_file(settings: Settings) -> Path:
    path = Path(settings.home) / "jwt-keys.json"
    path.touch(mode=0o600)
    path.write_text(settings.jwt_keys)
    return path


def postgrest_config(settings: Settings) -> Path:
    path = Path(settings.home) / "postgrest.conf"
    path.write_text(
        f'db-uri = "{settings.authenticator_url}"\n'
        'db-schemas = "api"\n'
        'db-anon-role = "anon"\n'
        'db-extra-search-path = ""\n'
        'db-pre-request = "internal.check_request"\n'
        'db-max-rows = 1000\n'
        'db-pool = 10\n'
        'db-plan-enabled = false\n'
        # The key set (current and previous keys, docs/security.md), from a file: JSON in the
        # config's quoted string would need escaping.
        f'jwt-secret = "@{jwt_key_file(settings)}"\n'
        f'jwt-aud = "{AUDIENCE}"\n'
        'server-host = "127.0.0.1"\n'
        f'server-port = {settings.ports["postgrest"]}\n'
        'admin-server-port = ' f'{settings.ports["postgrest_admin"]}\n'
        'log-level = "warn"\n'
        # The pgcrypto key for payment-method details: a session setting only our security
        # definer functions read (db/functions/410_payment_methods.sql).
        f'app.settings.payment_method_key = "{settings.payment_method_key}"\n'
    )
    path.chmod(0o600)
    return path


def stack(settings: Settings) -> list[Service]:
    ports = settings.ports
    services = [
        Service("postgrest", [str(TOOLS / "postgrest"), str(postgrest_config(settings))],
                ports["postgrest"], f"http://127.0.0.1:{ports['postgrest_admin']}/ready"),
        Service("bridge", [str(VENV_BIN / "gunicorn"), "--config", "python:bridge.gunicorn_conf",
                           "--workers", "4", "--bind",
                           f"127.0.0.1:{ports['bridge']}", "--graceful-timeout", "5", "bridge.web:app_from_environment()"],
                ports["bridge"], f"http://127.0.0.1:{ports['bridge']}/health"),
        Service("sse", [str(VENV_BIN / "python"), "-m", "bridge.sse"],
                ports["sse"], f"http://127.0.0.1:{ports['sse']}/health"),
        Service("scheduler", [str(VENV_BIN / "python"), "-m", "jobs.scheduler"],
                ports["scheduler"], f"{settings.scheduler_url}/health"),
    ]
    if settings.stripe_api_base.startswith("http://127.0.0.1"):  # local mode: no real Stripe key
        services.append(Service("stripe_fake", [str(VENV_BIN / "python"), "-m", "bridge.fakes.stripe_server",
                                                "--port", str(ports["stripe_fake"])],
                                ports["stripe_fake"], f"http://127.0.0.1:{ports['stripe_fake']}/health"))
    return services


def start_all(settings: Settings, services: list[Service]) -> None:
    env = settings.environment()
    for service in services:
        service.start(Path(settings.home), env)
    for service in services:
        service.wait_healthy(Path(settings.home))


def stop_services(home: Path, services: list[Service], timeout: float = 10) -> None:
    """SIGTERM to each service's main process at once, which stops its own children (gunicorn's
    workers finish their request); SIGKILL to a whole group only after `timeout`."""
    running = [(service, pid) for service in services if (pid := service.pid(home))]
    for _, pid in running:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(service.pid(home) for service, _ in running):
        time.sleep(0.02)
    for service, pid in running:
        if service.pid(home):
            os.killpg(pid, signal.SIGKILL)
    for service in services:
        service.pidfile(home).unlink(missing_ok=True)


def stop_all(settings: Settings, services: list[Service]) -> None:
    stop_services(Path(settings.home), services)
