"""The e-invoice of an issued invoice or credit note (docs/documents.md#e-invoices-factur-x--zugferd):
EN 16931 in the UN/CEFACT CII syntax, Factur-X profile EN 16931 (ZUGFeRD "COMFORT"), made from
the same document source as the PDF (internal.document_source: the snapshot frozen at issue,
never live tenant or customer data), and checked against the Factur-X XSD before anything keeps it.

Amounts are the document's minor units written with the currency's decimals (never floats).
The VAT breakdown is Kassa's, per UNTDID 5305 code and rate (BG-23): its VAT amounts are the
ones the invoice's totals were computed from, so the XML's totals are the database's to the
cent. Line net amounts (BT-131): the line amounts when prices exclude VAT; when they include it
(South Africa), each line's VAT is its share of its category's VAT (largest remainder), so the
line nets add up to the category's basis exactly (BR-CO-10, BR-S-08 and kin).
"""
from __future__ import annotations

import math
from collections import defaultdict
from decimal import Decimal

from lxml import etree

from bridge.money import in_major_units

NS = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
      "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
      "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
      "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"}
PROFILE = "urn:cen.eu:en16931:2017"  # BT-24: the EN 16931 profile of Factur-X
TYPE_CODE = {"invoice": "380", "credit_note": "381"}  # UNTDID 1001 (BT-3)
KINDS = frozenset(TYPE_CODE)
# The codes whose breakdown names an exemption reason (BR-E-10, BR-AE-10, BR-IC-10, BR-G-10,
# BR-O-10); S and Z must not (BR-S-10, BR-Z-10). O has no rate at all (BR-O-05, BR-O-09).
EXEMPT = frozenset({"E", "AE", "K", "G", "O"})
SEPA_TRANSFER, SEPA_DIRECT_DEBIT = "58", "59"  # UNTDID 4461 (BT-81)


class Invalid(Exception):
    """The document's e-invoice is not valid: it is neither kept nor served."""


def render_xml(source: dict, variant: str = "original") -> bytes:
    """The CII XML of an issued invoice or credit note, checked against the Factur-X EN 16931
    XSD (the same for the original and a South African copy: the copy is the PDF's matter)."""
    import facturx  # with pypdf: only the document worker pays its import
    xml = etree.tostring(CrossIndustryInvoice(source).build(), xml_declaration=True, encoding="UTF-8",
                         pretty_print=True)
    try:
        facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
    except Exception as error:  # the library raises a bare Exception naming the XSD error
        raise Invalid(f"{source['kind']} {source.get('number')}: {error}") from error
    return xml


def version() -> str:
    import facturx
    return f"factur-x {facturx.__version__} en16931"


def day(value) -> str:
    return str(value)[:10].replace("-", "")


def vat_id(number: str | None, country: str | None) -> str | None:
    """A VAT number with its ISO 3166-1 prefix (BR-CO-09): South African numbers are printed
    bare, so the XML prefixes the party's country."""
    if not number:
        return None
    number = number.replace(" ", "")
    return number if number[:2].isalpha() or not country else f"{country}{number}"


def line_vats(grosses: list[int], rate: Decimal, vat: int) -> list[int]:
    """A category's VAT split over its VAT-inclusive lines so that the parts sum to `vat`
    exactly: each line's exact VAT gross × rate / (100 + rate), the difference between their
    sum and the category's VAT spread evenly, then whole minor units by largest remainder."""
    exact = [Decimal(g) * rate / (100 + rate) for g in grosses]
    spread = (vat - sum(exact)) / len(exact)
    ideal = [e + spread for e in exact]
    parts = [math.floor(i) for i in ideal]
    for index in sorted(range(len(ideal)), key=lambda i: parts[i] - ideal[i])[:vat - sum(parts)]:
        parts[index] += 1
    return parts


