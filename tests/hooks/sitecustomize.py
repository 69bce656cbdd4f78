"""A test-only hook, loaded by a job process a test starts with this folder on PYTHONPATH
(tests/test_invoice_run.py): after KASSA_INVOICE_RUN_STOP_AFTER tenants have committed, the
invoice run stops itself with SIGSTOP, so the test can kill it at a known point half way.
Production code holds no such hook."""
import os
import signal

from jobs import invoice_run

STOP_AFTER = int(os.environ["KASSA_INVOICE_RUN_STOP_AFTER"])
record_tenant = invoice_run.Run.record


def record_then_stop(run, tenant_id, counts, error) -> None:
    record_tenant(run, tenant_id, counts, error)
    if error is None and counts is not None and run.committed == STOP_AFTER:
        os.kill(os.getpid(), signal.SIGSTOP)


invoice_run.Run.record = record_then_stop
