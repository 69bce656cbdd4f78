"""A local stand-in for the part of NetCash's NIWS web service Kassa uses (debit orders), for
tests and local mode.

Speaks SOAP 1.1 like NIWS (POST /NIWS/niws_nif.svc, SOAPAction "http://tempuri.org/INIWS_NIF/<Method>",
result in <MethodResponse><MethodResult>) and answers NetCash's result codes: 100 for a service
key it does not know, 311 for a key of another service, 101 for a bad date, 102 for a bad file.

  BatchFileUpload            parses the H/K/T/F file, checks the footer's count and total, answers a token
  RequestFileUploadReport    "FILE NOT READY" for the first poll(s), then `###BEGIN <batch> <status>`,
                             `Acc Ref :X Line :N <reason>` per rejected record, `###END`
  AddMandate                 answers ErrorCode, Errors and a MandateUrl: the page GET /mandates/<id>, whose
                             accept and decline buttons POST the unsigned postback fields (AccountRef,
                             MandateSuccessful, IsDeclined, ...) form-encoded to the postback URL
  RequestMerchantStatement / RetrieveMerchantStatement
                             one tab-delimited line per loaded debit of an authorised batch from the date
                             on, between an opening (OBL) and a closing (CBL) balance: TDD/SDD when paid,
                             DRU "-Code:NN" when unpaid, PND when disputed; the description starts with
                             the account reference

Fake-only: `POST /_fake/outcomes` {"<account reference>": "paid" | "unpaid:<code>" | "dispute" |
"reject"} (reject: the load report fails the record; paid is the default), taken when a batch is
uploaded; `POST /_fake/config` {"not_ready_polls": n, "hold_batches": bool, "postback_url": url};
a held batch stays `awaiting_authorisation` (no statement lines) until `POST
/_fake/batches/<token>/authorise`; `GET /_fake/batches`, `GET /_fake/requests` (every SOAP call);
`GET /_fake/mandates/<account reference>` the latest mandate of a reference as NetCash would
confirm it: {"decision": "accepted" | "declined" | null, "mandate_reference", "reason"} (404 unknown).

Run: python -m bridge.fakes.netcash_server --port 8705 --debit-order-key K --account-key K
"""
from __future__ import annotations

import argparse
import html
import itertools
import json
import re
import secrets
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import parse_qsl, urlencode

from bridge.fakes.common import FakeHandler, RequestLog, Server, bind

SOAP_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
NIWS_NS = "http://tempuri.org/"
ARRAYS_NS = "http://schemas.microsoft.com/2003/10/Serialization/Arrays"
OUTCOME = re.compile(r"paid|unpaid:\d{1,2}|dispute|reject")
DEBIT_TYPE = {"TwoDay": "TDD", "Sameday": "SDD"}
NOT_READY = "FILE NOT READY"


class Refused(Exception):
    """A call NIWS answers with a result code instead of a result."""

    def __init__(self, code: str, errors: list[str] | None = None):
        super().__init__(code)
        self.code, self.errors = code, errors or []


def ccyymmdd(text: str) -> date:
    try:
        return datetime.strptime(text.strip(), "%Y%m%d").date()
    except ValueError:
        raise Refused("101") from None


