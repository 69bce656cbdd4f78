"""NetCash (South Africa) debit orders: the NIWS SOAP client, the batch file, action dates and
unpaid reasons.

NIWS is a SOAP 1.1 service (namespace http://tempuri.org/, SOAPAction
"http://tempuri.org/INIWS_NIF/<Method>"); every method answers one string or record in
<MethodResponse><MethodResult>. A debit run is a tab-delimited file (H, K, T..., F lines) given to
BatchFileUpload; its load report, and later the merchant statement (debits, unpaids, disputes),
are fetched by polling. What NetCash has not confirmed in writing is a setting or says so in
docs/payments.md ("NetCash debit orders").
"""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal, NamedTuple


SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
NIWS_NS = "http://tempuri.org/"
LIVE_URL = "https://ws.netcash.co.za/NIWS/niws_nif.svc"
NOT_READY = "FILE NOT READY"
AMOUNT_UNITS = ("cents", "rands")

# The result codes NIWS answers instead of a result.
RESULT_CODES = {
    "100": "authentication failed: the service key is not known",
    "101": "date format error (dates are CCYYMMDD)",
    "102": "parameter error",
    "200": "general error (NetCash could not process the request)",
    "203": "the request failed (parameter detail)",
    "311": "the service key is not valid for this service",
}


class NetcashError(Exception):
    """NIWS answered a result code instead of a result, a SOAP fault, or nothing usable."""

    def __init__(self, code: str, message: str, method: str = ""):
        super().__init__(f"NetCash {method or 'call'} failed: {code} {message}")
        self.code, self.detail, self.method = code, message, method


@dataclass(frozen=True)
class NetcashSettings:
    """What the client needs: one service key per NetCash service, the software vendor key, and
    the NIWS endpoint (the local stand-in in local mode)."""
    debit_order_key: str
    account_key: str
    vendor_key: str
    url: str = LIVE_URL
    # Amounts in the batch file: whole cents (the default) or rands with two decimals. NetCash's
    # public pages do not say which in so many words, hence a setting.
    amount_unit: Literal["cents", "rands"] = "cents"
    timeout: float = 30
    # Where NetCash's own word on a mandate or a batch is asked (confirm_mandate, batch_status).
    # NIWS publishes no such call we could rely on, so only the local stand-in has one (its
    # /_fake API); empty: mandate postbacks stay unconfirmed and a loaded batch counts as
    # authorised (docs/collections.md, "Debit orders").
    status_url: str = ""

    def __post_init__(self):
        if self.amount_unit not in AMOUNT_UNITS:
            raise ValueError(f"the NetCash amount unit is cents or rands, not {self.amount_unit!r}")

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> NetcashSettings:
        """From the KASSA_NETCASH_* variables every stack process gets (kassa/config.py names them)."""
        return cls(env["KASSA_NETCASH_DEBIT_ORDER_KEY"], env["KASSA_NETCASH_ACCOUNT_KEY"],
                   env["KASSA_NETCASH_VENDOR_KEY"], env["KASSA_NETCASH_URL"],
                   env.get("KASSA_NETCASH_AMOUNT_UNIT") or "cents",
                   status_url=env.get("KASSA_NETCASH_STATUS_URL", ""))


# --- SOAP ----------------------------------------------------------------------------------

def soap_envelope(method: str, params: Sequence[tuple[str, object]]) -> bytes:
    """A SOAP 1.1 request: <Method xmlns="http://tempuri.org/"> with one element per parameter, in
    the order given (WCF reads them in order). ElementTree escapes the values."""
    envelope = ET.Element(f"{{{SOAP_ENV}}}Envelope")
    call = ET.SubElement(ET.SubElement(envelope, f"{{{SOAP_ENV}}}Body"), f"{{{NIWS_NS}}}{method}")
    for name, value in params:
        ET.SubElement(call, f"{{{NIWS_NS}}}{name}").text = soap_value(value)
    return ET.tostring(envelope, encoding="utf-8", xml_declaration=True)


def soap_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    return "" if value is None else str(value)


