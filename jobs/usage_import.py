"""Every few minutes: usage files network systems dropped in the import folder
(KASSA_USAGE_IMPORT_DIR, default `<KASSA_HOME>/usage-import`), one folder per tenant named by its
slug: `<dir>/<slug>/*.csv` (a header row `source,key,service_id,unit,quantity,usage_at`) or
`*.json` (a list of record objects with those fields). Each file is one all-or-nothing
transaction of internal.record_usage (db/functions/520_usage.sql), in batches of at most its
limit, then moved to `done/`, or to `failed/` next to a `<name>.error` file with the reason.
A file dropped twice records nothing the second time (the records' idempotency keys). Files
whose name starts with a dot are left alone: write a file under such a name and rename it when
it is complete, so a half-written file is never read."""
from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import psycopg
from psycopg.types.json import Jsonb

from bridge.db import acting_as
from jobs.config import JobConfig
from jobs.runner import Outcome

BATCH = 1000  # internal.record_usage takes at most this many records at once
FORMATS = (".csv", ".json")


class BadFile(ValueError):
    pass


def read_records(path: Path) -> list:
    """The records of a file as the batch RPC takes them; what they hold is checked by SQL."""
    try:
        if path.suffix == ".json":
            records = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(records, list):
                raise BadFile("a JSON usage file is a list of records")
            return records
        with path.open(newline="", encoding="utf-8") as file:
            return [{**row, "quantity": int(row["quantity"]) if (row.get("quantity") or "").isdigit() else row.get("quantity")}
                    for row in csv.DictReader(file)]
    except (UnicodeDecodeError, json.JSONDecodeError, csv.Error) as error:
        raise BadFile(f"unreadable {path.suffix[1:].upper()}: {error}") from error


def move(path: Path, folder: str) -> Path:
    """`path` moved into `folder` beside it, under a free name (a file dropped twice keeps both)."""
    target_dir = path.parent / folder
    target_dir.mkdir(exist_ok=True)
    target, copy = target_dir / path.name, 1
    while target.exists():
        target, copy = target_dir / f"{path.stem}.{copy}{path.suffix}", copy + 1
    return path.rename(target)


def import_file(conn: psycopg.Connection, tenant_id, path: Path, actor: str) -> dict:
    records = read_records(path)
    if not records:
        raise BadFile("the file holds no records")
    counts = {"recorded": 0, "already_recorded": 0}
    with acting_as(conn, actor):
        for start in range(0, len(records), BATCH):
            answer = conn.execute("SELECT internal.record_usage(%s, %s)",
                                  [tenant_id, Jsonb(records[start:start + BATCH])]).fetchone()[0]
            for key in counts:
                counts[key] += answer[key]
    return counts


def take_file(conn: psycopg.Connection, tenant_id, name: str, path: Path, actor: str, outcome: Outcome) -> None:
    """One file recorded and moved to done/, or moved to failed/ with its reason."""
    try:
        counts = import_file(conn, tenant_id, path, actor)
    except (BadFile, psycopg.Error) as error:
        reason = (f"{error.diag.sqlstate} {error.diag.message_primary}" if isinstance(error, psycopg.Error)
                  else str(error))
        failed = move(path, "failed")
        failed.with_name(failed.name + ".error").write_text(reason + "\n", encoding="utf-8")
        outcome.failed += 1
        outcome.errors.append(f"{name}: {reason}")
        outcome.detail["files"][name] = "failed"
        return
    move(path, "done")
    outcome.processed += 1
    outcome.detail["files"][name] = "done"
    for key, count in counts.items():
        outcome.detail[key] += count


def run(conn: psycopg.Connection, as_of: date | None, tenant: str | None, actor: str, config: JobConfig) -> Outcome:
    outcome = Outcome(detail={"recorded": 0, "already_recorded": 0, "files": {}})
    tenants = conn.execute("SELECT t.id, t.slug FROM internal.list_tenants() t"
                           " WHERE %(tenant)s::uuid IS NULL OR t.id = %(tenant)s", {"tenant": tenant}).fetchall()
    for tenant_id, slug in tenants:
        folder = config.usage_import_dir / slug
        if not folder.is_dir():
            continue
        for path in sorted(p for p in folder.iterdir()
                           if p.is_file() and p.suffix in FORMATS and not p.name.startswith(".")):
            try:
                take_file(conn, tenant_id, f"{slug}/{path.name}", path, actor, outcome)
            except FileNotFoundError:
                continue  # a run for one tenant and the platform-wide run met: the other one took it
    return outcome
