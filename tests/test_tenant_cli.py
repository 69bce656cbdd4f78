"""`kassa tenant create|list|suspend|resume` as an operator runs them: the printed staff token
works over HTTP; a suspended tenant is refused (403), its open SSE streams end and its invoice
run is skipped; bad input is one clear line, exit status 1, nothing written."""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from datetime import date

import pytest
import requests

from factories import create_customer, run_job


def kassa(settings, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kassa.cli", *args], capture_output=True, text=True,
                          env={"KASSA_HOME": settings.home, "PATH": os.environ["PATH"]})


def create(settings, slug: str, *extra: str) -> subprocess.CompletedProcess:
    return kassa(settings, "tenant", "create", slug, "--legal-name", "Kaapse Draad (Pty) Ltd", "--country", "ZA",
                 "--currency", "ZAR", "--timezone", "Africa/Johannesburg", "--vat", "standard=15", "--vat", "zero=0",
                 *extra)


def printed(result: subprocess.CompletedProcess) -> dict:
    return dict(line.split(None, 1) if not line.startswith("staff token") else ("token", line.split()[2])
                for line in result.stdout.splitlines())


def new_slug() -> str:
    return f"cli-{uuid.uuid4().hex[:10]}"


def test_create_prints_the_id_and_a_working_staff_token(settings, db, api):
    slug = new_slug()
    result = create(settings, slug, "--invoice-number-format", "KD-{YYYY}-{NNNN}", "--prices-include-vat")
    assert result.returncode == 0, result.stderr
    out = printed(result)
    tenant = db.execute("SELECT id::text, slug, name, legal_name, country, currency, timezone, prices_include_vat,"
                        " invoice_number_format, status FROM kassa.tenants WHERE id = %s", [out["id"]]).fetchone()
    assert tenant == {"id": out["id"], "slug": slug, "name": "Kaapse Draad (Pty) Ltd",
                      "legal_name": "Kaapse Draad (Pty) Ltd", "country": "ZA", "currency": "ZAR",
                      "timezone": "Africa/Johannesburg", "prices_include_vat": True,
                      "invoice_number_format": "KD-{YYYY}-{NNNN}", "status": "active"}
    staff = api(out["token"])
    assert [t["slug"] for t in staff.get("/tenants").json()] == [slug]
    rates = staff.get("/vat_rates?order=category").json()
    assert [(r["category"], float(r["rate"])) for r in rates] == [("standard", 15.0), ("zero", 0.0)]

    listing = kassa(settings, "tenant", "list")
    assert listing.returncode == 0
    row = next(line for line in listing.stdout.splitlines() if line.startswith(slug))
    assert out["id"] in row and "Africa/Johannesburg" in row and row.endswith("active")


def test_create_takes_what_the_tenants_invoices_must_name(settings, db, api):
    result = create(settings, new_slug(), "--street", "12 Long Street", "--postcode", "8001", "--city", "Cape Town",
                    "--vat-number", "4123456789")
    assert result.returncode == 0, result.stderr
    staff = api(printed(result)["token"])
    [tenant] = staff.get("/tenants", params={"select": "street,postcode,city,vat_number,tax_number"}).json()
    assert tenant == {"street": "12 Long Street", "postcode": "8001", "city": "Cape Town", "vat_number": "4123456789",
                      "tax_number": None}
    customer = create_customer(db, printed(result)["id"])
    draft = staff.rpc("create_invoice", customer_id=str(customer["id"])).json()
    assert staff.rpc("add_invoice_line", invoice_id=draft["id"], description="Fibre", unit_price=11500).status_code == 200
    issued = staff.rpc("finalise_invoice", invoice_id=draft["id"])
    assert issued.status_code == 200, "a South African tax invoice may be issued at once: " + issued.text