def rands(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


def parse_batch(text: str) -> dict:
    """The H/K/T/F file as a batch; Refused("102") when it is malformed or its footer disagrees."""
    lines = [line.rstrip("\r").split("\t") for line in text.split("\n") if line.strip()]
    if len(lines) < 4 or lines[0][0] != "H" or lines[1][0] != "K" or lines[-1][0] != "F":
        raise Refused("102", ["the file must have an H line, a K line, T lines and an F line"])
    header, keys, footer = lines[0], lines[1][1:], lines[-1]
    if len(header) != 7 or header[2] != "1" or header[3] not in DEBIT_TYPE:
        raise Refused("102", ["H: service key, version 1, TwoDay or Sameday, batch name, action date, vendor key"])
    if not {"101", "162"} <= set(keys):
        raise Refused("102", ["K must list 101 (account reference) and 162 (amount)"])
    records = []
    for number, line in enumerate(lines[2:-1], start=3):
        if line[0] != "T" or len(line) != len(keys) + 1:
            raise Refused("102", [f"line {number}: a T line with {len(keys)} values"])
        record = dict(zip(keys, line[1:]))
        if not record["162"].isdigit() or int(record["162"]) <= 0:
            raise Refused("102", [f"line {number}: the amount must be a positive number of cents"])
        records.append({"line": number, "reference": record["101"], "name": record.get("102", ""),
                        "cents": int(record["162"])})
    if len(footer) != 4 or footer[3] != "9999" or footer[1] != str(len(records)) \
            or footer[2] != str(sum(r["cents"] for r in records)):
        raise Refused("102", ["F: the record count and total amount of the T lines, then 9999"])
    return {"service_key": header[1], "instruction": header[3], "name": header[4],
            "action_date": ccyymmdd(header[5]), "records": records}


class FakeNetcash(RequestLog):
    """The state: uploaded batches, outcomes per account reference, statements, mandates, requests."""

    def __init__(self, base_url: str, debit_order_key: str, account_key: str, postback_url: str = ""):
        super().__init__()
        self.base_url, self.postback_url = base_url, postback_url
        self.keys = {"debit_order": debit_order_key, "account": account_key}
        self.outcomes: dict[str, str] = {}
        self.batches: dict[str, dict] = {}
        self.statements: dict[str, dict] = {}
        self.mandates: dict[str, dict] = {}
        self.not_ready_polls, self.hold_batches = 1, False
        self.transaction_ids = itertools.count(100001)

    def check_key(self, key: str, service: str) -> None:
        if key != self.keys[service]:
            raise Refused("311" if key in self.keys.values() else "100")

    def call(self, method: str, p: dict[str, str]) -> str | ET.Element:
        handlers = {"BatchFileUpload": self.batch_file_upload, "RequestFileUploadReport": self.upload_report,
                    "AddMandate": self.add_mandate, "RequestMerchantStatement": self.request_statement,
                    "RetrieveMerchantStatement": self.retrieve_statement}
        if method not in handlers:
            raise KeyError(method)
        return handlers[method](p)

    def batch_file_upload(self, p: dict[str, str]) -> str:
        self.check_key(p.get("ServiceKey", ""), "debit_order")
        batch = parse_batch(p.get("File", ""))
        if batch["service_key"] != p["ServiceKey"]:
            raise Refused("102", ["the H line names another service key"])
        for record in batch["records"]:
            record["outcome"] = self.outcomes.get(record["reference"], "paid")
            record["transaction_id"] = str(next(self.transaction_ids))
        token = secrets.token_hex(16)
        self.batches[token] = {**batch, "token": token, "polls_left": self.not_ready_polls,
                               "status": "awaiting_authorisation" if self.hold_batches else "authorised"}
        return token

    def ready(self, p: dict[str, str], service: str, table: dict[str, dict], id_param: str) -> dict | None:
        """The batch or statement a poll names, once its not-ready polls are used up (None before)."""
        self.check_key(p.get("ServiceKey", ""), service)
        item = table.get(p.get(id_param, ""))
        if not item:
            raise Refused("102")
        if item["polls_left"] > 0:
            item["polls_left"] -= 1
            return None
        return item

    def upload_report(self, p: dict[str, str]) -> str:
        if not (batch := self.ready(p, "debit_order", self.batches, "FileToken")):
            return NOT_READY
        rejected = [r for r in batch["records"] if r["outcome"] == "reject"]
        status = ("SUCCESSFUL" if not rejected else "UNSUCCESSFUL" if len(rejected) == len(batch["records"])
                  else "SUCCESSFUL WITH ERRORS")
        return "\n".join([f"###BEGIN {batch['name']} {status}",
                          *(f"Acc Ref :{r['reference']} Line :{r['line']} Account rejected by the local fake"
                            for r in rejected), "###END"])

    def request_statement(self, p: dict[str, str]) -> str:
        self.check_key(p.get("ServiceKey", ""), "account")
        polling_id = secrets.token_hex(12)
        self.statements[polling_id] = {"from": ccyymmdd(p.get("FromActionDate", "")),
                                       "polls_left": self.not_ready_polls}
        return polling_id

    def retrieve_statement(self, p: dict[str, str]) -> str:
        if not (statement := self.ready(p, "account", self.statements, "PollingId")):
            return NOT_READY
        start = statement["from"]
        lines, balance = [], 0
        for batch in self.batches.values():
            if batch["status"] != "authorised" or batch["action_date"] < start:
                continue
            for record in batch["records"]:
                if record["outcome"] == "reject":
                    continue
                code, sign, note = DEBIT_TYPE[batch["instruction"]], "+", ""
                if record["outcome"].startswith("unpaid:"):
                    code, sign, note = "DRU", "-", f" -Code:{int(record['outcome'][7:]):02d}"
                elif record["outcome"] == "dispute":
                    code, sign, note = "PND", "-", " Dispute"
                balance += record["cents"] if sign == "+" else -record["cents"]
                lines.append([batch["action_date"].strftime("%Y%m%d"), code, record["transaction_id"],
                              f"{record['reference']} {record['name']}{note}", rands(record["cents"]), sign, "0.00"])
        day = start.strftime("%Y%m%d")
        closing = [day, "CBL", "0", "Closing balance", rands(abs(balance)), "-" if balance < 0 else "+", "0.00"]
        return "\n".join("\t".join(line) for line in
                         [[day, "OBL", "0", "Opening balance", "0.00", "+", "0.00"], *lines, closing])

    def add_mandate(self, p: dict[str, str]) -> ET.Element:
        self.check_key(p.get("ServiceKey", ""), "debit_order")
        errors = [f"{name} is required" for name in ("MandateName", "FirstName", "Surname", "MobileNumber",
                                                     "CommencementDay", "AgreementReferenceNumber")
                  if not p.get(name, "").strip()]
        if not 2 <= len(p.get("AccountReference", "")) <= 22:
            errors.append("AccountReference must have 2 to 22 characters")
        try:
            if Decimal(p.get("MandateAmount", "")) <= 0:
                errors.append("MandateAmount must be positive")
        except InvalidOperation:
            errors.append("MandateAmount must be a number")
        ccyymmdd(p.get("AgreementDate", ""))
        if errors:
            raise Refused("203", errors)
        mandate_id = secrets.token_hex(8)
        self.mandates[mandate_id] = {"params": p, "decision": None, "postback": None}
        return mandate_answer("000", [], f"{self.base_url}/mandates/{mandate_id}")

    def decide(self, mandate_id: str, accepted: bool, reason: str) -> dict:
        """The customer's answer on the mandate page, posted to the postback URL like NetCash does."""
        with self.lock:
            mandate = self.mandates[mandate_id]
            p = mandate["params"]
            mandate["decision"] = "accepted" if accepted else "declined"
            mandate["reason"] = "" if accepted else reason
            mandate["mandate_reference"] = f"MR{mandate_id.upper()}" if accepted else ""
            fields = {"AccountRef": p["AccountReference"], "MandateSuccessful": "1" if accepted else "0",
                      "IsDeclined": "0" if accepted else "1", "ReasonForDecline": "" if accepted else reason,
                      "MandateReferenceNumber": mandate["mandate_reference"],
                      "AgreementDate": p.get("AgreementDate", ""), "DebitDay": p.get("CommencementDay", ""),
                      "DefaultAmount": p.get("MandateAmount", ""),
                      **{f"Field{n}": p.get(f"Field{n}", "") for n in range(1, 10)}}
            url = self.postback_url
        if url:
            request = urllib.request.Request(url, data=urlencode(fields).encode(), method="POST",
                                             headers={"Content-Type": "application/x-www-form-urlencoded"})
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    mandate["postback"] = response.status
            except urllib.error.HTTPError as error:
                mandate["postback"] = error.code
            except OSError as error:
                mandate["postback"] = str(error)
        return mandate


def mandate_answer(code: str, errors: list[str], url: str = "") -> ET.Element:
    result = ET.Element(f"{{{NIWS_NS}}}AddMandateResult")
    ET.SubElement(result, f"{{{NIWS_NS}}}ErrorCode").text = code
    listed = ET.SubElement(result, f"{{{NIWS_NS}}}Errors")
    for error in errors:
        ET.SubElement(listed, f"{{{ARRAYS_NS}}}string").text = error
    ET.SubElement(result, f"{{{NIWS_NS}}}MandateUrl").text = url
    return result


def soap_answer(method: str, result: str | ET.Element) -> bytes:
    envelope = ET.Element(f"{{{SOAP_ENV}}}Envelope")
    response = ET.SubElement(ET.SubElement(envelope, f"{{{SOAP_ENV}}}Body"), f"{{{NIWS_NS}}}{method}Response")
    if isinstance(result, str):
        ET.SubElement(response, f"{{{NIWS_NS}}}{method}Result").text = result
    else:
        result.tag = f"{{{NIWS_NS}}}{method}Result"
        response.append(result)
    return ET.tostring(envelope, encoding="utf-8", xml_declaration=True)


def soap_fault(message: str) -> bytes:
    envelope = ET.Element(f"{{{SOAP_ENV}}}Envelope")
    fault = ET.SubElement(ET.SubElement(envelope, f"{{{SOAP_ENV}}}Body"), f"{{{SOAP_ENV}}}Fault")
    ET.SubElement(fault, "faultcode").text = "s:Client"
    ET.SubElement(fault, "faultstring").text = message
    return ET.tostring(envelope, encoding="utf-8", xml_declaration=True)


def soap_call(body: bytes) -> tuple[str, dict[str, str]]:
    """The method and its parameters (by local name) of a SOAP request."""
    call = next(iter(ET.fromstring(body).find(f"{{{SOAP_ENV}}}Body")))
    return call.tag.rpartition("}")[2], {child.tag.rpartition("}")[2]: child.text or "" for child in call}


class Handler(FakeHandler):
    server_version = "FakeNetcash/1"
    fake: FakeNetcash  # set by serve()

    def do_GET(self):
        if self.answered_common_get():
            return None
        path = self.path_only
        with self.fake.lock:
            if path == "/_fake/batches":
                return self.send_json(200, [{"token": b["token"], "name": b["name"], "status": b["status"],
                                             "action_date": b["action_date"].isoformat()}
                                            for b in self.fake.batches.values()])
            confirmed = re.fullmatch(r"/_fake/mandates/([^/]+)", path)
            if confirmed:
                return self.confirm_mandate(confirmed[1])
            match = re.fullmatch(r"/mandates/(\w+)", path)
            mandate = self.fake.mandates.get(match[1]) if match else None
        if not mandate:
            return self.send_html(404, "<p>Not found.</p>")
        p = mandate["params"]
        self.send_html(200, f"""<!doctype html><title>Debit order mandate</title>
<h1>Local NetCash eMandate</h1><p>{html.escape(p.get('MandateName', ''))} authorises debits of
<b>R {html.escape(p.get('MandateAmount', ''))}</b> (reference {html.escape(p['AccountReference'])});
{html.escape(mandate['decision'] or 'not signed yet')}.</p>
<form method="post" action="/mandates/{match[1]}/accept"><button>Accept</button></form>
<form method="post" action="/mandates/{match[1]}/decline"><input name="reason" value="Declined by the customer">
<button>Decline</button></form>""")

    def confirm_mandate(self, reference: str) -> None:
        """The latest mandate asked for `reference`, as NetCash's own record of it."""
        mandate = next((m for m in reversed(self.fake.mandates.values())
                        if m["params"].get("AccountReference") == reference), None)
        if not mandate:
            return self.send_json(404, {"error": "no mandate for that account reference"})
        self.send_json(200, {"account_reference": reference, "decision": mandate["decision"],
                             "mandate_reference": mandate.get("mandate_reference", ""),
                             "reason": mandate.get("reason", "")})

    def do_POST(self):
        path = self.path_only
        body = self.read_body()
        if path.lower() == "/niws/niws_nif.svc":
            return self.soap(body)
        if path.startswith("/_fake/"):
            return self.configure(path, body)
        match = re.fullmatch(r"/mandates/(\w+)/(accept|decline)", path)
        if not match or match[1] not in self.fake.mandates:
            return self.send_html(404, "<p>Not found.</p>")
        reason = dict(parse_qsl(body.decode())).get("reason", "Declined by the customer")
        mandate = self.fake.decide(match[1], match[2] == "accept", reason)
        self.send_html(200, f"<p>Mandate {mandate['decision']}; postback answered {mandate['postback']}.</p>")

    def soap(self, body: bytes) -> None:
        action = (self.headers.get("SOAPAction") or "").strip('"')
        try:
            method, params = soap_call(body)
        except (ET.ParseError, TypeError, StopIteration):
            return self.send(500, soap_fault("the request is no SOAP envelope"), "text/xml; charset=utf-8")
        with self.fake.lock:
            self.fake.requests.append({"method": method, "soap_action": action, "at": time.time(),
                                       "params": {k: v for k, v in params.items() if k != "ServiceKey"}})
            if action != f"{NIWS_NS}INIWS_NIF/{method}":
                return self.send(500, soap_fault(f"SOAPAction {action!r} does not match {method}"),
                                      "text/xml; charset=utf-8")
            try:
                result = self.fake.call(method, params)
            except KeyError:
                return self.send(500, soap_fault(f"unknown method {method}"), "text/xml; charset=utf-8")
            except Refused as refused:
                result = mandate_answer(refused.code, refused.errors) if method == "AddMandate" else refused.code
        self.send(200, soap_answer(method, result), "text/xml; charset=utf-8")

    def configure(self, path: str, body: bytes) -> None:
        try:
            data = json.loads(body or b"{}")
            assert isinstance(data, dict)
        except (ValueError, AssertionError):
            return self.send_json(400, {"error": "a JSON object is expected"})
        with self.fake.lock:
            if path == "/_fake/outcomes":
                bad = {ref: outcome for ref, outcome in data.items()
                       if not isinstance(outcome, str) or not OUTCOME.fullmatch(outcome)}
                if bad:
                    return self.send_json(400, {"error": "outcomes are paid, unpaid:<code>, dispute or reject",
                                                "refused": bad})
                self.fake.outcomes.update(data)
                return self.send_json(200, self.fake.outcomes)
            if path == "/_fake/config":
                self.fake.not_ready_polls = int(data.get("not_ready_polls", self.fake.not_ready_polls))
                self.fake.hold_batches = bool(data.get("hold_batches", self.fake.hold_batches))
                self.fake.postback_url = str(data.get("postback_url", self.fake.postback_url))
                return self.send_json(200, {"not_ready_polls": self.fake.not_ready_polls,
                                            "hold_batches": self.fake.hold_batches,
                                            "postback_url": self.fake.postback_url})
            match = re.fullmatch(r"/_fake/batches/(\w+)/authorise", path)
            batch = self.fake.batches.get(match[1]) if match else None
            if not batch:
                return self.send_json(404, {"error": "no such batch"})
            batch["status"] = "authorised"
            return self.send_json(200, {"token": batch["token"], "status": batch["status"]})


def serve(port: int, debit_order_key: str, account_key: str, postback_url: str = "") -> Server:
    """The stand-in on 127.0.0.1:port (0: any free port); not yet serving."""
    return bind(Handler, FakeNetcash("", debit_order_key, account_key, postback_url), port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--debit-order-key", required=True, help="the debit-order service key it accepts")
    parser.add_argument("--account-key", required=True, help="the account service key (statements)")
    parser.add_argument("--postback-url", default="", help="where mandate outcomes are posted")
    args = parser.parse_args()
    serve(args.port, args.debit_order_key, args.account_key, args.postback_url).serve_forever()


if __name__ == "__main__":
    main()
