"""The embedded PostgreSQL cluster: a data folder in the checkout, loopback only.

`initdb` refuses to run as root, so when Kassa is started by root the cluster belongs to the
unprivileged system user `kassa` (created on first use) and its commands run through `runuser`.
"""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path("/usr/lib/postgresql/15/bin")
CLUSTER_USER = "kassa"


def _as_cluster_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    try:
        pwd.getpwnam(CLUSTER_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                        CLUSTER_USER], check=True)
    return ["runuser", "-u", CLUSTER_USER, "--"] + cmd


def _hand_over(path: Path) -> None:
    """Give a folder to the cluster user (no-op when not root)."""
    if os.geteuid() == 0:
        shutil.chown(path, CLUSTER_USER, CLUSTER_USER)


class Cluster:
    def __init__(self, home: Path, port: int, superuser_password: str):
        self.home = Path(home)
        self.data = self.home / "pgdata"
        self.sockets = self.home / "run"
        self.logfile = self.home / "logs" / "postgres.log"
        self.port = port
        self.superuser_password = superuser_password

    def _run(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(_as_cluster_user([str(PG_BIN / cmd[0]), *cmd[1:]]),
                              check=check, capture_output=True, text=True)

    @property
    def initialised(self) -> bool:
        return (self.data / "PG_VERSION").exists()

    def init(self) -> None:
        for folder in (self.home, self.data, self.sockets, self.logfile.parent):
            folder.mkdir(parents=True, exist_ok=True)
        _as_cluster_user(["true"])  # creates the user when needed
        for folder in (self.data, self.sockets, self.logfile.parent):
            _hand_over(folder)
        self.data.chmod(0o700)
        with tempfile.NamedTemporaryFile("w", delete=False, dir=self.home) as pwfile:
            pwfile.write(self.superuser_password)
        _hand_over(Path(pwfile.name))
        try:
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "--pwfile", pwfile.name,
                      "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8")
        finally:
            os.unlink(pwfile.name)
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(
                "\n# Kassa embedded cluster\n"
                "listen_addresses = '127.0.0.1'\n"
                f"port = {self.port}\n"
                f"unix_socket_directories = '{self.sockets}'\n"
                "max_connections = 200\n"
                "shared_buffers = 256MB\n"
                "fsync = on\n"
                "log_min_duration_statement = 2000\n"
            )

    def running(self) -> bool:
        return self._run("pg_ctl", "status", "-D", str(self.data), check=False).returncode == 0

    def pid(self) -> int | None:
        pidfile = self.data / "postmaster.pid"
        return int(pidfile.read_text().split()[0]) if pidfile.exists() else None

    def start(self, fast: bool = False) -> None:
        if not self.initialised:
            self.init()
        if self.running():
            return
        options = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" if fast else ""
        self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.logfile),
                  "-w", "-t", "60", "-o", options)
        for _ in range(100):
            if self._run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port), check=False).returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL did not become ready; see {self.logfile}")

    def stop(self) -> None:
        if self.initialised and self.running():
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w")

    def healthy(self) -> bool:
        return self._run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port), check=False).returncode == 0
