"""E-invoices over real HTTP (docs/documents.md#e-invoices-factur-x--zugferd): for a German
tenant (prices excluding VAT) and a South African one (prices including VAT), with standard,
reduced, zero-rated, exempt and reverse-charge lines, the invoice PDF is a Factur-X PDF/A-3
(checked with pikepdf), its embedded XML is the standalone .xml download and passes the XSD,
and the XML, parsed back here independently with lxml, keeps the EN 16931 business rules
Kassa implements (BR-CO-10/13/14/15/16/17, BR-S/Z/E/AE) with the database's totals to the cent,
including the worked VAT cases of db/tests/41_vat.sql."""
from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal

import facturx
import pikepdf
import pytest
import requests
from lxml import etree

from bridge import einvoice
from factories import create_customer, create_tenant

NS = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
      "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
      "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
      "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"}
CENT = Decimal("0.01")
# BR-CO-17 as docs/documents.md states it: exact for prices excluding VAT, within one cent
# when VAT was extracted from VAT-inclusive prices or credited cumulatively by credit notes.
BR_CO_17_TOLERANCE = CENT

COUNTRIES = {
    "DE": dict(country="DE", currency="EUR", vat=19, prices_include_vat=False, locale="de_DE", street="Rheinufer 7",
               postcode="40213", city="Düsseldorf", iban="DE89370400440532013000", bic="COBADEFFXXX"),
    "ZA": dict(country="ZA", currency="ZAR", vat=15, prices_include_vat=True, locale="en_ZA", street="12 Long Street",
               postcode="8001", city="Cape Town"),
}
CATEGORIES = {  # category: (rate, UNTDID 5305 code, exemption reason, VATEX code)
    "DE": [("reduced", 7, "S", None, None),
           ("exempt", 0, "E", "Steuerfrei nach § 4 Nr. 21 UStG", None),
           ("reverse_charge", 0, "AE", "Steuerschuldnerschaft des Leistungsempfängers", "VATEX-EU-AE")],
    "ZA": [("zero_rated", 0, "Z", None, None)],
}
# (country, lines as (unit price, quantity, category), the totals when a worked case says them)
CASES = {
    "DE 41_vat: 10.05 at 19 %, 3 x 3.33 at 7 %": ("DE", [(1005, 1, "standard"), (333, 3, "reduced")], (2004, 261, 2265)),
    "DE with an exempt line and a discount": ("DE", [(1005, 1, "standard"), (333, 3, "reduced"), (5000, 1, "exempt"),
                                                     (-500, 1, "standard"), (1999, 2.5, "standard")], None),
    "DE reverse charge to a business": ("DE", [(120000, 1, "reverse_charge"), (4999, 3, "reverse_charge")], None),
    "ZA 41_vat: R 499.00 + R 99.99 incl. 15 %": ("ZA", [(49900, 1, "standard"), (9999, 1, "standard")], (52086, 7813, 59899)),
    # R 10.00 incl. 15 %: VAT 1.30 of basis 8.70, and 8.70 x 15 % = 1.305 rounds to 1.31: the one cent.
    "ZA zero-rated beside the one-cent case": ("ZA", [(700, 1, "standard"), (2500, 4, "zero_rated"), (300, 1, "standard")],
                                               None),
}


def ok(response, status=200):
    assert response.status_code == status, response.text
    return response.json()


def download(settings, path: str, bearer: str) -> requests.Response:
    return requests.get(settings.bridge_url + path, headers={"Authorization": f"Bearer {bearer}"}, timeout=120)


@pytest.fixture
def tenant_of(db):
    """A tenant of the country with its VAT categories and a business customer with a VAT number."""
    def make(country: str):
        tenant = create_tenant(db, **COUNTRIES[country])
        for category, rate, code, reason, vatex in CATEGORIES[country]:
            db.execute("INSERT INTO kassa.vat_rates (tenant_id, category, rate, code, exemption_reason, exemption_code)"
                       " VALUES (%s, %s, %s, %s, %s, %s)", [tenant["id"], category, rate, code, reason, vatex])
        customer = create_customer(db, tenant["id"], name="Berta Beispiel")
        db.execute("UPDATE kassa.customers SET company_name = 'Beispiel Handel GmbH', street = 'Ringstr. 2',"
                   " postcode = '50667', city = 'Köln', country = 'DE', vat_number = 'DE987654321',"
                   " buyer_reference = '04011000-12345-03' WHERE id = %s", [customer["id"]])
        return tenant, customer
    return make


