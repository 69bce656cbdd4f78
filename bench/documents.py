"""Invoice PDFs per second through Kassa's download path, against WeasyPrint alone on the same HTML.

Data: 1,000 issued invoices of 3 to 20 lines each (a fixed mix: line count, quantities, prices
and VAT categories follow the invoice's number), half of a German tenant (EUR, prices plus VAT,
19 % and 7 %), half of a South African one (ZAR, prices include VAT, 15 % and zero-rated), to 50
VAT-registered business customers each with full addresses; seeded set-based and issued by
`internal.finalise_invoices` (snapshots, numbers, legal checks, VAT breakdown), so their kinds
are those the amounts call for (German full invoices, South African abridged and full tax
invoices).

- ours: every invoice's first download, `GET /documents/invoices/<id>.pdf` on the bridge with a
  staff token, from 4 concurrent clients: the bridge asks PostgREST for the row (RLS), then the
  document worker (gunicorn, 2 workers, as `kassa up` starts it) reads `internal.document_source`,
  renders, keeps the PDF with its SHA-256 (`internal.store_document`), and the bridge serves the
  kept bytes checked against it. Each answer is checked: 200, a PDF, its digest the ETag.
- baseline: the same 1,000 documents' HTML, made beforehand by `bridge.documents.render_html`
  from the same sources, rendered to PDF by WeasyPrint alone (the worker's URL fetcher) in a
  pool of 2 processes: no HTTP, no database, nothing kept.

The sides take turns, 10 each (ours on the first 100 documents, the baseline on the same 100,
then the next 100), so a change of the machine's load falls on both. `pdfs_per_s`: documents /
wall-clock seconds of each side (both warmed up on 4 extra invoices first). `peak_rss_mb`: the
peak, sampled every 0.1 s from /proc, of the summed resident memory of the document worker's
processes (gunicorn master and its 2 workers); for the baseline, of the pool's 2 processes. A
sum of RSS counts the pages the forked workers share with the master once per process.

Run: make bench NAME=documents   (about 6 minutes on a busy 2-core machine)
"""
from __future__ import annotations

import hashlib
import multiprocessing
import subprocess
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import psycopg
from psycopg.rows import tuple_row

from bench.common import metric, write_result
from bridge import documents
from kassa import processes, services
from kassa.testrun import throwaway
from kassa.tokens import make_token

INVOICES = 1_000
WARM_UP = 4              # extra invoices, rendered before timing on each side
CUSTOMERS_PER_TENANT = 50
CLIENTS = 4              # concurrent downloads: enough to keep both workers busy
WORKERS = 2              # the document worker's, and the baseline pool's processes
TARGET = 20              # PDFs per second
SAMPLE_S = 0.1
TURNS = 10               # ours and the baseline alternate, each on the same 100 documents in turn

# Two tenants with what a full invoice of their country names (docs/documents.md).
TENANTS = """
  INSERT INTO kassa.tenants (id, slug, name, legal_name, street, postcode, city, vat_number, tax_number,
                             registration_number, iban, bic, country, currency, prices_include_vat, timezone, locale)
  VALUES (%(de)s, 'bench-docs-' || %(de_slug)s, 'Bench Netz', 'Bench Netz GmbH', 'Hafenweg 3',
          '20457', 'Hamburg', 'DE811111111', '22/123/45678', 'HRB 12345, Amtsgericht Hamburg',
          'DE89370400440532013000', 'COBADEFFXXX', 'DE', 'EUR', false, 'Europe/Berlin', 'de_DE'),
         (%(za)s, 'bench-docs-' || %(za_slug)s, 'Bench Fibre', 'Bench Fibre (Pty) Ltd',
          '1 Dock Road', '8001', 'Cape Town', '4111111111', NULL, '2020/111111/07', NULL, NULL,
          'ZA', 'ZAR', true, 'Africa/Johannesburg', 'en_ZA')"""
VAT_RATES = """
  INSERT INTO kassa.vat_rates (tenant_id, category, rate)
  VALUES (%(de)s, 'standard', 19), (%(de)s, 'reduced', 7), (%(za)s, 'standard', 15), (%(za)s, 'zero', 0)"""
