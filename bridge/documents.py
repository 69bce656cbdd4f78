"""A document as a PDF (docs/documents.md): an issued invoice, credit note, top-up receipt or a
statement, from what internal.document_source / internal.statement_source answer, through one
HTML template per kind (templates/documents/) to A4 PDF with WeasyPrint.

The source is read defensively: an issued document's snapshot grows keys over time (structured
address parts, tax_number, registration_number, iban, bic, buyer_reference, document_kind, per-VAT-rate vat_code and
exemption_reason), and a document issued before a key existed has none. What is there is printed;
nothing missing fails.

Words in English and German (the customer's locale, else the tenant's), amounts and dates by
babel for the locale (bridge/texts.py's Speaker). Rendering fetches nothing: the logo is a data:
URI, and any other URL in a template or snapshot is refused (no request leaves the worker).

Invoices and credit notes are e-invoices too (bridge/einvoice.py): their PDF is PDF/A-3b with
the EN 16931 CII XML embedded (Factur-X / ZUGFeRD), and the XML alone is their "xml" format.
FORMATS maps a download's extension to its renderer, the media type and the kinds it serves.
"""
from __future__ import annotations

import functools
import hashlib
from datetime import date
from pathlib import Path
from typing import Callable, NamedTuple

from babel.numbers import format_decimal
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from bridge import einvoice
from bridge.texts import Speaker

TEMPLATE_DIR = Path(__file__).parent / "templates" / "documents"

TEXTS = {
    "en": {
        "invoice": "Invoice", "tax_invoice": "Tax Invoice", "abridged_tax_invoice": "Tax Invoice",
        "credit_note": "Credit Note", "receipt": "Receipt", "statement": "Statement of Account",
        "copy": "Copy", "number": "Number", "date": "Date", "due_on": "Due date", "supplied_on": "Date of supply",
        "supply_period": "Supply period", "account_number": "Customer number", "buyer_reference": "Your reference",
        "vat_number": "VAT number", "tax_number": "Tax number", "registration": "Company registration",
        "description": "Description", "quantity": "Qty", "unit_price": "Unit price", "amount": "Amount",
        "vat_rate": "VAT rate", "net": "Net", "vat": "VAT", "gross": "Gross", "net_total": "Total excluding VAT",
        "vat_total": "VAT total", "total": "Total", "vat_included": "Prices include VAT at {rates}.",
        "vat_summary": "VAT summary", "to": "To", "from": "From",
        "reverse_charge": "Reverse charge: the recipient is liable for the VAT.",
        "pay_by": "Please pay {amount} by {date}.", "pay_to": "Bank transfer to IBAN {iban}{bic}, reference {number}.",
        "debit_order": "Collected by debit order, mandate {mandate}.",
        "corrects": "Corrects invoice {number} of {date}.", "reason": "Reason",
        "period": "Period {start} to {end}", "opening_balance": "Opening balance",
        "closing_balance": "Closing balance", "balance": "Balance", "entries_none": "No entries in this period.",
        "received": "Received with thanks", "bonus": "Bonus credited", "method": "Payment method",
        "paid_on": "Paid on", "method.card": "Card", "method.debit_order": "Debit order", "method.eft": "EFT",
        "method.cash": "Cash", "page": "Page",
    },
    "de": {
        "invoice": "Rechnung", "tax_invoice": "Tax Invoice", "abridged_tax_invoice": "Tax Invoice",
        "credit_note": "Rechnungskorrektur", "receipt": "Quittung", "statement": "Kontoauszug",
        "copy": "Kopie", "number": "Nummer", "date": "Datum", "due_on": "Fällig am", "supplied_on": "Leistungsdatum",
        "supply_period": "Leistungszeitraum", "account_number": "Kundennummer", "buyer_reference": "Ihre Referenz",
        "vat_number": "USt-IdNr.", "tax_number": "Steuernummer", "registration": "Handelsregister",
        "description": "Beschreibung", "quantity": "Menge", "unit_price": "Einzelpreis", "amount": "Betrag",
        "vat_rate": "USt-Satz", "net": "Netto", "vat": "USt", "gross": "Brutto", "net_total": "Summe netto",
        "vat_total": "Summe USt", "total": "Gesamtbetrag", "vat_included": "Preise inklusive {rates} USt.",
        "vat_summary": "Umsatzsteuer", "to": "An", "from": "Von",
        "reverse_charge": "Steuerschuldnerschaft des Leistungsempfängers (§ 13b UStG).",
        "pay_by": "Bitte zahlen Sie {amount} bis zum {date}.",
        "pay_to": "Überweisung auf IBAN {iban}{bic}, Verwendungszweck {number}.",
        "debit_order": "Wird per Lastschrift eingezogen, Mandat {mandate}.",
        "corrects": "Korrigiert Rechnung {number} vom {date}.", "reason": "Grund",
        "period": "Zeitraum {start} bis {end}", "opening_balance": "Anfangssaldo",
        "closing_balance": "Endsaldo", "balance": "Saldo", "entries_none": "Keine Buchungen in diesem Zeitraum.",
        "received": "Dankend erhalten", "bonus": "Gutgeschriebener Bonus", "method": "Zahlungsart",
        "paid_on": "Bezahlt am", "method.card": "Karte", "method.debit_order": "Lastschrift",
        "method.eft": "Überweisung", "method.cash": "Bar", "page": "Seite",
    },
}

TEMPLATES = Environment(loader=PackageLoader("bridge", "templates/documents"), undefined=StrictUndefined,
                        autoescape=select_autoescape(["html"]))
TEMPLATE_OF = {"invoice": "invoice.html", "credit_note": "credit_note.html", "receipt": "receipt.html",
               "statement": "statement.html"}