@pytest.mark.parametrize("change, message", [
    (("--currency", "XYZ"), 'unknown currency "XYZ"'),
    (("--timezone", "Africa/Atlantis"), 'unknown time zone "Africa/Atlantis"'),
    (("--country", "za"), 'bad country "za"'),
    (("--vat", "standard=150"), "bad VAT rate standard=150"),
    (("--vat", "Standard=15"), "bad VAT rate Standard=15"),
    (("--account-number-format", "CT-{YYYY}"), 'number format "CT-{YYYY}" has no counter'),
    (("--legal-name", " "), "a tenant needs a legal name"),
])
def test_bad_input_is_one_clear_line_and_writes_nothing(settings, db, change, message):
    slug = new_slug()
    args = ["tenant", "create", slug, "--legal-name", "X Ltd", "--country", "ZA", "--currency", "ZAR",
            "--timezone", "Africa/Johannesburg", "--vat", "standard=15"]
    if change[0] in args:
        args[args.index(change[0]) + 1] = change[1]
    else:
        args += change
    result = kassa(settings, *args)
    assert result.returncode == 1
    assert result.stderr.startswith(f"kassa tenant create: {message}") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert db.execute("SELECT count(*) AS n FROM kassa.tenants WHERE slug = %s", [slug]).fetchone()["n"] == 0


def test_bad_and_taken_slugs(settings, db):
    slug = new_slug()
    assert create(settings, slug).returncode == 0
    again = create(settings, slug)
    assert again.returncode == 1 and again.stderr.strip() == f'kassa tenant create: a tenant with slug "{slug}" exists already'
    bad = create(settings, "Bad Slug")
    assert bad.returncode == 1 and bad.stderr.startswith('kassa tenant create: bad slug "Bad Slug"')
    no_vat = kassa(settings, "tenant", "create", new_slug(), "--legal-name", "X", "--country", "ZA",
                   "--currency", "ZAR", "--timezone", "UTC", "--vat", "standard")
    assert no_vat.returncode == 2 and "not CATEGORY=RATE" in no_vat.stderr
    long_lived = new_slug()
    too_long = create(settings, long_lived, "--token-ttl", str(30 * 86400))
    assert too_long.returncode == 1 and "--token-ttl must be between 1 and" in too_long.stderr
    assert db.execute("SELECT count(*) AS n FROM kassa.tenants WHERE slug = %s", [long_lived]).fetchone()["n"] == 0
    unknown = kassa(settings, "tenant", "suspend", "no-such-tenant")
    assert unknown.returncode == 1 and unknown.stderr.strip() == "kassa tenant suspend: unknown tenant no-such-tenant"


def test_suspend_refuses_the_api_ends_streams_skips_the_invoice_run_and_resume_undoes_it(settings, db, api):
    slug = new_slug()
    out = printed(create(settings, slug))
    staff = api(out["token"])
    assert staff.get("/customers").status_code == 200
    stream = requests.get(settings.sse_url, headers={"Authorization": f"Bearer {out['token']}"}, stream=True, timeout=20)
    assert stream.status_code == 200
    lines = stream.iter_lines()
    assert next(lines) == b": connected"

    started = time.monotonic()
    suspended = kassa(settings, "tenant", "suspend", slug)
    assert suspended.returncode == 0 and suspended.stdout.strip() == f"tenant {slug} is suspended", suspended.stderr
    assert list(lines) == [b""], "the open stream ends"
    assert time.monotonic() - started < 10, "at once, not at the token's expiry"
    assert staff.get("/customers").status_code == 403
    status, outcome = run_job(settings, "invoice-run", date(2026, 12, 1), out["id"])
    assert (status, outcome.detail["tenants"]) == ("succeeded", 0), "a suspended tenant is not billed"
    assert kassa(settings, "tenant", "suspend", out["id"]).returncode == 0, "suspending twice is harmless"

    resumed = kassa(settings, "tenant", "resume", out["id"])
    assert resumed.returncode == 0 and resumed.stdout.strip() == f"tenant {slug} is active"
    assert staff.get("/customers").status_code == 200
    status, outcome = run_job(settings, "invoice-run", date(2026, 12, 1), out["id"])
    assert outcome.detail["tenants"] == 1