CUSTOMERS = """
  INSERT INTO kassa.customers (tenant_id, id, type, name, company_name, email, street, postcode, city, country,
                               vat_number, buyer_reference)
  SELECT t.id, md5(t.id::text || 'customer' || c)::uuid, 'business', 'Contact ' || c, 'Customer ' || c || ' Ltd',
         'c' || c || '@bench.example', c || ' Market Street', t.postcode, t.city, t.country,
         CASE t.country WHEN 'DE' THEN 'DE' || (300000000 + c) ELSE (4200000000 + c)::text END,
         CASE t.country WHEN 'DE' THEN 'PO-' || c END
    FROM kassa.tenants t, generate_series(1, %(customers)s) c
   WHERE t.id IN (%(de)s, %(za)s)"""
# Invoice n: German when n is even; its customer, line count (3 to 20), quantities, prices and
# categories follow from n, so every run bills the same documents.
DRAFTS = """
  INSERT INTO kassa.invoices (tenant_id, id, customer_id, currency, prices_include_vat, notes, supplied_on)
  SELECT t.id, md5(t.id::text || 'invoice' || n)::uuid,
         md5(t.id::text || 'customer' || (n / 2 %% %(customers)s + 1))::uuid, t.currency, t.prices_include_vat,
         'Order ' || n, internal.tenant_today(t.id) - 1 - n %% 20
    FROM generate_series(0, %(invoices)s - 1) n
    JOIN kassa.tenants t ON t.id = CASE WHEN n %% 2 = 0 THEN %(de)s::uuid ELSE %(za)s::uuid END"""
LINES = """
  INSERT INTO kassa.invoice_lines (tenant_id, invoice_id, position, description, quantity, unit_price,
                                   vat_category, charge_kind)
  SELECT i.tenant_id, i.id, p,
         (ARRAY['Fibre 100/50 Mbps, monthly', 'Static IP address', 'Managed router rental', 'Installation',
                'SIP trunk, 10 channels', 'Call minutes, national', 'Support hours', 'Printed manual'])[1 + (n + p) %% 8]
           || ' #' || p,
         1 + (n + p) %% 5, 500 + (n * 31 + p * 17) %% 200 * 250,
         CASE WHEN t.country = 'DE' AND p %% 4 = 0 THEN 'reduced'
              WHEN t.country = 'ZA' AND p %% 5 = 0 THEN 'zero' ELSE 'standard' END, 'manual'
    FROM generate_series(0, %(invoices)s - 1) n
    JOIN kassa.tenants t ON t.id = CASE WHEN n %% 2 = 0 THEN %(de)s::uuid ELSE %(za)s::uuid END
    JOIN kassa.invoices i ON i.tenant_id = t.id AND i.id = md5(t.id::text || 'invoice' || n)::uuid,
         generate_series(1, 3 + n * 7 %% 18) p"""
DRAFT_IDS = "SELECT array_agg(id) FROM kassa.invoices WHERE tenant_id = %s AND status = 'draft'"
ISSUE = ["SELECT internal.refresh_invoice_totals(%s, %s)",
         "SELECT count(*) FROM internal.finalise_invoices(%s, %s, internal.tenant_today(%s))"]


def seed(conn: psycopg.Connection, invoices: int) -> list[tuple[str, str]]:
    """A German and a South African tenant with `invoices` issued invoices between them (owner
    connection, one transaction); (tenant, invoice id) of each, in order of n."""
    de, za = uuid.uuid4(), uuid.uuid4()
    keys = {"de": str(de), "za": str(za), "de_slug": de.hex[:12], "za_slug": za.hex[:12],
            "customers": CUSTOMERS_PER_TENANT, "invoices": invoices}
    with conn.transaction():
        for statement in (TENANTS, VAT_RATES, CUSTOMERS, DRAFTS, LINES):
            conn.execute(statement, keys)
        for tenant in (keys["de"], keys["za"]):
            drafts = conn.cursor(row_factory=tuple_row).execute(DRAFT_IDS, [tenant]).fetchone()[0]
            conn.execute(ISSUE[0], [tenant, drafts])
            conn.execute(ISSUE[1], [tenant, drafts, tenant])
    conn.execute("ANALYZE kassa.invoices, kassa.invoice_lines")
    tenants = [keys["de"], keys["za"]]
    return [(tenants[n % 2], str(uuid.UUID(hashlib.md5(f"{tenants[n % 2]}invoice{n}".encode()).hexdigest())))
            for n in range(invoices)]