def parse_xml(body: bytes) -> ET.Element:
    """An answer's XML; a document type declaration (entity tricks) is refused outright."""
    if b"<!DOCTYPE" in body.upper():
        raise NetcashError("xml", "the answer declares a document type")
    try:
        return ET.fromstring(body)
    except ET.ParseError as error:
        raise NetcashError("xml", f"the answer is no XML: {error}") from None


def soap_result(method: str, body: bytes) -> ET.Element:
    """The <MethodResult> element of an answer, or NetcashError for a fault or another shape."""
    root = parse_xml(body)
    fault = root.find(f".//{{{SOAP_ENV}}}Fault")
    if fault is not None:
        raise NetcashError("fault", (fault.findtext("faultstring") or "SOAP fault").strip(), method)
    result = root.find(f".//{{{NIWS_NS}}}{method}Response/{{{NIWS_NS}}}{method}Result")
    if result is None:
        raise NetcashError("answer", f"no {method}Result in the answer", method)
    return result


def checked(method: str, text: str) -> str:
    """A string result, or NetcashError when it is one of the result codes."""
    text = text.strip()
    if text in RESULT_CODES:
        raise NetcashError(text, RESULT_CODES[text], method)
    return text


class NetcashClient:
    def __init__(self, settings: NetcashSettings):
        self.settings = settings

    def call(self, method: str, params: Sequence[tuple[str, object]]) -> ET.Element:
        request = urllib.request.Request(self.settings.url, data=soap_envelope(method, params), method="POST",
                                         headers={"Content-Type": "text/xml; charset=utf-8",
                                                  "SOAPAction": f'"{NIWS_NS}INIWS_NIF/{method}"'})
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:
                body = response.read()
        except urllib.error.HTTPError as error:  # a SOAP fault comes as HTTP 500
            body = error.read()
            if not body.strip():
                raise NetcashError("http", f"HTTP {error.code}", method) from None
        except OSError as error:
            raise NetcashError("unreachable", str(error), method) from None
        return soap_result(method, body)

    def call_text(self, method: str, params: Sequence[tuple[str, object]]) -> str:
        return checked(method, self.call(method, params).text or "")

    def batch_file_upload(self, file_text: str) -> str:
        """Hands a batch file to NetCash; the answer is the file token for the load report."""
        return self.call_text("BatchFileUpload", [("ServiceKey", self.settings.debit_order_key),
                                                  ("File", file_text)])

    def request_file_upload_report(self, token: str) -> LoadReport | None:
        """The load report of an uploaded file; None while NetCash has not processed it."""
        text = self.call_text("RequestFileUploadReport", [("ServiceKey", self.settings.debit_order_key),
                                                          ("FileToken", token)])
        return None if text == NOT_READY else parse_load_report(text)

    def add_mandate(self, mandate: MandateRequest) -> MandateAnswer:
        """Asks NetCash for an eMandate the customer signs on NetCash's page (mandate_url). A bad
        service key raises NetcashError; other refusals come back as error_code and errors."""
        result = self.call("AddMandate", [("ServiceKey", self.settings.debit_order_key), *mandate.params()])
        answer = MandateAnswer(child_text(result, "ErrorCode"),
                               [text.strip() for errors in result.iter() if local_name(errors.tag) == "Errors"
                                for text in errors.itertext() if text.strip()],
                               child_text(result, "MandateUrl") or None)
        if answer.error_code in ("100", "311"):
            raise NetcashError(answer.error_code, RESULT_CODES[answer.error_code], "AddMandate")
        return answer

    def status_of(self, path: str):
        """A JSON answer of the status source, or NetcashError ("unreachable", "http")."""
        try:
            with urllib.request.urlopen(self.settings.status_url + path, timeout=self.settings.timeout) as response:
                return json.load(response)
        except urllib.error.HTTPError as error:
            raise NetcashError("http", f"HTTP {error.code} from the status source", "status") from None
        except (OSError, ValueError) as error:
            raise NetcashError("unreachable", str(error), "status") from None

    def confirm_mandate(self, account_reference: str) -> ConfirmedMandate | None:
        """What NetCash itself says of the mandate of an account reference (a postback only
        hints at it); None when there is nothing to ask (no status source configured)."""
        if not self.settings.status_url:
            return None
        answer = self.status_of("/mandates/" + urllib.parse.quote(account_reference, safe=""))
        return ConfirmedMandate(answer.get("decision"), answer.get("mandate_reference") or "",
                                answer.get("reason") or "")

    def batch_status(self, token: str) -> Literal["authorised", "awaiting_authorisation"] | None:
        """Whether an uploaded batch waits for authorisation in NetCash's portal; None when there
        is nothing to ask or the source does not know the token."""
        if not self.settings.status_url:
            return None
        return next((batch["status"] for batch in self.status_of("/batches") if batch.get("token") == token), None)

    def request_merchant_statement(self, from_date: date) -> str:
        """Asks for the statement from an action date on; the answer is the polling id."""
        return self.call_text("RequestMerchantStatement", [("ServiceKey", self.settings.account_key),
                                                           ("FromActionDate", from_date)])

    def retrieve_merchant_statement(self, polling_id: str) -> list[StatementLine] | None:
        """The statement lines; None while NetCash is still preparing it."""
        text = self.call_text("RetrieveMerchantStatement", [("ServiceKey", self.settings.account_key),
                                                            ("PollingId", polling_id)])
        return None if text == NOT_READY else parse_statement(text)


