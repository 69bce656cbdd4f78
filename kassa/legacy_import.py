"""`kassa import KIND FILE.csv --tenant ID`: a legacy system's customers, services, opening
balances, open invoices or debit-order mandates (docs/import.md). This module reads the file
(UTF-8 with or without BOM, else Windows-1252; `,` or `;` as the header line says) and writes the
report; the rules and the writes are SQL's (internal.import_legacy, db/functions/710_import.sql),
one transaction, as the owner, audited under the actor cli:import:<kind>."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

REPORT_COLUMNS = ("line", "legacy_id", "outcome", "reason")


class ImportRefused(Exception):
    """The file cannot be read as an import at all (not a row's problem): one line for the operator."""


@dataclass
class Parsed:
    rows: list[dict]       # one object per data row: its line number and its columns' text
    rejected: list[dict]   # rows the reader could not split into the header's columns
    encoding: str
    delimiter: str


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was read in: UTF-8 (a BOM dropped), else Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError as error:
        raise ImportRefused(f"the file is neither UTF-8 nor Windows-1252 (byte {error.start + 1})") from None


def parse(data: bytes) -> Parsed:
    text, encoding = decode(data)
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise ImportRefused("the file is empty: it needs a header row naming its columns") from None
    if "" in header or len(set(header)) != len(header):
        raise ImportRefused(f"the header row names a column twice or leaves one unnamed: {delimiter.join(header)}")
    rows, rejected = [], []
    line = reader.line_num
    for fields in reader:
        start, line = line + 1, reader.line_num  # a quoted field may span lines: the row's first
        if not any(field.strip() for field in fields):
            continue
        if len(fields) != len(header):
            rejected.append({"line": start, "legacy_id": fields[0].strip() if fields else "", "outcome": "rejected",
                             "reason": f"{len(fields)} fields, the header has {len(header)}"})
            continue
        rows.append({"line": start, **dict(zip(header, fields))})
    if not rows and not rejected:
        raise ImportRefused("the file has a header row but no rows")
    return Parsed(rows, rejected, encoding, delimiter)


def run(conn, kind: str, tenant: str, parsed: Parsed, dry_run: bool, skip_invalid: bool) -> list[dict]:
    """Every row's outcome: valid, imported, skipped or rejected, ordered by line."""
    # A row the reader rejected holds back an all-or-nothing import just as one SQL rejects.
    mode = ("dry_run" if dry_run or (parsed.rejected and not skip_invalid)
            else "skip_invalid" if skip_invalid else "all_or_nothing")
    with conn.transaction():
        conn.execute("SELECT internal.act_as(%s)", [f"cli:import:{kind}"])
        answers = conn.execute(
            "SELECT line, legacy_id, outcome, reason, kassa_id::text FROM internal.import_legacy(%s, %s, %s::jsonb, %s)",
            [tenant, kind, json.dumps(parsed.rows), mode]).fetchall() if parsed.rows else []
    outcomes = [dict(zip(("line", "legacy_id", "outcome", "reason", "kassa_id"), row)) for row in answers]
    return sorted(outcomes + parsed.rejected, key=lambda row: row["line"])


def write_report(path: Path, outcomes: list[dict]) -> int:
    """The rows not imported now (rejected, and skipped as imported before), with line and
    reason; how many."""
    listed = [row for row in outcomes if row["outcome"] in ("rejected", "skipped")]
    with path.open("w", newline="", encoding="utf-8") as report:
        writer = csv.DictWriter(report, fieldnames=REPORT_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(listed)
    return len(listed)


def main(settings, kind: str, file: str, tenant: str, dry_run: bool, skip_invalid: bool, report: str | None) -> int:
    import psycopg
    source = Path(file)
    try:
        parsed = parse(source.read_bytes())
    except OSError as error:
        raise ImportRefused(f"cannot read {file}: {error.strerror}") from None
    report_path = Path(report) if report else source.with_name(source.stem + ".report.csv")
    with psycopg.connect(settings.database_url) as conn:
        # Mandates store the account number encrypted, under the configured key.
        conn.execute("SELECT set_config('app.settings.payment_method_key', %s, false)", [settings.payment_method_key])
        conn.commit()
        try:
            outcomes = run(conn, kind, tenant, parsed, dry_run, skip_invalid)
        except psycopg.errors.DatabaseError as error:  # a refusal of the whole file (P0J2x): its message
            if not (error.diag.sqlstate or "").startswith("P0"):
                raise
            raise ImportRefused(f"{error.diag.message_primary} ({error.diag.sqlstate})"
                                + (f"; {error.diag.message_hint}" if error.diag.message_hint else "")) from None
    listed = write_report(report_path, outcomes)
    count = {outcome: sum(row["outcome"] == outcome for row in outcomes)
             for outcome in ("imported", "valid", "skipped", "rejected")}
    written = count["imported"] > 0 or not count["valid"]
    print(f"kassa import {kind}: {len(outcomes)} rows ({parsed.encoding}, '{parsed.delimiter}'): "
          f"{count['imported']} imported, {count['skipped']} skipped (imported before), {count['rejected']} rejected"
          + (f", {count['valid']} valid" if count["valid"] else ""))
    if dry_run:
        print("dry run: nothing written")
    elif not written:
        print("nothing written: every row must be valid (fix the rejected rows, or import the others with --skip-invalid)")
    print(f"report: {report_path} ({listed} rows)")
    return 1 if count["rejected"] and not skip_invalid else 0