def issue(staff, db, tenant, customer, lines) -> dict:
    today = db.execute("SELECT internal.tenant_today(%s) AS d", [tenant["id"]]).fetchone()["d"]
    draft = ok(staff.rpc("create_invoice", customer_id=str(customer["id"]), supplied_on=str(today)))
    for n, (price, quantity, category) in enumerate(lines):
        ok(staff.rpc("add_invoice_line", invoice_id=draft["id"], description=f"Item {n + 1}", unit_price=price,
                     quantity=quantity, vat_category=category))
    return ok(staff.rpc("finalise_invoice", invoice_id=draft["id"]))


def amount(element, path: str) -> Decimal:
    return Decimal(element.findtext(path, namespaces=NS))


def pdf_a3_xml(pdf: bytes) -> bytes:
    """The PDF/A-3 structure of a Factur-X PDF, checked; its embedded XML (the factur-x library)."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        root = document.Root
        [spec] = list(root.AF)
        assert spec.AFRelationship == pikepdf.Name.Data and str(spec.F) == "factur-x.xml"
        names = root.Names.EmbeddedFiles.Names
        assert str(names[0]) == "factur-x.xml" and names[1].AFRelationship == pikepdf.Name.Data
        assert len(root.OutputIntents) >= 1 and root.OutputIntents[0].S == pikepdf.Name.GTS_PDFA1
        with document.open_metadata() as xmp:
            assert xmp["pdfaid:part"] == "3" and xmp["pdfaid:conformance"] == "B"
            assert xmp["{urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#}ConformanceLevel"] == "EN 16931"
            assert xmp["{urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#}DocumentFileName"] == "factur-x.xml"
        fonts = [font for page in document.pages for font in page.Resources.Font.values()]
        assert fonts, "the page has text"
        for font in fonts:
            descriptor = (font.DescendantFonts[0] if "/DescendantFonts" in font else font).FontDescriptor
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), f"{font.BaseFont} embedded"
    filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=True)
    assert filename == "factur-x.xml"
    return xml


def business_rules(xml: bytes, exact_vat: bool) -> dict:
    """The EN 16931 rules Kassa implements, checked on the XML alone; its totals."""
    tree = etree.fromstring(xml)
    settlement = tree.find(".//ram:ApplicableHeaderTradeSettlement", NS)
    sums = settlement.find("ram:SpecifiedTradeSettlementHeaderMonetarySummation", NS)
    totals = {name: amount(sums, f"ram:{element}") for name, element in (
        ("lines", "LineTotalAmount"), ("allowances", "AllowanceTotalAmount"), ("charges", "ChargeTotalAmount"),
        ("net", "TaxBasisTotalAmount"), ("vat", "TaxTotalAmount"), ("gross", "GrandTotalAmount"),
        ("due", "DuePayableAmount"))}
    lines = [(item.findtext(".//ram:ApplicableTradeTax/ram:CategoryCode", namespaces=NS),
              Decimal(item.findtext(".//ram:ApplicableTradeTax/ram:RateApplicablePercent", "0", namespaces=NS)),
              amount(item, ".//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"))
             for item in tree.iterfind(".//ram:IncludedSupplyChainTradeLineItem", NS)]
    for item in tree.iterfind(".//ram:IncludedSupplyChainTradeLineItem", NS):
        assert amount(item, ".//ram:NetPriceProductTradePrice/ram:ChargeAmount") >= 0, "BR-27"
    assert sum(net for _, _, net in lines) == totals["lines"], "BR-CO-10"
    assert totals["net"] == totals["lines"] - totals["allowances"] + totals["charges"], "BR-CO-13"
    assert totals["gross"] == totals["net"] + totals["vat"], "BR-CO-15"
    assert totals["due"] == totals["gross"], "BR-CO-16 (nothing prepaid)"
    breakdown = settlement.findall("ram:ApplicableTradeTax", NS)
    totals["off_by"] = []  # BR-CO-17: how far each category's VAT is from basis x rate
    assert sum(amount(tax, "ram:CalculatedAmount") for tax in breakdown) == totals["vat"], "BR-CO-14"
    assert len({(t.findtext("ram:CategoryCode", namespaces=NS), t.findtext("ram:RateApplicablePercent", namespaces=NS))
                for t in breakdown}) == len(breakdown), "one breakdown per code and rate"
    seller_vat = tree.findtext(".//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']", namespaces=NS)
    buyer_vat = tree.findtext(".//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']", namespaces=NS)
    for vat_id in filter(None, (seller_vat, buyer_vat)):
        assert vat_id[:2].isalpha(), f"BR-CO-09: {vat_id}"
    for tax in breakdown:
        code, rate = tax.findtext("ram:CategoryCode", namespaces=NS), Decimal(tax.findtext("ram:RateApplicablePercent", namespaces=NS))
        basis, vat = amount(tax, "ram:BasisAmount"), amount(tax, "ram:CalculatedAmount")
        assert basis == sum(net for c, r, net in lines if (c, r) == (code, rate)), f"BR-{code}-08"
        expected = (basis * rate / 100).quantize(CENT, ROUND_HALF_UP)
        assert abs(vat - expected) <= (0 if exact_vat else BR_CO_17_TOLERANCE), f"BR-CO-17: {basis} x {rate} % is not {vat}"
        totals["off_by"].append(vat - expected)
        reason = tax.findtext("ram:ExemptionReason", namespaces=NS) or tax.findtext("ram:ExemptionReasonCode", namespaces=NS)
        if code == "S":
            assert rate > 0 and reason is None, "BR-S-05, BR-S-10"
        else:
            assert rate == 0 and vat == 0, f"BR-{code}-06/09: no VAT"
            assert (reason is None) == (code == "Z"), f"BR-{code}-10"
        if code == "AE":
            assert seller_vat and buyer_vat, "BR-AE-02/03: both VAT ids"
    return totals


def in_cents(totals: dict) -> tuple[int, int, int]:
    return tuple(int(totals[key] * 100) for key in ("net", "vat", "gross"))


@pytest.mark.parametrize("case", CASES)
def test_an_invoice_is_a_factur_x_pdf_with_the_databases_totals(settings, db, api, token, tenant_of, case):
    country, lines, worked = CASES[case]
    tenant, customer = tenant_of(country)
    staff, bearer = api(token("staff", tenant["id"])), token("customer", tenant["id"], customer["id"])
    invoice = issue(staff, db, tenant, customer, lines)
    if worked:
        assert (invoice["net_total"], invoice["vat_total"], invoice["total"]) == worked, "the worked case of 41_vat.sql"

    pdf = download(settings, f"/documents/invoices/{invoice['id']}.pdf", bearer)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf", pdf.text
    embedded = pdf_a3_xml(pdf.content)
    alone = download(settings, f"/documents/invoices/{invoice['id']}.xml", bearer)
    assert alone.status_code == 200 and alone.headers["Content-Type"].startswith("application/xml"), alone.text
    assert alone.content == embedded, "the .xml download is the XML the PDF carries"
    assert facturx.xml_check_xsd(alone.content, flavor="factur-x", level="en16931")
    kept = ok(staff.get("/documents", params={"source_id": f"eq.{invoice['id']}", "select": "format,variant,sha256"}))
    assert {(row["format"], row["variant"]) for row in kept} == {("pdf", "original"), ("xml", "original")}
    assert alone.headers["ETag"] == f'"{next(r["sha256"] for r in kept if r["format"] == "xml")}"'

    totals = business_rules(embedded, exact_vat=not tenant["prices_include_vat"])
    row = ok(staff.get("/invoices", params={"id": f"eq.{invoice['id']}", "select": "net_total,vat_total,total"}))[0]
    assert in_cents(totals) == (row["net_total"], row["vat_total"], row["total"]), "the database's totals to the cent"
    if "one-cent" in case:
        assert totals["off_by"] == [-CENT, 0], "R 10.00: VAT 1.30 of basis 8.70, where 8.70 x 15 % rounds to 1.31"

    tree = etree.fromstring(embedded)
    text = lambda path: tree.findtext(path, namespaces=NS)  # noqa: E731
    assert text("rsm:ExchangedDocument/ram:TypeCode") == "380" and text("rsm:ExchangedDocument/ram:ID") == invoice["number"]
    assert text(".//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == "urn:cen.eu:en16931:2017"
    assert text(".//ram:BuyerReference") == "04011000-12345-03", "BT-10"
    assert text(".//ram:SellerTradeParty/ram:Name") == tenant["legal_name"]
    assert text(".//ram:SellerTradeParty/ram:PostalTradeAddress/ram:CountryID") == country
    assert text(".//ram:BuyerTradeParty/ram:Name") == "Beispiel Handel GmbH"
    assert text(".//ram:BuyerTradeParty/ram:URIUniversalCommunication/ram:URIID[@schemeID='EM']") == customer["email"], \
        "BT-49: the buyer's electronic address, as frozen with the invoice"
    assert text(".//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:CityName") == "Köln"
    assert text(".//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") == "DE987654321"
    assert text(".//ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString") \
        == invoice["due_on"].replace("-", ""), "BT-9"
    if country == "DE":
        assert text(".//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']") == "30/123/45678"
        assert text(".//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode") == "58"
        assert text(".//ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == "DE89370400440532013000"
        assert text(".//ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID") == "COBADEFFXXX"
    else:
        assert text(".//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']") \
            == f"ZA{tenant['vat_number']}", "BR-CO-09: the South African number gets its prefix"
        copy = download(settings, f"/documents/invoices/{invoice['id']}.pdf", bearer)
        assert copy.headers["X-Kassa-Document-Variant"] == "copy" and pdf_a3_xml(copy.content) == embedded


def test_a_credit_note_is_type_381_and_names_its_invoice(settings, db, api, token, tenant_of):
    tenant, customer = tenant_of("DE")
    staff, bearer = api(token("staff", tenant["id"])), token("customer", tenant["id"], customer["id"])
    invoice = issue(staff, db, tenant, customer, CASES["DE with an exempt line and a discount"][1])
    lines = ok(staff.get("/invoice_lines", params={"invoice_id": f"eq.{invoice['id']}", "order": "position"}))
    note = ok(staff.rpc("create_credit_note", invoice_id=invoice["id"], reason="Kulanz",
                        lines=[{"invoice_line_id": lines[0]["id"], "amount": 503},
                               {"invoice_line_id": lines[2]["id"], "amount": 5000}]))

    xml = pdf_a3_xml(download(settings, f"/documents/credit_notes/{note['id']}.pdf", bearer).content)
    assert download(settings, f"/documents/credit_notes/{note['id']}.xml", bearer).content == xml
    totals = business_rules(xml, exact_vat=False)
    assert in_cents(totals) == (note["net_total"], note["vat_total"], note["total"])
    tree = etree.fromstring(xml)
    assert tree.findtext("rsm:ExchangedDocument/ram:TypeCode", namespaces=NS) == "381"
    assert tree.findtext(".//ram:InvoiceReferencedDocument/ram:IssuerAssignedID", namespaces=NS) == invoice["number"]
    assert tree.findtext(".//ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/qdt:DateTimeString",
                         namespaces=NS) == invoice["issued_on"].replace("-", ""), "BT-26"
    assert tree.findtext(".//ram:IncludedNote/ram:Content", namespaces=NS) == "Kulanz"


def test_an_e_invoice_that_does_not_add_up_is_refused_and_never_kept(settings, db, api, token, tenant_of):
    tenant, customer = tenant_of("DE")
    invoice = issue(api(token("staff", tenant["id"])), db, tenant, customer, [(1000, 1, "standard")])
    db.execute("ALTER TABLE kassa.invoices DISABLE TRIGGER freeze_finalised")
    try:  # an issued invoice whose VAT total is not its breakdown's
        db.execute("UPDATE kassa.invoices SET vat_total = vat_total + 1 WHERE id = %s", [invoice["id"]])
    finally:
        db.execute("ALTER TABLE kassa.invoices ENABLE TRIGGER freeze_finalised")
    bearer = token("customer", tenant["id"], customer["id"])
    for extension in ("xml", "pdf"):
        answer = download(settings, f"/documents/invoices/{invoice['id']}.{extension}", bearer)
        assert (answer.status_code, answer.json()["code"]) == (500, "P0B25"), answer.text
        assert "do not add up" in answer.json()["details"], answer.text
    assert db.execute("SELECT count(*) AS n FROM kassa.documents WHERE source_id = %s", [invoice["id"]]).fetchone()["n"] == 0
    statement = download(settings, f"/documents/statements/{customer['id']}.xml", bearer)
    assert (statement.status_code, statement.json()["code"]) == (404, "P0B20"), "only invoices and credit notes have XML"


def test_xml_that_fails_the_xsd_is_refused(db, api, token, tenant_of):
    tenant, customer = tenant_of("DE")
    invoice = issue(api(token("staff", tenant["id"])), db, tenant, customer, [(1000, 1, "standard")])
    source = db.execute("SELECT internal.document_source(%s, 'invoice', %s) AS s", [tenant["id"], invoice["id"]]).fetchone()["s"]
    assert etree.fromstring(einvoice.render_xml(source)) is not None
    empty = {**source, "lines": [], "vat": [], "net_total": 0, "vat_total": 0, "total": 0}
    with pytest.raises(einvoice.Invalid, match="IncludedSupplyChainTradeLineItem"):
        einvoice.render_xml(empty)  # the XSD wants at least one line and one VAT breakdown