def local_name(tag: str) -> str:
    return tag.rpartition("}")[2]


def child_text(element: ET.Element, name: str) -> str:
    """The text of the first element named `name` below `element`, whatever its namespace (WCF
    puts a record's members in a data-contract namespace of its own)."""
    found = next((child for child in element.iter() if local_name(child.tag) == name), None)
    return (found.text or "").strip() if found is not None else ""


# --- the batch file -------------------------------------------------------------------------

Instruction = Literal["TwoDay", "Sameday"]
# The fields every T line carries, in this order (the K line lists them).
DEBIT_FIELDS = {101: "account reference", 102: "account name", 131: "banking detail type",
                132: "bank account name", 133: "account type", 134: "branch code",
                136: "account number", 162: "amount"}
BANK_ACCOUNT = 1          # field 131: a bank account (2 would be a credit card)
ACCOUNT_TYPES = {1: "current", 2: "savings", 3: "transmission"}
FOOTER_MARK = "9999"


# The universal branch codes of South Africa's banks (any branch of the bank takes it), by the
# bank's name as a payment method stores it (lower case), and our account types' file codes.
UNIVERSAL_BRANCH_CODES = {"absa": "632005", "african bank": "430000", "bidvest bank": "462005",
                          "capitec": "470010", "discovery bank": "679000", "fnb": "250655",
                          "first national bank": "250655", "investec": "580105", "nedbank": "198765",
                          "standard bank": "051001", "tymebank": "678910"}
ACCOUNT_TYPE_CODES = {"current": 1, "cheque": 1, "savings": 2, "transmission": 3}


class BatchError(ValueError):
    """A batch that must not be sent: the message names the record and the field."""


@dataclass(frozen=True)
class Debit:
    account_reference: str   # NetCash's account reference (2-22 characters), ours to choose
    account_name: str
    bank_account_name: str
    account_type: int        # 1 current, 2 savings, 3 transmission
    branch_code: str
    account_number: str
    amount: Decimal          # rands


def batch_amount(amount: object, unit: str = "cents") -> int | Decimal:
    """A positive amount in rands as the file states it: whole cents, or rands to the cent.
    A float, a fraction of a cent, zero or less is refused."""
    if unit not in AMOUNT_UNITS:
        raise ValueError(f"the amount unit is cents or rands, not {unit!r}")
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise BatchError(f"amount must be a Decimal number of rands, not {type(amount).__name__}")
    amount = Decimal(amount)
    if not amount.is_finite() or amount <= 0:
        raise BatchError(f"amount must be positive, not {amount}")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise BatchError(f"amount {amount} has a fraction of a cent")
    return int(cents) if unit == "cents" else amount.quantize(Decimal("0.01"))


def plain(value: object, what: str) -> str:
    """A value as one field of a tab-delimited line: no tab, no line break."""
    text = soap_value(value)
    if re.search(r"[\t\r\n]", text):
        raise BatchError(f"{what} contains a tab or a line break")
    return text


