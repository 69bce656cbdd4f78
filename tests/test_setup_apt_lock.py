"""Two set-ups at once: scripts/install.sh waits for the Debian package lock another apt holds
instead of failing. The lock is held the way apt and dpkg hold it (an fcntl lock on
/var/lib/dpkg/lock-frontend; `flock(1)` takes a different kind of lock, which apt ignores),
while install.sh installs one tiny extra package named by KASSA_EXTRA_DEBIAN_PACKAGES."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factories import wait_for
from kassa.config import ROOT

PACKAGE = "hello"  # GNU hello, ~50 kB
LOCK = "/var/lib/dpkg/lock-frontend"
HOLD = "import fcntl, sys; lock = open(sys.argv[1], 'w'); fcntl.lockf(lock, fcntl.LOCK_EX); print('held', flush=True); sys.stdin.read()"


def installed(package: str) -> bool:
    status = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return "install ok installed" in status.stdout


def apt_installing(package: str) -> bool:
    """An `apt-get install … package` process is running (waiting for the lock, while we hold it)."""
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            argv = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if argv and argv[0].endswith(b"apt-get") and b"install" in argv and package.encode() in argv:
            return True
    return False


def test_install_waits_for_the_package_lock():
    if os.geteuid() != 0:
        pytest.skip("needs root: installs a Debian package and takes the dpkg lock")
    if installed(PACKAGE):
        pytest.skip(f"the Debian package {PACKAGE} is installed already: nothing to install")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, LOCK], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    install = None
    try:
        assert holder.stdout.readline() == "held\n"
        install = subprocess.Popen(["scripts/install.sh"], cwd=ROOT, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True,
                                   env={**os.environ, "KASSA_EXTRA_DEBIAN_PACKAGES": PACKAGE})
        assert wait_for(lambda: apt_installing(PACKAGE), timeout=120), "install.sh never ran apt-get install"
        time.sleep(3)
        # Without a lock timeout apt-get would have given up at once ("Could not get lock").
        assert install.poll() is None, install.stdout.read()
        assert apt_installing(PACKAGE)
        holder.stdin.close()  # another set-up is done with the lock
        output, _ = install.communicate(timeout=180)
        assert install.returncode == 0, output
        assert installed(PACKAGE)
    finally:
        holder.kill()
        holder.wait()
        if install and install.poll() is None:
            install.kill()
            install.wait()
        if installed(PACKAGE):
            subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=300", "remove", "-y", "-qq", PACKAGE],
                           capture_output=True, timeout=300)