class CrossIndustryInvoice:
    """One document source as a CII tree, in the element order of the Factur-X XSD."""

    def __init__(self, source: dict):
        self.doc, self.kind = source, source["kind"]
        self.exponent, self.currency = int(source.get("minor_units", 2)), source["currency"]
        self.supplier, self.recipient = source.get("supplier") or {}, source.get("recipient") or {}
        self.rows = source.get("vat") or []
        self.lines = self.line_nets()
        self.taxes = self.merged_rows()
        self.check_totals()

    # -- figures -------------------------------------------------------------------------------
    def code_of(self, row: dict) -> str:
        return row.get("vat_code") or ("S" if Decimal(str(row["vat_rate"])) > 0 else "Z")

    def row_of(self, line: dict) -> dict:
        for row in self.rows:
            if row["vat_category"] == line.get("vat_category") and Decimal(str(row["vat_rate"])) == Decimal(str(line["vat_rate"])):
                return row
        raise Invalid(f"{self.kind} {self.doc.get('number')}: no VAT breakdown row for line {line.get('description')!r}")

    def line_nets(self) -> list[tuple[dict, dict, int]]:
        """Each line with its VAT row and its net amount (minor units)."""
        lines = [(line, self.row_of(line)) for line in self.doc.get("lines") or []]
        if not self.doc.get("prices_include_vat"):
            return [(line, row, int(line["amount"])) for line, row in lines]
        of_row = defaultdict(list)  # the lines of each breakdown row, by position
        for index, (line, row) in enumerate(lines):
            of_row[(row["vat_category"], str(row["vat_rate"]))].append(index)
        nets = [0] * len(lines)
        for indexes in of_row.values():
            row = lines[indexes[0]][1]
            grosses = [int(lines[i][0]["amount"]) for i in indexes]
            for i, gross, vat in zip(indexes, grosses, line_vats(grosses, Decimal(str(row["vat_rate"])), int(row["vat"]))):
                nets[i] = gross - vat
        return [(line, row, net) for (line, row), net in zip(lines, nets)]

    def merged_rows(self) -> list[dict]:
        """BG-23: one breakdown per VAT code and rate (two Kassa categories of the same code and
        rate are one row here, their distinct exemption reasons joined)."""
        merged = {}
        for row in self.rows:
            key = (self.code_of(row), Decimal(str(row["vat_rate"])))
            into = merged.setdefault(key, {"code": key[0], "rate": key[1], "net": 0, "vat": 0, "reasons": [], "codes": []})
            into["net"] += int(row["net"])
            into["vat"] += int(row["vat"])
            for name, value in (("reasons", row.get("exemption_reason")), ("codes", row.get("exemption_code"))):
                if value and value not in into[name]:
                    into[name].append(value)
        for tax in merged.values():
            if tax["code"] in EXEMPT and not (tax["reasons"] or tax["codes"]):
                raise Invalid(f"{self.kind} {self.doc.get('number')}: VAT code {tax['code']} needs an exemption reason")
        return list(merged.values())

    def check_totals(self) -> None:
        """BR-CO-10/13/15 hold exactly, and the totals are the document's own: anything else is
        a document Kassa cannot vouch for, refused here rather than sent."""
        line_total = sum(net for _, _, net in self.lines)
        net, vat = sum(t["net"] for t in self.taxes), sum(t["vat"] for t in self.taxes)
        expected = (int(self.doc["net_total"]), int(self.doc["vat_total"]), int(self.doc["total"]))
        if (line_total, net, vat, net + vat) != (expected[0], *expected):
            raise Invalid(f"{self.kind} {self.doc.get('number')}: lines {line_total}, breakdown {net} + {vat} do not add "
                          f"up to the totals {expected}")
        self.totals = {"lines": line_total, "net": net, "vat": vat, "gross": net + vat}

    # -- the tree --------------------------------------------------------------------------------
    def amount(self, minor: int) -> str:
        return f"{in_major_units(int(minor), self.exponent):.{self.exponent}f}"

    def build(self) -> etree._Element:
        root = etree.Element(f"{{{NS['rsm']}}}CrossIndustryInvoice", nsmap=NS)
        context = sub(root, "rsm:ExchangedDocumentContext")
        sub(sub(context, "ram:GuidelineSpecifiedDocumentContextParameter"), "ram:ID", PROFILE)
        header = sub(root, "rsm:ExchangedDocument")
        sub(header, "ram:ID", self.doc["number"])
        sub(header, "ram:TypeCode", TYPE_CODE[self.kind])
        date(sub(header, "ram:IssueDateTime"), self.doc["issued_on"])
        for text in (self.doc.get("notes"), self.doc.get("reason")):
            if text:
                sub(sub(header, "ram:IncludedNote"), "ram:Content", text)
        transaction = sub(root, "rsm:SupplyChainTradeTransaction")
        for position, (line, row, net) in enumerate(self.lines, start=1):
            self.line(transaction, position, line, row, net)
        self.agreement(sub(transaction, "ram:ApplicableHeaderTradeAgreement"))
        delivery = sub(transaction, "ram:ApplicableHeaderTradeDelivery")
        if self.doc.get("supplied_on"):
            date(sub(sub(delivery, "ram:ActualDeliverySupplyChainEvent"), "ram:OccurrenceDateTime"), self.doc["supplied_on"])
        self.settlement(sub(transaction, "ram:ApplicableHeaderTradeSettlement"))
        return root

    def line(self, parent, position: int, line: dict, row: dict, net: int) -> None:
        item = sub(parent, "ram:IncludedSupplyChainTradeLineItem")
        sub(sub(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(position))
        sub(sub(item, "ram:SpecifiedTradeProduct"), "ram:Name", line["description"])
        # BT-146, the net price: the line net over its quantity (exact to 4 decimals); never
        # negative (BR-27), so a discount line bills a negative quantity instead.
        quantity = Decimal(str(line.get("quantity") or 1)) * (-1 if net < 0 else 1)
        price = (in_major_units(abs(net), self.exponent) / abs(quantity)).quantize(Decimal("0.0001"))
        cents = price.quantize(Decimal("0.01"))
        sub(sub(sub(item, "ram:SpecifiedLineTradeAgreement"), "ram:NetPriceProductTradePrice"), "ram:ChargeAmount",
            f"{cents if price == cents else price.normalize():f}")
        sub(sub(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", f"{quantity.normalize():f}",
            unitCode="C62")
        settlement = sub(item, "ram:SpecifiedLineTradeSettlement")
        self.tax(settlement, self.code_of(row), Decimal(str(row["vat_rate"])))
        self.period(settlement, line.get("period_start"), line.get("period_end"))
        sub(sub(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"), "ram:LineTotalAmount", self.amount(net))

    def tax(self, parent, code: str, rate: Decimal, figures: dict | None = None) -> None:
        """ApplicableTradeTax of a line (BT-151, BT-152) or of the breakdown (BG-23)."""
        tax = sub(parent, "ram:ApplicableTradeTax")
        if figures:
            sub(tax, "ram:CalculatedAmount", self.amount(figures["vat"]))
        sub(tax, "ram:TypeCode", "VAT")
        if figures and code in EXEMPT and figures["reasons"]:
            sub(tax, "ram:ExemptionReason", "; ".join(figures["reasons"]))
        if figures:
            sub(tax, "ram:BasisAmount", self.amount(figures["net"]))
        sub(tax, "ram:CategoryCode", code)
        if figures and code in EXEMPT and figures["codes"]:
            sub(tax, "ram:ExemptionReasonCode", figures["codes"][0])
        if code != "O":
            sub(tax, "ram:RateApplicablePercent", f"{rate.normalize():f}")

    def period(self, parent, start, end) -> None:
        if start or end:
            period = sub(parent, "ram:BillingSpecifiedPeriod")
            if start:
                date(sub(period, "ram:StartDateTime"), start)
            if end:
                date(sub(period, "ram:EndDateTime"), end)

    def party(self, parent, element: str, party: dict, seller: bool) -> None:
        country = party.get("country") or self.doc.get("country")
        trade = sub(parent, element)
        if not seller and party.get("account_number"):
            sub(trade, "ram:ID", party["account_number"])  # BT-46
        if party.get("company_name") or party.get("name"):
            sub(trade, "ram:Name", party.get("company_name") or party["name"])
        if seller and party.get("registration_number"):
            sub(sub(trade, "ram:SpecifiedLegalOrganization"), "ram:ID", party["registration_number"])  # BT-30
        if party.get("company_name") and party.get("name"):
            sub(sub(trade, "ram:DefinedTradeContact"), "ram:PersonName", party["name"])
        address = sub(trade, "ram:PostalTradeAddress")
        if party.get("postcode"):
            sub(address, "ram:PostcodeCode", party["postcode"])
        if party.get("street") or party.get("address"):
            sub(address, "ram:LineOne", party.get("street") or party["address"])
        if party.get("city"):
            sub(address, "ram:CityName", party["city"])
        sub(address, "ram:CountryID", country)
        if party.get("email"):
            sub(sub(trade, "ram:URIUniversalCommunication"), "ram:URIID", party["email"], schemeID="EM")  # BT-34, BT-49
        if vat := vat_id(party.get("vat_number"), country):
            sub(sub(trade, "ram:SpecifiedTaxRegistration"), "ram:ID", vat, schemeID="VA")  # BT-31, BT-48
        if seller and party.get("tax_number"):
            sub(sub(trade, "ram:SpecifiedTaxRegistration"), "ram:ID", party["tax_number"], schemeID="FC")  # BT-32

    def agreement(self, agreement) -> None:
        if self.recipient.get("buyer_reference"):
            sub(agreement, "ram:BuyerReference", self.recipient["buyer_reference"])  # BT-10
        self.party(agreement, "ram:SellerTradeParty", self.supplier, seller=True)
        self.party(agreement, "ram:BuyerTradeParty", self.recipient, seller=False)

    def settlement(self, settlement) -> None:
        invoice = self.kind == "invoice"
        mandate = self.doc.get("debit_order_mandate") if invoice else None
        iban = self.supplier.get("iban") if invoice else None
        sub(settlement, "ram:PaymentReference", self.doc["number"])  # BT-83
        sub(settlement, "ram:InvoiceCurrencyCode", self.currency)
        if mandate or iban:
            means = sub(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
            sub(means, "ram:TypeCode", SEPA_DIRECT_DEBIT if mandate else SEPA_TRANSFER)
            if not mandate:
                sub(sub(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", iban)  # BT-84
                if self.supplier.get("bic"):
                    sub(sub(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"), "ram:BICID", self.supplier["bic"])
        for figures in self.taxes:
            self.tax(settlement, figures["code"], figures["rate"], figures)
        self.period(settlement, self.doc.get("period_start"), self.doc.get("period_end"))
        if invoice and (self.doc.get("due_on") or mandate):
            terms = sub(settlement, "ram:SpecifiedTradePaymentTerms")
            if self.doc.get("due_on"):
                sub(terms, "ram:Description", f"Payable by {str(self.doc['due_on'])[:10]}")  # BT-20
                date(sub(terms, "ram:DueDateDateTime"), self.doc["due_on"])  # BT-9
            if mandate:
                sub(terms, "ram:DirectDebitMandateID", mandate)  # BT-89
        totals = sub(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
        sub(totals, "ram:LineTotalAmount", self.amount(self.totals["lines"]))  # BT-106
        sub(totals, "ram:ChargeTotalAmount", self.amount(0))  # BT-108: Kassa has no document-level charges
        sub(totals, "ram:AllowanceTotalAmount", self.amount(0))  # BT-107: nor allowances
        sub(totals, "ram:TaxBasisTotalAmount", self.amount(self.totals["net"]))  # BT-109
        sub(totals, "ram:TaxTotalAmount", self.amount(self.totals["vat"]), currencyID=self.currency)  # BT-110
        sub(totals, "ram:GrandTotalAmount", self.amount(self.totals["gross"]))  # BT-112
        # BT-115: what the document asks for at issue; payments are Kassa's ledger, not the document's
        sub(totals, "ram:DuePayableAmount", self.amount(self.totals["gross"]))
        if not invoice and self.doc.get("invoice_number"):
            referenced = sub(settlement, "ram:InvoiceReferencedDocument")
            sub(referenced, "ram:IssuerAssignedID", self.doc["invoice_number"])  # BT-25
            if self.doc.get("invoice_issued_on"):
                sub(sub(referenced, "ram:FormattedIssueDateTime"), "qdt:DateTimeString",
                    day(self.doc["invoice_issued_on"]), format="102")  # BT-26


def sub(parent, name: str, text: str | None = None, **attributes) -> etree._Element:
    prefix, local = name.split(":")
    element = etree.SubElement(parent, f"{{{NS[prefix]}}}{local}", attributes)
    if text is not None:
        element.text = str(text)
    return element


def date(parent, value) -> None:
    sub(parent, "udt:DateTimeString", day(value), format="102")
