"""The embedded PostgreSQL cluster: a data folder in the home folder, loopback only.

`initdb` refuses to run as root, so when Kassa is started by root the cluster belongs to the
unprivileged system user `kassa` (created on first use) and its commands run through `runuser`.
That user cannot reach a checkout in a private folder (root's 0700 home, a `mktemp -d`
folder); the cluster's files (`pgdata/`, `run/`, `logs/postgres.log`) then live in
/var/lib/kassa/<hash of the home's path and password>/ instead, with a file `home` naming the
home, and the home's `logs/postgres.log` is a symlink to the cluster's log.
"""
from __future__ import annotations

import hashlib
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from kassa import processes

PG_BIN = Path("/usr/lib/postgresql/15/bin")
CLUSTER_USER = "kassa"
ROOT_CLUSTERS = Path("/var/lib/kassa")


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


def outside_folder(home: Path, superuser_password: str) -> Path:
    """Where root keeps the cluster of `home` when the cluster user cannot reach `home`. The
    home's generated password is part of the key: a new checkout where an old one was gets a
    cluster of its own, not the old one it has no passwords for."""
    key = f"{Path(home).resolve()}\0{superuser_password}"
    return ROOT_CLUSTERS / hashlib.sha256(key.encode()).hexdigest()[:16]


def cluster_folder(home: Path, superuser_password: str) -> Path:
    """The folder holding pgdata/ of `home`: the home itself unless root's cluster user cannot
    reach it. Decided once: an existing cluster stays where it is."""
    home, outside = Path(home), outside_folder(home, superuser_password)
    if os.geteuid() != 0 or (home / "pgdata").exists():
        return home
    if outside.exists():
        return outside
    probe = home
    while not probe.exists():  # a home not made yet gets the permissions of its parent
        probe = probe.parent
    reachable = subprocess.run(_as_cluster_user(["test", "-x", str(probe)]), cwd="/").returncode == 0
    return home if reachable else outside


class Cluster:
    def __init__(self, home: Path, port: int, superuser_password: str):
        self.home = Path(home).absolute()  # its commands run in /, see _run
        self.folder = cluster_folder(self.home, superuser_password)
        self.data = self.folder / "pgdata"
        self.sockets = self.folder / "run"
        self.logfile = self.folder / "logs" / "postgres.log"
        self.port = port
        self.superuser_password = superuser_password

    def _run(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        # cwd: the cluster user may not be allowed into the caller's working folder.
        return subprocess.run(_as_cluster_user([str(PG_BIN / cmd[0]), *cmd[1:]]), cwd="/",
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
        if self.folder != self.home:
            (self.folder / "home").write_text(f"{self.home.resolve()}\n")  # whose cluster this is
            home_log = self.home / "logs" / "postgres.log"
            home_log.parent.mkdir(parents=True, exist_ok=True)
            if home_log.is_symlink():
                home_log.unlink()
            if not home_log.exists():  # a log of an earlier cluster in the home stays
                home_log.symlink_to(self.logfile)
        with tempfile.NamedTemporaryFile("w", delete=False, dir=self.folder) as pwfile:
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

    def postmaster(self) -> processes.Process | None:
        """The server of this data folder while it runs: the pid in postmaster.pid, not a zombie,
        and a postgres working in this folder (a dead server's pid may belong to another
        program now; pg_ctl takes either for a running server)."""
        pidfile = self.data / "postmaster.pid"
        try:
            pid = int(pidfile.read_text().split()[0])
        except (FileNotFoundError, IndexError, ValueError):
            return None
        process = processes.read(pid)
        return process if process and process.alive and self.serves(pid) else None

    def serves(self, pid: int) -> bool:
        """Whether a process is one of this cluster's: every server process works in its data folder."""
        return (processes.link(pid, "exe") == str((PG_BIN / "postgres").resolve())
                and processes.link(pid, "cwd") == str(self.data.resolve()))

    def members(self) -> list[processes.Process]:
        """Every running process of this cluster: the postmaster and its backends and helpers
        (each in a session of its own, so not one process group)."""
        return [process for process in processes.running() if self.serves(process.pid)]

    def pid(self) -> int | None:
        return postmaster.pid if (postmaster := self.postmaster()) else None

    def start(self, fast: bool = False) -> None:
        """Starts the server unless it runs, then waits until it accepts connections. After a
        crash of the postmaster (SIGKILL, out of memory) its backends may still hold its shared
        memory, which a new server refuses to share: they end on their own soon after, or are
        ended here; then its lock files go (postmaster.pid and the socket's, naming its pid) and
        the new server replays the WAL itself."""
        if not self.initialised:
            self.init()
        if not self.postmaster():
            processes.end(self.members(), grace=5)
            for lock in [self.data / "postmaster.pid", *self.sockets.glob(".s.PGSQL.*.lock")]:
                lock.unlink(missing_ok=True)
            options = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off" if fast else ""
            started = self._run("pg_ctl", "start", "-D", str(self.data), "-l", str(self.logfile),
                                "-w", "-t", "60", "-o", options, check=False)
            if started.returncode != 0:
                raise RuntimeError(f"PostgreSQL did not start on port {self.port}: {self.last_problem()}; "
                                   f"fix that (whole log: {self.logfile}), then run it again")
        for _ in range(600):  # a running server may still be replaying its WAL after a backend crashed
            if self.healthy():
                return
            time.sleep(0.1)
        raise RuntimeError(f"PostgreSQL did not become ready on port {self.port}: {self.last_problem()}; "
                           f"fix that (whole log: {self.logfile}), then run it again")

    def last_problem(self) -> str:
        """The log's last FATAL or PANIC message: why the server did not start."""
        lines = self.logfile.read_text(errors="replace").splitlines() if self.logfile.exists() else []
        problems = [" ".join(line[match.start() + 1:].split()) for line in lines
                    if (match := re.search(r" (FATAL|PANIC): ", line))]
        return (problems or lines or ["no log written"])[-1].strip()

    def stop(self) -> None:
        """Stops the server, and ends what a crashed one left behind."""
        if self.initialised and self.postmaster():
            self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w")
        processes.end(self.members(), grace=5)

    def remove(self) -> None:
        """Delete the cluster's files kept outside the home (the home's owner deletes the rest)."""
        if self.folder != self.home:
            shutil.rmtree(self.folder, ignore_errors=True)

    def healthy(self) -> bool:
        return self._run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port), check=False).returncode == 0
