"""The settings of the jobs, built once by the process that runs them (the scheduler at start, the
CLI's `kassa jobs run`) and passed to runner.run, which hands them to every job."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gateways.netcash import NetcashSettings
from gateways.stripe_settings import StripeSettings


@dataclass(frozen=True)
class JobConfig:
    stripe: StripeSettings
    payment_method_key: str
    invoice_run_workers: int  # connections an invoice run bills tenants on (one per core of the reference machine)
    dunning_workers: int      # connections a dunning run takes tenants on
    netcash: NetcashSettings
    usage_import_dir: Path    # where network systems drop usage files (jobs/usage_import.py)

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> JobConfig:
        return cls(stripe=StripeSettings.from_environment(env), payment_method_key=env["KASSA_PAYMENT_METHOD_KEY"],
                   invoice_run_workers=int(env.get("KASSA_INVOICE_RUN_WORKERS", "2")),
                   dunning_workers=int(env.get("KASSA_DUNNING_WORKERS", "2")),
                   netcash=NetcashSettings.from_environment(env),
                   usage_import_dir=Path(env.get("KASSA_USAGE_IMPORT_DIR") or Path(env["KASSA_HOME"]) / "usage-import"))
