"""Usage over real HTTP and from files: the batch RPC with a staff token (a customer's refused),
bad batches answered with PostgREST's error JSON and their stable code, changing nothing; the
usage-import job through `kassa jobs run` with CSV and JSON files, a bad file and a file
dropped twice."""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import psycopg
import pytest
from psycopg.types.json import Jsonb

from factories import create_customer, create_service, create_tenant, wait_for


@pytest.fixture
def metered(db):
    """A tenant (Berlin) with a customer on an active LTE plan metering bytes, and a usage instant."""
    tenant = create_tenant(db, country="DE", currency="EUR", vat=19, prices_include_vat=False)
    customer = create_customer(db, tenant["id"])
    service = create_service(db, tenant["id"], customer["id"], 2000, code="lte", usage_unit="bytes",
                             usage_cap=10_000_000_000)
    db.execute("SELECT internal.service_transition(%s, %s, 'activate', 'installed', internal.tenant_today(%s) - 5)",
               [tenant["id"], service["id"], tenant["id"]])
    at = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat(timespec="seconds")
    return {"tenant": tenant, "customer": customer, "service": str(service["id"]), "at": at}


def record(metered, key, quantity, unit="bytes_down", source="radius"):
    return {"source": source, "key": key, "service_id": metered["service"], "unit": unit, "quantity": quantity,
            "usage_at": metered["at"]}


def totals(db, tenant_id) -> tuple:
    row = db.execute("SELECT (SELECT count(*) FROM kassa.usage_records WHERE tenant_id = %(t)s) AS records,"
                     " (SELECT coalesce(sum(quantity), 0) FROM kassa.usage_daily WHERE tenant_id = %(t)s) AS daily",
                     {"t": tenant_id}).fetchone()
    return row["records"], row["daily"]


def test_the_batch_rpc_over_http(db, api, token, metered):
    tenant = metered["tenant"]
    staff = api(token("staff", tenant["id"]))
    batch = [record(metered, "k1", 6000000000), record(metered, "k2", 3000000000, "bytes_up")]
    answer = staff.rpc("record_usage", records=batch)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"received": 2, "recorded": 2, "already_recorded": 0}
    assert staff.rpc("record_usage", records=batch).json() == {"received": 2, "recorded": 0, "already_recorded": 2}
    warning = db.execute("SELECT payload FROM kassa.notifications WHERE tenant_id = %s AND kind = 'usage_cap_warning'",
                         [tenant["id"]]).fetchall()
    assert [w["payload"]["percent"] for w in warning] == [80], "9 GB of a 10 GB cap: the 80 % warning, once"

    customer = api(token("customer", tenant["id"], metered["customer"]["id"]))
    refused = customer.rpc("record_usage", records=[record(metered, "k3", 1)])
    assert refused.status_code == 403 and refused.json()["code"] == "42501"
    daily = customer.get("/usage_daily").json()
    assert [(d["unit"], d["quantity"]) for d in sorted(daily, key=lambda d: d["unit"])] == \
        [("bytes_down", 6000000000), ("bytes_up", 3000000000)], "the customer reads their daily totals"

    before = totals(db, tenant["id"])
    for bad, code, index in [([record(metered, "k9", 5), record(metered, "k1", 1)], "P0O02", "records[1]"),
                             ([record(metered, "k9", 5), {**record(metered, "k8", 5), "unit": "kb"}], "P0O01", "records[1]"),
                             ([record(metered, f"b{n}", 1) for n in range(1001)], "P0O03", None)]:
        answer = staff.rpc("record_usage", records=bad)
        assert answer.status_code == 400, answer.text
        error = answer.json()
        assert error["code"] == code and set(error) == {"code", "message", "details", "hint"}
        assert index is None or error["message"].startswith(index + ":")
    assert totals(db, tenant["id"]) == before, "refused batches changed nothing"