def debit_values(debit: Debit, unit: str) -> list[object]:
    if not 2 <= len(debit.account_reference) <= 22:
        raise BatchError(f"account reference {debit.account_reference!r} must have 2 to 22 characters")
    if debit.account_type not in ACCOUNT_TYPES:
        raise BatchError(f"account type {debit.account_type!r} must be one of {sorted(ACCOUNT_TYPES)}")
    if not re.fullmatch(r"\d{6}", debit.branch_code):
        raise BatchError(f"branch code {debit.branch_code!r} must be six digits")
    if not re.fullmatch(r"\d{1,20}", debit.account_number):
        raise BatchError("account number must be digits only")
    if not debit.account_name.strip() or not debit.bank_account_name.strip():
        raise BatchError("account name and bank account name are required")
    return [debit.account_reference, debit.account_name, BANK_ACCOUNT, debit.bank_account_name,
            debit.account_type, debit.branch_code, debit.account_number, batch_amount(debit.amount, unit)]


def build_batch(service_key: str, vendor_key: str, instruction: Instruction, batch_name: str,
                action_date: date, debits: Iterable[Debit], amount_unit: str = "cents") -> str:
    """The debit-order file for BatchFileUpload: H (header), K (the field ids of the T lines),
    one T per debit, F (record count, total amount, 9999); tab-delimited, one line each."""
    if instruction not in ("TwoDay", "Sameday"):
        raise BatchError(f"instruction must be TwoDay or Sameday, not {instruction!r}")
    if not batch_name.strip():
        raise BatchError("batch name is required")
    debits = list(debits)
    records = []
    for number, debit in enumerate(debits, start=1):
        try:
            records.append([plain(value, DEBIT_FIELDS[key]) for key, value in zip(DEBIT_FIELDS, debit_values(debit, amount_unit))])
        except BatchError as error:
            raise BatchError(f"debit {number} ({debit.account_reference!r}): {error}") from None
    if not records:
        raise BatchError("a batch needs at least one debit")
    total = sum(batch_amount(debit.amount, amount_unit) for debit in debits)
    lines = [["H", plain(service_key, "service key"), "1", instruction, plain(batch_name, "batch name"),
              action_date.strftime("%Y%m%d"), plain(vendor_key, "vendor key")],
             ["K", *map(str, DEBIT_FIELDS)],
             *(["T", *record] for record in records),
             ["F", str(len(records)), str(total), FOOTER_MARK]]
    return "\n".join("\t".join(line) for line in lines)


# --- the load report ------------------------------------------------------------------------

@dataclass(frozen=True)
class FailedRecord:
    account_reference: str
    line: int
    reason: str


@dataclass(frozen=True)
class LoadReport:
    batch_name: str
    status: Literal["SUCCESSFUL", "UNSUCCESSFUL", "SUCCESSFUL WITH ERRORS"]
    failures: list[FailedRecord] = field(default_factory=list)


REPORT_BEGIN = re.compile(r"###BEGIN\s+(?P<batch>.*?)\s+(?P<status>UNSUCCESSFUL|SUCCESSFUL WITH ERRORS|SUCCESSFUL)\b")
REPORT_FAILURE = re.compile(r"Acc Ref\s*:\s*(?P<reference>.+?)\s+Line\s*:\s*(?P<line>\d+)\s*(?P<reason>.*)")


