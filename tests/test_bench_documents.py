"""bench/documents.py stays runnable (it is not part of `make test`): its seed issues a German
and a South African invoice mix of 3 to 20 lines, whose sources render, and its baseline renders
their HTML to a PDF."""
from __future__ import annotations

from bench import documents as bench
from bridge import documents


def test_the_seed_issues_the_benchmark_invoices_and_they_render(db):
    invoices = bench.seed(db, 5)
    rows = db.execute(
        "SELECT i.id::text, t.country, i.number, i.document_kind, count(l.id)"
        "  FROM kassa.invoices i JOIN kassa.tenants t ON t.id = i.tenant_id"
        "  JOIN kassa.invoice_lines l ON l.tenant_id = i.tenant_id AND l.invoice_id = i.id"
        " WHERE i.id = ANY (%s::uuid[]) GROUP BY i.id, t.country, i.number, i.document_kind",
        [[invoice for _, invoice in invoices]]).fetchall()
    found = {row["id"]: (row["country"], row["number"], row["document_kind"], row["count"]) for row in rows}
    # Every invoice issued, German for even n, with 3 + 7n mod 18 lines.
    assert [(found[invoice][0], found[invoice][3]) for _, invoice in invoices] == \
        [("DE", 3), ("ZA", 10), ("DE", 17), ("ZA", 6), ("DE", 13)]
    assert all(number and kind for _, number, kind, _ in found.values())
    tenant, invoice = invoices[1]
    source = db.execute("SELECT internal.document_source(%s, 'invoice', %s) AS source",
                        [tenant, invoice]).fetchone()["source"]
    html = documents.render_html(source)
    assert source["number"] in html and "Tax Invoice" in html
    assert bench.weasyprint_alone(html) > 1000
