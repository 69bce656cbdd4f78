"""gunicorn settings of the bridge web process (`--config python:bridge.gunicorn_conf`)."""
import os
import sys

from bridge import db


def worker_exit(server, worker) -> None:
    """A worker told to stop ends at once: its connection pool is closed and the interpreter's
    teardown skipped. That teardown (thousands of Stripe SDK classes) takes seconds on a busy
    machine and held `kassa down` up to gunicorn's graceful timeout. A worker that failed to
    boot still exits the normal way, with the exit code that tells the master to give up."""
    if worker.alive:
        return
    db.close_pools()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)
