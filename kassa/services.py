"""The long-running processes of a Kassa stack, started detached with pid and log files.

`kassa up` and the test suite use the same definitions, so what the tests exercise is what
runs: PostgREST, the bridge web process (Flask under gunicorn), the SSE gateway, the job
scheduler, the mail and webhook delivery workers and, when no gateway credentials are configured, the local
Stripe, OCTO and NetCash stand-ins (and, without an SMTP host, the local SMTP sink).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from bridge.claims import AUDIENCE
from kassa import processes
from kassa.config import LOCAL_BULKSMS_PASSWORD, LOCAL_BULKSMS_USERNAME, ROOT, TOOLS, Settings

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

    @property
    def ports(self) -> set[int]:
        return {self.port, urlsplit(self.health_url).port}

    def recorded(self, home: Path) -> tuple[int, int] | None:
        """The pid file: the main process's pid and start time (a pid alone may be reused)."""
        try:
            pid, started = map(int, self.pidfile(home).read_text().split())
        except (FileNotFoundError, ValueError):
            return None
        return pid, started

    def leader(self, home: Path) -> processes.Process | None:
        """The main process the pid file names, while it runs."""
        if not (recorded := self.recorded(home)):
            return None
        try:
            os.waitpid(recorded[0], os.WNOHANG)  # reap it if it is our own exited child
        except ChildProcessError:
            pass
        process = processes.read(recorded[0])
        return process if process and process.alive and process.started == recorded[1] else None

    def pid(self, home: Path) -> int | None:
        return leader.pid if (leader := self.leader(home)) else None

    def group(self, home: Path) -> int | None:
        """The process group of the pid file's main process, also after that process died (each
        service starts in a session of its own; the workers of a dead main process stay in its
        group). None when the pid went to another program: the kernel does not reuse a pid while
        it still names a process group, so that group is empty."""
        if not (recorded := self.recorded(home)):
            return None
        process = processes.read(recorded[0])
        return recorded[0] if not process or process.started == recorded[1] else None

    def members(self, home: Path) -> list[processes.Process]:
        return processes_of(home, [self])

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def start(self, home: Path, env: dict[str, str]) -> None:
        """Starts the service unless its main process runs; what a crashed one left goes first."""
        if self.pid(home):
            return
        processes.end(self.members(home), grace=5)
        if taken := processes.listeners(self.ports):
            pid, port = next(iter(taken.items()))
            raise RuntimeError(f"{self.name} cannot start: its port {port} is taken by process {pid} "
                               f"({processes.command(pid)}), which this stack did not start; stop that "
                               f"process or give {self.name} another port in {Path(home) / 'state.json'}, "
                               "then run it again")
        for folder in ("run", "logs"):
            (Path(home) / folder).mkdir(parents=True, exist_ok=True)
        with open(self.logfile(home), "ab") as log:
            process = subprocess.Popen(self.argv, cwd=ROOT, env={**os.environ, **env}, stdout=log,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                       start_new_session=True)
        # Our unreaped child, so its /proc entry stays even if it has exited already.
        self.pidfile(home).write_text(f"{process.pid} {processes.read(process.pid).started}\n")

    def wait_healthy(self, home: Path, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.healthy():
                return
            if not self.pid(home):
                break
            time.sleep(0.1)
        log = self.logfile(home)
        lines = [line.strip() for line in (log.read_text(errors="replace") if log.exists() else "").splitlines()]
        last = next((line for line in reversed(lines) if line), "no log written")
        raise RuntimeError(f"{self.name} did not become healthy on port {self.port} (last log line: {last}); "
                           f"fix that (whole log: {log}), then run it again")

    def stop(self, home: Path, timeout: float = 10) -> None:
        stop_services(home, [self], timeout)


def processes_of(home: Path, services: list[Service]) -> list[processes.Process]:
    """Every running process of these services: their process groups, and whatever else was
    started for this home (KASSA_HOME in its environment) and holds one of their ports."""
    groups = {group for service in services if (group := service.group(home))}
    holders = processes.listeners(set().union(*(service.ports for service in services)))
    return [process for process in processes.running() if (process.group in groups or process.pid in holders)
            and Path(processes.environment(process.pid).get("KASSA_HOME", "/nonexistent")) == Path(home)]


def write_private(path: Path, text: str) -> None:
    """Replaces a file only its owner may read in one step: PostgREST reads its configuration
    again whenever it reconnects, perhaps while `kassa up` or `kassa status` writes it."""
    with tempfile.NamedTemporaryFile("w", dir=path.parent, prefix=f".{path.name}.", delete=False) as new:
        new.write(text)  # the file is made 0600
    os.replace(new.name, path)


def jwt_key_file(settings: Settings) -> Path:
    path = Path(settings.home) / "jwt-keys.json"
    write_private(path, settings.jwt_keys)
    return path


def postgrest_config(settings: Settings) -> Path:
    path = Path(settings.home) / "postgrest.conf"
    write_private(
        path,
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
        services.append(stand_in("stripe_fake", "bridge.fakes.stripe_server", ports["stripe_fake"]))
    if settings.octo_local:  # no OCTO credentials
        services.append(stand_in("octo_fake", "bridge.fakes.octo_server", ports["octo_fake"]))
    if settings.netcash_local:  # no NetCash keys configured
        services.append(stand_in("netcash_fake", "bridge.fakes.netcash_server", ports["netcash_fake"],
                                 "--debit-order-key", settings.netcash_key("debit_order"),
                                 "--account-key", settings.netcash_key("account"),
                                 "--postback-url", f"{settings.bridge_url}/webhooks/netcash/mandate"))
    if settings.smtp_local:  # no SMTP host configured
        services.append(smtp_sink("smtp_sink", ports["smtp_sink"], ports["smtp_sink_admin"], settings.caught_mail))
    if settings.bulksms_local:  # no BulkSMS credentials configured
        services.append(stand_in("bulksms_fake", "bridge.fakes.bulksms_server", ports["bulksms_fake"],
                                 "--username", LOCAL_BULKSMS_USERNAME, "--password", LOCAL_BULKSMS_PASSWORD))
    services.append(mailer(settings))
    services.append(webhook_sender(settings))
    services.append(Service("documents", [str(VENV_BIN / "gunicorn"), "--config", "python:bridge.gunicorn_conf",
                                          "--workers", "2", "--bind", f"127.0.0.1:{ports['documents']}",
                                          "--graceful-timeout", "5", "--timeout", "120",
                                          "bridge.document_worker:app_from_environment()"],
                            ports["documents"], f"{settings.documents_url}/health"))
    return services


def smtp_sink(name: str, port: int, admin_port: int, folder: Path | str, *logins: str) -> Service:
    """The local SMTP sink (bridge/fakes/smtp_sink.py); the tests start one with logins
    ("user:password") as a tenant's own mail server."""
    return Service(name, [str(VENV_BIN / "python"), "-m", "bridge.fakes.smtp_sink", "--port", str(port),
                          "--admin-port", str(admin_port), "--folder", str(folder),
                          *(option for login in logins for option in ("--login", login))],
                   port, f"http://127.0.0.1:{admin_port}/health")


def mailer(settings: Settings, name: str = "mailer", port: int | None = None) -> Service:
    """The delivery worker (bridge/mailer.py); the tests start more under other names and ports."""
    port = port or settings.ports["mailer"]
    return Service(name, [str(VENV_BIN / "python"), "-m", "bridge.mailer"], port, f"http://127.0.0.1:{port}/health")


def webhook_sender(settings: Settings, name: str = "webhooks", port: int | None = None) -> Service:
    """The webhook delivery worker (bridge/webhook_sender.py); the tests start more, like mailer()."""
    port = port or settings.ports["webhooks"]
    return Service(name, [str(VENV_BIN / "python"), "-m", "bridge.webhook_sender"], port,
                   f"http://127.0.0.1:{port}/health")


def stand_in(name: str, module: str, port: int, *options: str) -> Service:
    """A local gateway stand-in (bridge/fakes/), answering /health on its port."""
    return Service(name, [str(VENV_BIN / "python"), "-m", module, "--port", str(port), *options],
                   port, f"http://127.0.0.1:{port}/health")


def start_all(settings: Settings, services: list[Service]) -> None:
    env = settings.environment()
    for service in services:
        service.start(Path(settings.home), env)
    for service in services:
        service.wait_healthy(Path(settings.home))


def stop_services(home: Path, services: list[Service], timeout: float = 10) -> None:
    """SIGTERM to each service's main process at once, which stops its own children (gunicorn's
    workers finish their request); after `timeout`, SIGKILL to whatever of a service is left,
    also what a main process that crashed left behind."""
    leaders = [leader for service in services if (leader := service.leader(home))]
    for leader in leaders:
        processes.send(leader, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and any(service.leader(home) for service in services):  # reaps our own
        time.sleep(0.02)
    processes.end(processes_of(home, services), grace=0)
    for service in services:
        service.pidfile(home).unlink(missing_ok=True)


def stop_all(settings: Settings, services: list[Service]) -> None:
    stop_services(Path(settings.home), services)