def load_averages() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip().partition("load average: ")[2]


class PeakRss:
    """The peak over time of the summed VmRSS of the processes `pids()` names, sampled in a thread."""

    def __init__(self, pids):
        self.pids, self.now_kb, self.peak_kb, self.marks = pids, 0, 0, []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.sample, daemon=True)

    def sample(self) -> None:
        while not self.stopped.wait(SAMPLE_S):
            self.now_kb = sum(map(rss_kb, self.pids()))
            self.peak_kb = max(self.peak_kb, self.now_kb)
            if not self.marks:
                self.mark()

    def __enter__(self) -> PeakRss:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join()

    @property
    def mb(self) -> float:
        return self.peak_kb / 1024

    def mark(self) -> None:
        """Notes the summed RSS of now (the first sample notes itself)."""
        self.marks.append(round(self.now_kb / 1024, 1))


def rss_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:  # it ended between listing and reading
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)


def download_all(bridge_url: str, tokens: dict[str, str], invoices: list[tuple[str, str]]) -> list[int]:
    """Each invoice's PDF from the bridge, CLIENTS at a time; the sizes, every answer checked."""
    left, sizes, failures, lock = iter(invoices), [], [], threading.Lock()

    def client() -> None:
        while True:
            with lock:
                tenant, invoice = next(left, (None, None))
            if invoice is None:
                return
            asked = urllib.request.Request(f"{bridge_url}/documents/invoices/{invoice}.pdf",
                                           headers={"Authorization": f"Bearer {tokens[tenant]}"})
            try:
                with urllib.request.urlopen(asked, timeout=120) as answer:
                    content, etag = answer.read(), answer.headers["ETag"]
                assert content.startswith(b"%PDF-") and etag == f'"{hashlib.sha256(content).hexdigest()}"', invoice
                with lock:
                    sizes.append(len(content))
            except Exception as error:  # reported once the run is over
                with lock:
                    failures.append(f"{invoice}: {error!r}")

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, f"{len(failures)} downloads failed, first: {failures[0]}"
    return sizes


def weasyprint_alone(html: str) -> int:
    import weasyprint
    return len(weasyprint.HTML(string=html, url_fetcher=documents.no_fetching).write_pdf())


def pool_started(warm_up: str):
    """The baseline's 2 processes, each rendering a warm-up document first (fonts loaded)."""
    return multiprocessing.get_context("spawn").Pool(WORKERS, initializer=weasyprint_alone, initargs=(warm_up,))