def parse_load_report(text: str) -> LoadReport:
    """`###BEGIN <batch> <status> ...`, one `Acc Ref :X Line :N <reason>` per failed record,
    `###END`. Fields may be separated by tabs or spaces."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    begin = REPORT_BEGIN.match(lines[0]) if lines else None
    if not begin or lines[-1] != "###END":
        raise NetcashError("report", f"not a load report: {text[:200]!r}", "RequestFileUploadReport")
    failures = [FailedRecord(m["reference"].strip(), int(m["line"]), m["reason"].strip())
                for line in lines[1:-1] if (m := REPORT_FAILURE.match(line))]
    return LoadReport(begin["batch"].strip(), begin["status"], failures)


# --- the merchant statement -----------------------------------------------------------------

STATEMENT_TYPES = {"TDD": "two-day debit order", "SDD": "same-day debit order", "DRU": "debit order unpaid",
                   "PNC": "Pay Now card", "PNE": "Pay Now EFT", "PNU": "Pay Now card unpaid",
                   "PND": "dispute", "PNR": "refund", "OBL": "opening balance", "CBL": "closing balance"}
UNPAID_CODE = re.compile(r"-Code:\s*(\d+)")


@dataclass(frozen=True)
class StatementLine:
    day: date
    type_code: str
    transaction_id: str
    description: str
    amount: Decimal          # rands, as printed (unsigned)
    sign: str                # "+" money in, "-" money out
    vat: Decimal
    extra: tuple[str, str, str]

    @property
    def signed_amount(self) -> Decimal:
        return -self.amount if self.sign == "-" else self.amount

    @property
    def unpaid_code(self) -> int | None:
        """The bank's reason of an unpaid (DRU): the description ends in "-Code:NN"."""
        match = UNPAID_CODE.search(self.description)
        return int(match[1]) if match else None


