"""The processes of a stack as /proc shows them: which still run, which are whose, who holds a port.

`kassa up` cleans up with these before it starts a process again (docs/operations.md, "After a
crash"): a pid file may name a process that died (a zombie until its parent reaps it) or a pid
the kernel has since given to another program; a main process that died may leave processes
behind that still hold its port (gunicorn's workers outlive a killed master for a while) or,
for a postmaster, its shared memory.
"""
from __future__ import annotations

import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Process:
    pid: int
    # R, S, D, …; Z: exited, not reaped by its parent yet. Not part of its identity: the same
    # process is running one moment and sleeping the next.
    state: str = field(compare=False)
    group: int                       # process group id
    started: int                     # clock ticks after boot: with the pid it names one process

    @property
    def alive(self) -> bool:
        """Running: a zombie holds no port, memory or file any more."""
        return self.state != "Z"


def read(pid: int) -> Process | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = stat.rpartition(")")[2].split()   # after the command name, which may hold spaces
    return Process(pid, fields[0], int(fields[2]), int(fields[19]))


def running() -> list[Process]:
    found = (read(int(entry)) for entry in os.listdir("/proc") if entry.isdigit())
    return [process for process in found if process and process.alive]


def still_running(process: Process) -> bool:
    now = read(process.pid)
    return bool(now and now.alive and now.started == process.started)


def environment(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    return dict(item.split("=", 1) for item in raw.decode(errors="replace").split("\0") if "=" in item)


def link(pid: int, name: str) -> str | None:
    """/proc/PID/cwd or /proc/PID/exe: where a process works, what it runs."""
    try:
        return os.readlink(f"/proc/{pid}/{name}")
    except OSError:
        return None


def command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"


def listeners(ports: set[int]) -> dict[int, int]:
    """{pid: port} of each process with a listening TCP socket (IPv4 or IPv6) on one of `ports`."""
    sockets = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for row in rows:
            local, state, inode = (fields := row.split())[1], fields[3], fields[9]
            if state == "0A" and (port := int(local.rpartition(":")[2], 16)) in ports:  # 0A: LISTEN
                sockets[f"socket:[{inode}]"] = port
    holders = {}
    for pid in [int(entry) for entry in os.listdir("/proc") if entry.isdigit()] if sockets else ():
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            if (port := sockets.get(link(pid, f"fd/{fd}"))) is not None:
                holders[pid] = port
                break
    return holders


def send(process: Process, sig: int) -> None:
    """A signal to exactly this process: through a pidfd, so never to a program that got its pid since."""
    try:
        pidfd = os.pidfd_open(process.pid)
    except ProcessLookupError:
        return
    try:
        if still_running(process):
            signal.pidfd_send_signal(pidfd, sig)
    except ProcessLookupError:
        pass
    finally:
        os.close(pidfd)


def end(processes: list[Process], grace: float) -> None:
    """SIGTERM to each, SIGKILL to those still running after `grace` seconds; returns when all are gone."""
    for process in processes:
        send(process, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(map(still_running, processes)):
        time.sleep(0.05)
    for process in filter(still_running, processes):
        send(process, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while left := list(filter(still_running, processes)):
        if time.monotonic() > deadline:   # in the kernel (state D), e.g. on a hung disk
            raise RuntimeError(f"process {left[0].pid} ({command(left[0].pid)}) does not end after SIGKILL; "
                               "end it yourself, then run it again")
        time.sleep(0.05)