def main() -> None:
    with throwaway("bench-") as settings:
        home = Path(settings.home)
        started = time.perf_counter()
        with psycopg.connect(settings.database_url, autocommit=True) as owner:
            everything = seed(owner, INVOICES + WARM_UP)
            kinds = dict(owner.execute("SELECT document_kind, count(*) FROM kassa.invoices"
                                       " GROUP BY document_kind ORDER BY 1").fetchall())
            lines = owner.execute("SELECT min(n), max(n), round(avg(n), 1) FROM (SELECT count(*) AS n"
                                  " FROM kassa.invoice_lines GROUP BY invoice_id) c").fetchone()
            seed_seconds = time.perf_counter() - started
            print(f"seeded {len(everything)} issued invoices in {seed_seconds:.1f} s: {kinds}", flush=True)
            started = time.perf_counter()
            html = [documents.render_html(owner.execute("SELECT internal.document_source(%s, 'invoice', %s)",
                                                        [tenant, invoice]).fetchone()[0])
                    for tenant, invoice in everything]
            html_seconds = time.perf_counter() - started
        measured, warm_up = everything[:INVOICES], everything[INVOICES:]
        load_before = load_averages()

        pool = pool_started(html[INVOICES])
        wanted = {"postgrest", "bridge", "documents"}  # the download path as `kassa up` runs it
        stack = [service for service in services.stack(settings) if service.name in wanted]
        worker = next(service for service in stack if service.name == "documents")
        env = {**settings.environment(), "KASSA_BRIDGE_RATE_LIMIT": "0"}  # 4 clients from one address
        seconds = {"ours": 0.0, "baseline": 0.0}
        sizes, turns = {side: [] for side in seconds}, {side: [] for side in seconds}
        try:
            for service in stack:
                service.start(home, env)
            for service in stack:
                service.wait_healthy(home)
            tokens = {tenant: make_token(settings.jwt_secret, "staff", tenant, ttl=3600, sub="bench-documents")
                      for tenant in {tenant for tenant, _ in everything}}
            download_all(settings.bridge_url, tokens, warm_up)
            worker_pids = [process.pid for process in worker.members(home)]
            pool_pids = [process.pid for process in multiprocessing.active_children()]
            # The sides take turns, a part of the documents each, so a change of the machine's
            # load in the meantime falls on both.
            with PeakRss(lambda: worker_pids) as ours_rss, PeakRss(lambda: pool_pids) as baseline_rss:
                for turn in range(TURNS):
                    part = slice(turn * INVOICES // TURNS, (turn + 1) * INVOICES // TURNS)
                    started = time.perf_counter()
                    sizes["ours"] += download_all(settings.bridge_url, tokens, measured[part])
                    took = {"ours": time.perf_counter() - started}
                    started = time.perf_counter()
                    sizes["baseline"] += pool.map(weasyprint_alone, html[part], chunksize=1)
                    took["baseline"] = time.perf_counter() - started
                    for side in seconds:
                        seconds[side] += took[side]
                        turns[side].append(round(len(measured[part]) / took[side], 2))
                    ours_rss.mark()
                    baseline_rss.mark()
                    print(f"turn {turn + 1}: ours {turns['ours'][-1]}/s, baseline {turns['baseline'][-1]}/s;"
                          f" peak RSS {ours_rss.mb:.0f} / {baseline_rss.mb:.0f} MB", flush=True)
        finally:
            services.stop_services(home, stack)
            pool.close()
            pool.join()
        with psycopg.connect(settings.database_url) as owner:
            kept = owner.execute("SELECT count(*) FROM kassa.documents WHERE kind = 'invoice' AND format = 'pdf'").fetchone()[0]
        assert kept == len(everything), f"{kept} PDFs kept for {len(everything)} invoices"
        ours_seconds, baseline_seconds = seconds["ours"], seconds["baseline"]
        ours_rate, baseline_rate = INVOICES / ours_seconds, INVOICES / baseline_seconds
        write_result("documents", settings, {
            "invoices": INVOICES, "tenants": {"DE": INVOICES // 2, "ZA": INVOICES - INVOICES // 2},
            "lines_per_invoice": {"min": lines[0], "max": lines[1], "mean": float(lines[2])},
            "document_kinds": kinds, "clients": CLIENTS, "document_workers": WORKERS, "warm_up": WARM_UP,
            "path": "GET /documents/invoices/<id>.pdf on the bridge (staff token), first download: PostgREST row "
                    "check, document worker (gunicorn, 2 workers) reads the source, renders, stores with SHA-256; "
                    "bridge serves the kept bytes",
            "baseline": "WeasyPrint HTML->PDF alone on the same documents' HTML (bridge.documents.render_html, "
                        "made beforehand), multiprocessing pool of 2",
            "target_pdfs_per_s": TARGET, "target_met": ours_rate >= TARGET,
            "seed_seconds": round(seed_seconds, 1), "html_precompute_seconds": round(html_seconds, 1),
            "turns": TURNS, "pdfs_per_s_by_turn": turns,
            "pdf_kb_mean": {side: round(sum(got) / len(got) / 1024, 1) for side, got in sizes.items()},
            "rss": "sum of VmRSS over the processes, sampled every 0.1 s; shared pages count once per process",
            "rss_mb_first_and_after_each_turn": {"ours": ours_rss.marks, "baseline": baseline_rss.marks},
            "load_average_before": load_before, "load_average_after": load_averages(),
        }, [
            metric("pdfs_per_s", ours_rate, "1/s", "WeasyPrint alone, same HTML, 2 processes", baseline_rate),
            metric("run_seconds", ours_seconds, "s", "WeasyPrint alone", baseline_seconds),
            metric("peak_rss_mb", ours_rss.mb, "MB", "WeasyPrint pool of 2 processes", baseline_rss.mb),
        ])


if __name__ == "__main__":
    main()