def renderer_version() -> str:
    """What made a document: WeasyPrint's and factur-x's versions and a digest of the templates
    and of the e-invoice code (kept with it: a document kept under an older one stays as it is)."""
    import weasyprint
    digest = hashlib.sha256()
    for path in sorted(TEMPLATE_DIR.iterdir()) + [Path(einvoice.__file__)]:
        digest.update(path.name.encode() + path.read_bytes())
    return f"weasyprint {weasyprint.__version__}; {einvoice.version()}; templates {digest.hexdigest()[:12]}"


class Writer:
    """The Speaker of a document: its words, amounts in its currency, dates, rates."""

    def __init__(self, source: dict):
        self.say = Speaker(source.get("locale"), TEXTS)
        self.currency, self.exponent = source["currency"], int(source.get("minor_units", 2))

    def __call__(self, key: str, **values) -> str:
        return self.say(key, **values)

    def money(self, minor_units) -> str:
        return self.say.money(int(minor_units), self.currency, self.exponent)

    def day(self, value) -> str:
        return self.say.day(date.fromisoformat(str(value)[:10])) if value else ""

    def number(self, value) -> str:
        return format_decimal(value, locale=self.say.locale)

    def rate(self, value) -> str:
        return f"{format_decimal(value, locale=self.say.locale)} %"


def address_lines(party: dict) -> list[str]:
    """A party's address: its structured parts when the snapshot has them, else its one line."""
    structured = [party.get("street"), " ".join(p for p in (party.get("postcode"), party.get("city")) if p),
                  party.get("country") if party.get("street") or party.get("city") else None]
    if any(structured[:2]):
        return [line for line in structured if line]
    return [part.strip() for part in str(party.get("address") or "").replace("\n", ",").split(",") if part.strip()]


def party_ids(party: dict, write: Writer) -> list[str]:
    """The registrations a party's snapshot names, labelled."""
    labels = (("vat_number", "vat_number"), ("tax_number", "tax_number"), ("registration_number", "registration"))
    return [f"{write(label)}: {party[key]}" for key, label in labels if party.get(key)]


def title(source: dict, variant: str, write: Writer) -> str:
    """The document's title: what its document kind says (an invoice issued before kinds were
    frozen: "Tax Invoice" in South Africa, s20(4) VAT Act), and "Copy" on a South African re-delivery."""
    kind = source["kind"]
    if source.get("document_kind") in TEXTS["en"]:
        words = write(source["document_kind"])
    else:
        words = write("tax_invoice") if kind == "invoice" and source.get("country") == "ZA" else write(kind)
    return f"{words} – {write('copy')}" if variant == "copy" else words


def render_html(source: dict, variant: str = "original") -> str:
    write = Writer(source)
    supplier, recipient = source.get("supplier") or {}, source.get("recipient") or {}
    context = {"doc": source, "write": write, "title": title(source, variant, write), "variant": variant,
               "language": write.say.language, "supplier": supplier, "recipient": recipient,
               "supplier_address": address_lines(supplier), "recipient_address": address_lines(recipient),
               "supplier_ids": party_ids(supplier, write), "recipient_ids": party_ids(recipient, write),
               "accent": source.get("accent_colour") or "#1a5fb4", "logo": source.get("logo"),
               "included_rates": ", ".join(write.rate(row["vat_rate"]) for row in source.get("vat") or []),
               "reverse_charge": any(row.get("vat_code") == "AE" for row in source.get("vat") or [])}
    return TEMPLATES.get_template(TEMPLATE_OF[source["kind"]]).render(context)


def no_fetching(url: str, *args, **kwargs):
    """WeasyPrint's URL fetcher: data: URIs only (the logo); nothing leaves the worker."""
    from weasyprint.urls import default_url_fetcher
    if not url.startswith("data:"):
        raise ValueError(f"documents fetch nothing: {url[:80]!r} refused")
    return default_url_fetcher(url, *args, **kwargs)


@functools.cache
def fonts():
    """One font configuration for every rendering of the process: made afresh for each, it costs
    a fifth of a rendering's time (the fonts the templates use do not change while it runs)."""
    from weasyprint.text.fonts import FontConfiguration
    return FontConfiguration()


def render_pdf(source: dict, variant: str = "original", xml: bytes | None = None) -> bytes:
    """The document as PDF; an invoice's or credit note's as Factur-X: PDF/A-3b (WeasyPrint
    writes the output intent, the XMP and embeds the fonts) with `xml`, its e-invoice (made
    from the source when not given), attached as factur-x.xml with AFRelationship /Data and
    the Factur-X XMP extension."""
    import weasyprint  # a second of import: only the document worker pays it
    html = weasyprint.HTML(string=render_html(source, variant), url_fetcher=no_fetching)
    if source["kind"] not in einvoice.KINDS:
        return html.write_pdf(font_config=fonts())
    import facturx
    xml = xml or einvoice.render_xml(source)
    title = f"{source['supplier'].get('name')}: {source['number']}"
    return facturx.generate_from_binary(
        html.write_pdf(pdf_variant="pdf/a-3b", font_config=fonts()), xml, flavor="factur-x", level="en16931", check_xsd=False,
        lang=Writer(source).say.language, afrelationship="data",
        pdf_metadata={"author": source["supplier"].get("name") or "", "keywords": "Factur-X, EN 16931",
                      "title": title, "subject": f"{title} of {source['issued_on']}"})


class Format(NamedTuple):
    render: Callable[..., bytes]  # (source, variant) -> the document's bytes
    media_type: str
    kinds: frozenset  # the document kinds that have it


FORMATS = {"pdf": Format(render_pdf, "application/pdf", frozenset(TEMPLATE_OF)),
           "xml": Format(einvoice.render_xml, "application/xml", einvoice.KINDS)}