def statement_date(text: str) -> date:
    for pattern in ("%Y%m%d", "%Y-%m-%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            pass
    raise ValueError(f"not a date: {text!r}")


def parse_statement(text: str) -> list[StatementLine]:
    """Tab-delimited lines: date, type code, transaction id, description, amount, sign, VAT,
    extra 1-3 (the extras may be missing)."""
    parsed = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        columns = line.rstrip("\r").split("\t")
        try:
            if len(columns) < 7 or columns[5].strip() not in ("+", "-"):
                raise ValueError("expected at least 7 columns with the sign (+ or -) in the sixth")
            extra = (columns[7:10] + ["", "", ""])[:3]
            parsed.append(StatementLine(statement_date(columns[0]), columns[1].strip(), columns[2].strip(),
                                        columns[3].strip(), Decimal(columns[4].strip()), columns[5].strip(),
                                        Decimal(columns[6].strip() or "0"), tuple(extra)))
        except (ValueError, InvalidOperation) as error:
            raise NetcashError("statement", f"line {number}: {error}", "RetrieveMerchantStatement") from None
    return parsed


# --- action dates ---------------------------------------------------------------------------

@lru_cache(maxsize=64)
def public_holidays(year: int):
    """South Africa's public holidays of a year, a Sunday holiday's Monday included (from the
    `holidays` library, imported here: the CLI reads LIVE_URL and should not pay for it)."""
    import holidays
    return holidays.country_holidays("ZA", years=year)


def is_holiday(day: date) -> bool:
    return day in public_holidays(day.year)


def two_day_runs_on(day: date) -> bool:
    """The two-day service counts business days: Monday to Friday, not a public holiday."""
    return day.weekday() < 5 and not is_holiday(day)


def same_day_runs_on(day: date) -> bool:
    """The same-day service also runs on Saturdays (never on a public holiday)."""
    return day.weekday() < 6 and not is_holiday(day)


def next_day(day: date, runs_on) -> date:
    day += timedelta(days=1)
    while not runs_on(day):
        day += timedelta(days=1)
    return day


def action_date(submission: date, service: Literal["two_day", "same_day"], cutoff_passed: bool) -> date:
    """The earliest action date of a batch submitted on `submission`. A submission after the
    day's cut-off, or on a day the service does not run, counts as made on its next running day;
    two-day debits then run two business days later, same-day debits that day."""
    if service not in ("two_day", "same_day"):
        raise ValueError(f"service must be two_day or same_day, not {service!r}")
    runs_on = two_day_runs_on if service == "two_day" else same_day_runs_on
    submitted = submission if runs_on(submission) and not cutoff_passed else next_day(submission, runs_on)
    if service == "same_day":
        return submitted
    return next_day(next_day(submitted, runs_on), runs_on)


# --- unpaid reasons -------------------------------------------------------------------------

class UnpaidReason(NamedTuple):
    retry_allowed: bool
    cancels_mandate: bool
    description: str


MAX_RETRIES = 3  # a "not provided for" debit may be presented again at most this often
ACCOUNT_CLOSED = 12
UNPAID_REASONS = {
    2: UnpaidReason(True, False, "not provided for (insufficient funds)"),
    3: UnpaidReason(False, False, "debits not allowed to this account"),
    4: UnpaidReason(False, False, "payment stopped by the account holder"),
    30: UnpaidReason(False, True, "no authority to debit (disputed: a new mandate is needed)"),
    # The bank code for a closed account; not in NetCash's published list (see docs/payments.md).
    ACCOUNT_CLOSED: UnpaidReason(False, True, "account closed"),
}


def unpaid_reason(code: int) -> UnpaidReason:
    """What an unpaid's code means; an unknown code is neither retried nor cancels the mandate."""
    return UNPAID_REASONS.get(code, UnpaidReason(False, False, f"unpaid (bank code {code})"))


def may_retry(code: int, attempts: int) -> bool:
    """Whether a debit that came back unpaid with `code` after `attempts` presentations may be
    presented again."""
    return unpaid_reason(code).retry_allowed and attempts < MAX_RETRIES


# --- eMandates ------------------------------------------------------------------------------

class MandateAnswer(NamedTuple):
    error_code: str
    errors: list[str]
    mandate_url: str | None


@dataclass(frozen=True)
class MandateRequest:
    account_reference: str
    mandate_name: str
    amount: Decimal                 # rands
    first_name: str
    surname: str
    mobile: str
    agreement_date: date
    agreement_reference: str
    commencement_month: int
    commencement_day: str           # "01".."31" or "LDOM" (last day of the month)
    debit_frequency: int = 1        # 1 monthly ... 7 biweekly
    is_consumer: bool = True
    email: str = ""
    add_to_master_file: bool = True
    extra: tuple[str, ...] = ()     # Field1..Field9, returned in the postback

    def params(self) -> list[tuple[str, object]]:
        if not 2 <= len(self.account_reference) <= 22:
            raise ValueError("account reference must have 2 to 22 characters")
        if len(self.extra) > 9:
            raise ValueError("at most 9 extra fields")
        return [("AccountReference", self.account_reference), ("MandateName", self.mandate_name),
                ("MandateAmount", batch_amount(self.amount, "rands")), ("IsConsumer", self.is_consumer),
                ("FirstName", self.first_name), ("Surname", self.surname), ("MobileNumber", self.mobile),
                ("DebitFrequency", self.debit_frequency), ("CommencementMonth", self.commencement_month),
                ("CommencementDay", self.commencement_day), ("AgreementDate", self.agreement_date),
                ("AgreementReferenceNumber", self.agreement_reference), ("EmailAddress", self.email),
                *((f"Field{number}", value) for number, value in enumerate(self.extra, start=1)),
                ("AddToMasterFile", self.add_to_master_file)]


@dataclass(frozen=True)
class MandateOutcome:
    """What NetCash's mandate postback claims. It is not signed: trust it only after asking
    NetCash (the statement, or the mandate's status) and matching the account reference."""
    account_reference: str
    accepted: bool
    decline_reason: str
    mandate_reference: str
    fields: dict[str, str]


class ConfirmedMandate(NamedTuple):
    """NetCash's own answer on a mandate: decision "accepted", "declined" or None (not signed yet)."""
    decision: Literal["accepted", "declined"] | None
    mandate_reference: str
    reason: str


def truthy(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "y")


def parse_mandate_postback(fields: Mapping[str, str]) -> MandateOutcome:
    """The postback's form fields (AccountRef, MandateSuccessful, IsDeclined, ReasonForDecline,
    MandateReferenceNumber, ...); ValueError without an account reference."""
    reference = (fields.get("AccountRef") or "").strip()
    if not reference:
        raise ValueError("the postback has no AccountRef")
    accepted = truthy(fields.get("MandateSuccessful", "")) and not truthy(fields.get("IsDeclined", ""))
    return MandateOutcome(reference, accepted, fields.get("ReasonForDecline", ""),
                          fields.get("MandateReferenceNumber", ""), dict(fields))