def test_concurrent_batches_add_up_and_warn_once(settings, db, metered):
    """Two batches at once, each below 80 % of the cap, together above it: the second waits on
    the first's period total, adds to it and writes the one warning."""
    tenant_id = metered["tenant"]["id"]
    send = "SELECT internal.record_usage(%s, %s)"
    with psycopg.connect(settings.database_url) as first, psycopg.connect(settings.database_url) as second:
        first.execute(send, [tenant_id, Jsonb([record(metered, "a", 5000000000)])])
        with ThreadPoolExecutor(max_workers=1) as pool:
            later = pool.submit(second.execute, send, [tenant_id, Jsonb([record(metered, "b", 4000000000, "bytes_up")])])
            pid = second.info.backend_pid
            assert wait_for(lambda: db.execute("SELECT wait_event_type = 'Lock' AS waiting FROM pg_stat_activity"
                                               " WHERE pid = %s", [pid]).fetchone()["waiting"]), "the second did not wait"
            first.commit()
            later.result(timeout=10)
        second.commit()
    period = db.execute("SELECT quantity, warned_percents FROM kassa.usage_periods WHERE tenant_id = %s",
                        [tenant_id]).fetchone()
    assert period == {"quantity": 9000000000, "warned_percents": [80]}
    assert db.execute("SELECT count(*) AS n FROM kassa.notifications WHERE tenant_id = %s AND kind = 'usage_cap_warning'",
                      [tenant_id]).fetchone()["n"] == 1


def test_the_import_job_takes_csv_and_json_files_once(settings, db, metered, tmp_path):
    tenant = metered["tenant"]
    folder = tmp_path / tenant["slug"]
    folder.mkdir()
    rows = [record(metered, "c1", 100, source="mediation"), record(metered, "c2", 200, "seconds", "mediation")]
    with (folder / "2026-12-01.csv").open("w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    (folder / "2026-12-02.json").write_text(json.dumps([record(metered, "j1", 300, source="mediation")]))
    (folder / "broken.json").write_text(json.dumps([record(metered, "j2", 1, source="mediation"),
                                                    {**record(metered, "j3", 1), "quantity": -1}]))
    (folder / ".still-writing.csv").write_text("source,key\n")

    def run_job() -> dict:
        env = {"KASSA_HOME": settings.home, "PATH": "/usr/bin:/bin", "KASSA_USAGE_IMPORT_DIR": str(tmp_path)}
        result = subprocess.run([sys.executable, "-m", "kassa.cli", "jobs", "run", "usage-import", "--tenant",
                                 str(tenant["id"])], capture_output=True, text=True, env=env)
        assert result.returncode == 1, result.stderr  # the broken file fails the run, the others are in
        return json.loads(result.stdout)

    first = run_job()
    assert (first["processed"], first["failed"], first["recorded"]) == (2, 1, 3)
    assert sorted(p.name for p in (folder / "done").iterdir()) == ["2026-12-01.csv", "2026-12-02.json"]
    assert sorted(p.name for p in (folder / "failed").iterdir()) == ["broken.json", "broken.json.error"]
    reason = (folder / "failed" / "broken.json.error").read_text()
    assert reason.startswith("P0O01 records[1]: quantity"), reason
    assert (folder / ".still-writing.csv").exists(), "a file still being written is left alone"
    assert totals(db, tenant["id"]) == (3, 600), "the broken file recorded nothing, not even its good record"

    (folder / "2026-12-01.csv").write_bytes((folder / "done" / "2026-12-01.csv").read_bytes())
    (folder / "broken.json").write_text("[{")
    second = run_job()
    assert (second["processed"], second["recorded"], second["already_recorded"]) == (1, 0, 2)
    assert sorted(p.name for p in (folder / "done").iterdir()) == ["2026-12-01.1.csv", "2026-12-01.csv", "2026-12-02.json"]
    assert (folder / "failed" / "broken.1.json.error").read_text().startswith("unreadable JSON")
    assert totals(db, tenant["id"]) == (3, 600), "the file dropped twice counted once"


def test_staff_set_a_plans_usage_terms_on_its_price_version(api, token, metered, db):
    staff = api(token("staff", metered["tenant"]["id"]))
    product = staff.get("/products?code=eq.lte").json()[0]["id"]
    terms = {"product_id": product, "price": 2500, "interval": "monthly", "usage_unit": "seconds",
             "usage_cap": 36000, "usage_allowance": 18000, "usage_step": 60, "usage_step_price": 9}
    created = staff.post("/price_versions", json=terms, headers={"Prefer": "return=representation"})
    assert created.status_code == 201, created.text
    plan = staff.get(f"/plan_versions?id=eq.{created.json()[0]['id']}&select=usage_unit,usage_step,usage_step_price")
    assert plan.json() == [{"usage_unit": "seconds", "usage_step": 60, "usage_step_price": 9}]
    half = staff.post("/price_versions", json={**terms, "usage_step": None})
    assert half.status_code == 400 and "price_versions_usage_priced_whole" in half.json()["message"]
