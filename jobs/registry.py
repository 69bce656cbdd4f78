"""The scheduled jobs Kassa knows: name -> module with `run(conn, as_of, tenant, actor, config) -> Outcome`."""
from __future__ import annotations

import importlib

JOBS = {
    "ledger-check": "jobs.ledger_check",
    "auto-topup": "jobs.auto_topup",
    "auto-pay": "jobs.auto_pay",
    "invoice-run": "jobs.invoice_run",
    "invoice-overdue": "jobs.invoice_overdue",
    "debit-order-mandates": "jobs.debit_order_mandates",
    "debit-order-run": "jobs.debit_order_run",
    "dunning": "jobs.dunning",
    "usage-import": "jobs.usage_import",
    "privacy-anonymise": "jobs.privacy_anonymise",
}


def load(name: str):
    if name not in JOBS:
        raise KeyError(f"unknown job {name!r}; known jobs: {', '.join(sorted(JOBS))}")
    return importlib.import_module(JOBS[name])
