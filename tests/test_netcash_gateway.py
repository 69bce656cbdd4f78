"""The NetCash debit-order client against the local NIWS stand-in over real HTTP: the batch file,
action dates over South African public holidays, the load report, the statement, result codes
and the eMandate postback."""
from __future__ import annotations

import dataclasses
import queue
import secrets
import threading
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest
import requests

from bridge.fakes import netcash_server
from gateways import netcash
from gateways.netcash import BatchError, Debit, NetcashClient, NetcashError, NetcashSettings

DEBIT_KEY, ACCOUNT_KEY, VENDOR_KEY = "debit-key-test", "account-key-test", "vendor-key-test"


@pytest.fixture(scope="module")
def fake():
    server = netcash_server.serve(0, DEBIT_KEY, ACCOUNT_KEY)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def client(fake) -> NetcashClient:
    return NetcashClient(NetcashSettings(DEBIT_KEY, ACCOUNT_KEY, VENDOR_KEY, f"{fake}/NIWS/niws_nif.svc"))


def reference(prefix: str) -> str:
    """An account reference no other test uses (the stand-in keeps outcomes per reference)."""
    return f"{prefix}{secrets.token_hex(4)}".upper()


def debit(ref: str, amount: str, name: str = "Thandi Nkosi") -> Debit:
    return Debit(ref, name, "T Nkosi", 1, "250655", "62001234567", Decimal(amount))


def upload(client: NetcashClient, debits: list[Debit], action: date, instruction="TwoDay") -> str:
    return client.batch_file_upload(netcash.build_batch(DEBIT_KEY, VENDOR_KEY, instruction, "Run", action, debits))


def polled(poll, *args):
    """What a polling call answers once the stand-in is ready (it answers FILE NOT READY first)."""
    assert poll(*args) is None, "the first poll answers FILE NOT READY"
    answer = poll(*args)
    assert answer is not None
    return answer


def statement_lines_of(lines: list[netcash.StatementLine], references: set[str]) -> dict[str, netcash.StatementLine]:
    """A statement's debit lines of these account references (the stand-in's descriptions start
    with the reference; other tests' debits may be on the same statement)."""
    return {line.description.split()[0]: line for line in lines[1:-1] if line.description.split()[0] in references}


# --- the batch file ---------------------------------------------------------------------------

def test_batch_file_lines_for_a_known_input():
    text = netcash.build_batch("SVC-KEY", "VENDOR-KEY", "TwoDay", "December run", date(2026, 12, 17), [
        Debit("ACC001", "Thandi Nkosi", "T Nkosi", 1, "250655", "62001234567", Decimal("199.99")),
        Debit("ACC002", "Botha & Seuns", "P Botha", 2, "632005", "4012345678", Decimal("50"))])
    assert text.split("\n") == [
        "H\tSVC-KEY\t1\tTwoDay\tDecember run\t20261217\tVENDOR-KEY",
        "K\t101\t102\t131\t132\t133\t134\t136\t162",
        "T\tACC001\tThandi Nkosi\t1\tT Nkosi\t1\t250655\t62001234567\t19999",
        "T\tACC002\tBotha & Seuns\t1\tP Botha\t2\t632005\t4012345678\t5000",
        "F\t2\t24999\t9999"]


def test_footer_counts_the_records_and_totals_their_amounts():
    debits = [debit(f"REF{n}", amount) for n, amount in enumerate(["0.01", "1000000.00", "12.30"])]
    footer = netcash.build_batch("K", "V", "Sameday", "B", date(2026, 12, 19), debits).split("\n")[-1]
    assert footer == "F\t3\t100001231\t9999"
    in_rands = netcash.build_batch("K", "V", "Sameday", "B", date(2026, 12, 19), debits, amount_unit="rands")
    assert in_rands.split("\n")[2].endswith("\t0.01") and in_rands.split("\n")[-1] == "F\t3\t1000012.31\t9999"


@pytest.mark.parametrize("change, message", [
    ({"amount": Decimal("10.005")}, "fraction of a cent"),
    ({"amount": Decimal("0")}, "must be positive"),
    ({"amount": Decimal("-5")}, "must be positive"),
    ({"amount": Decimal("NaN")}, "must be positive"),
    ({"amount": 10.5}, "Decimal"),
    ({"account_name": "Thandi\tNkosi"}, "tab or a line break"),
    ({"bank_account_name": "T\nNkosi"}, "tab or a line break"),
    ({"account_reference": "X"}, "2 to 22 characters"),
    ({"branch_code": "25065"}, "six digits"),
    ({"account_type": 4}, "account type"),
])
def test_bad_debits_are_refused_naming_the_record(change, message):
    good = debit("ACC001", "10.00")
    bad = dataclasses.replace(good, **change)
    with pytest.raises(BatchError, match=message) as refused:
        netcash.build_batch("K", "V", "TwoDay", "B", date(2026, 12, 17), [good, bad])
    assert "debit 2" in str(refused.value)


def test_bad_batches_are_refused():
    with pytest.raises(BatchError, match="tab or a line break"):
        netcash.build_batch("K", "V", "TwoDay", "Run\n1", date(2026, 12, 17), [debit("ACC001", "1")])
    with pytest.raises(BatchError, match="at least one debit"):
        netcash.build_batch("K", "V", "TwoDay", "Run", date(2026, 12, 17), [])
    with pytest.raises(ValueError, match="cents or rands"):
        NetcashSettings("K", "A", "V", amount_unit="cent")
    with pytest.raises(BatchError, match="TwoDay or Sameday"):
        netcash.build_batch("K", "V", "OneDay", "Run", date(2026, 12, 17), [debit("ACC001", "1")])


# --- action dates -----------------------------------------------------------------------------

@pytest.mark.parametrize("submission, service, cutoff_passed, expected", [
    # Wednesday 16 December 2026 is the Day of Reconciliation.
    (date(2026, 12, 14), "two_day", False, date(2026, 12, 17)),
    (date(2026, 12, 14), "two_day", True, date(2026, 12, 18)),
    (date(2026, 12, 15), "same_day", True, date(2026, 12, 17)),
    # Saturday: same-day runs, two-day counts from Monday.
    (date(2026, 12, 12), "same_day", False, date(2026, 12, 12)),
    (date(2026, 12, 12), "two_day", False, date(2026, 12, 17)),
    # Christmas (Friday) and the Day of Goodwill (Saturday).
    (date(2026, 12, 23), "two_day", False, date(2026, 12, 28)),
    (date(2026, 12, 24), "same_day", True, date(2026, 12, 28)),
    (date(2026, 12, 24), "same_day", False, date(2026, 12, 24)),
    # New Year's Day 2027 is a Friday.
    (date(2026, 12, 30), "two_day", False, date(2027, 1, 4)),
    (date(2026, 12, 31), "same_day", True, date(2027, 1, 2)),
    # Easter 2027: Good Friday 26 March, Family Day Monday 29 March.
    (date(2027, 3, 25), "two_day", False, date(2027, 3, 31)),
    (date(2027, 3, 25), "same_day", True, date(2027, 3, 27)),
    # Human Rights Day 2027 is a Sunday: Monday 22 March is the public holiday.
    (date(2027, 3, 19), "two_day", False, date(2027, 3, 24)),
    (date(2027, 3, 20), "same_day", True, date(2027, 3, 23)),
    # An ordinary Sunday submission.
    (date(2027, 2, 7), "same_day", False, date(2027, 2, 8)),
    (date(2027, 2, 7), "two_day", False, date(2027, 2, 10)),
])
def test_action_dates_skip_weekends_and_public_holidays(submission, service, cutoff_passed, expected):
    assert netcash.action_date(submission, service, cutoff_passed) == expected


def test_holidays_come_from_the_holidays_library_not_a_list():
    """A one-off holiday (the 2026 local government elections) is known without our code naming it."""
    assert netcash.is_holiday(date(2026, 11, 4))
    assert netcash.action_date(date(2026, 11, 2), "two_day", False) == date(2026, 11, 5)
    with pytest.raises(ValueError, match="two_day or same_day"):
        netcash.action_date(date(2026, 11, 2), "next_day", False)


# --- unpaid reasons ---------------------------------------------------------------------------

def test_unpaid_reasons_say_what_may_be_retried_and_what_ends_the_mandate():
    assert netcash.unpaid_reason(2).retry_allowed and not netcash.unpaid_reason(2).cancels_mandate
    assert [netcash.may_retry(2, attempts) for attempts in (1, 2, 3)] == [True, True, False]
    assert not any(netcash.may_retry(code, 1) for code in (3, 4, 30, netcash.ACCOUNT_CLOSED, 99))
    assert netcash.unpaid_reason(30).cancels_mandate and netcash.unpaid_reason(netcash.ACCOUNT_CLOSED).cancels_mandate
    assert not netcash.unpaid_reason(4).cancels_mandate and not netcash.unpaid_reason(99).cancels_mandate


# --- over HTTP --------------------------------------------------------------------------------

def test_the_file_reaches_netcash_as_built_escaped_in_the_envelope(client, fake):
    ref = reference("ESC")
    text = netcash.build_batch(DEBIT_KEY, VENDOR_KEY, "TwoDay", "Run <1> & co", date(2026, 12, 17),
                               [debit(ref, "10.00", name="Botha & <Seuns>")])
    client.batch_file_upload(text)
    sent = [r for r in requests.get(f"{fake}/_fake/requests", timeout=10).json() if r["method"] == "BatchFileUpload"]
    assert sent[-1]["params"]["File"] == text
    assert sent[-1]["soap_action"] == "http://tempuri.org/INIWS_NIF/BatchFileUpload"


def test_upload_then_not_ready_then_a_report_with_one_failed_record(client, fake):
    good, bad = reference("OK"), reference("BAD")
    requests.post(f"{fake}/_fake/outcomes", json={bad: "reject"}, timeout=10).raise_for_status()
    token = upload(client, [debit(good, "100.00"), debit(bad, "25.00")], date(2026, 12, 17))
    report = polled(client.request_file_upload_report, token)
    assert report == netcash.LoadReport("Run", "SUCCESSFUL WITH ERRORS",
                                        [netcash.FailedRecord(bad, 4, "Account rejected by the local fake")])


def test_statement_lines_for_paid_unpaid_and_disputed_debits(client, fake):
    paid, unpaid, disputed, rejected = (reference(p) for p in ("PAID", "UNP", "DSP", "REJ"))
    requests.post(f"{fake}/_fake/outcomes", json={unpaid: "unpaid:2", disputed: "dispute", rejected: "reject"},
                  timeout=10).raise_for_status()
    action = date(2031, 3, 4)
    upload(client, [debit(paid, "100.00"), debit(unpaid, "20.50"), debit(disputed, "7.25"), debit(rejected, "9.00")],
           action, instruction="Sameday")
    lines = polled(client.retrieve_merchant_statement, client.request_merchant_statement(action))
    assert (lines[0].type_code, lines[-1].type_code) == ("OBL", "CBL")
    by_reference = statement_lines_of(lines, {paid, unpaid, disputed, rejected})
    assert {ref: line.type_code for ref, line in by_reference.items()} == {paid: "SDD", unpaid: "DRU", disputed: "PND"}
    assert by_reference[paid].signed_amount == Decimal("100.00") and by_reference[paid].day == action
    assert by_reference[unpaid].signed_amount == Decimal("-20.50") and by_reference[unpaid].unpaid_code == 2
    assert netcash.unpaid_reason(by_reference[unpaid].unpaid_code).retry_allowed
    assert by_reference[disputed].signed_amount == Decimal("-7.25") and by_reference[disputed].unpaid_code is None
    assert lines[-1].signed_amount == sum(line.signed_amount for line in lines[1:-1])


def test_a_held_batch_has_no_statement_lines_until_authorised(client, fake):
    ref = reference("HELD")
    requests.post(f"{fake}/_fake/config", json={"hold_batches": True}, timeout=10).raise_for_status()
    try:
        token = upload(client, [debit(ref, "30.00")], date(2032, 6, 1))
    finally:
        requests.post(f"{fake}/_fake/config", json={"hold_batches": False}, timeout=10).raise_for_status()
    batches = {b["token"]: b["status"] for b in requests.get(f"{fake}/_fake/batches", timeout=10).json()}
    assert batches[token] == "awaiting_authorisation"
    statement = polled(client.retrieve_merchant_statement, client.request_merchant_statement(date(2032, 6, 1)))
    assert statement_lines_of(statement, {ref}) == {}
    requests.post(f"{fake}/_fake/batches/{token}/authorise", timeout=10).raise_for_status()
    statement = polled(client.retrieve_merchant_statement, client.request_merchant_statement(date(2032, 6, 1)))
    assert statement_lines_of(statement, {ref})[ref].type_code == "TDD"


def test_wrong_service_keys_give_the_typed_error(client, fake):
    text = netcash.build_batch(DEBIT_KEY, VENDOR_KEY, "TwoDay", "Run", date(2026, 12, 17), [debit("ACC001", "1")])
    url = client.settings.url
    with pytest.raises(NetcashError) as unknown:
        NetcashClient(NetcashSettings("not-a-key", ACCOUNT_KEY, VENDOR_KEY, url)).batch_file_upload(text)
    assert unknown.value.code == "100" and unknown.value.method == "BatchFileUpload"
    with pytest.raises(NetcashError) as other_service:
        NetcashClient(NetcashSettings(ACCOUNT_KEY, ACCOUNT_KEY, VENDOR_KEY, url)).batch_file_upload(text)
    assert other_service.value.code == "311"
    with pytest.raises(NetcashError) as statement:
        NetcashClient(NetcashSettings(DEBIT_KEY, DEBIT_KEY, VENDOR_KEY, url)).request_merchant_statement(date(2026, 12, 1))
    assert statement.value.code == "311"


def test_a_file_whose_footer_disagrees_is_refused(client):
    text = netcash.build_batch(DEBIT_KEY, VENDOR_KEY, "TwoDay", "Run", date(2026, 12, 17), [debit("ACC001", "1")])
    with pytest.raises(NetcashError) as refused:
        client.batch_file_upload(text.replace("F\t1\t100\t9999", "F\t1\t101\t9999"))
    assert refused.value.code == "102"


def test_an_unreachable_netcash_is_a_typed_error():
    closed = netcash_server.serve(0, DEBIT_KEY, ACCOUNT_KEY)
    url = f"http://127.0.0.1:{closed.server_address[1]}/NIWS/niws_nif.svc"
    closed.server_close()  # nothing listens there any more
    with pytest.raises(NetcashError) as unreachable:
        NetcashClient(NetcashSettings(DEBIT_KEY, ACCOUNT_KEY, VENDOR_KEY, url, timeout=5)).request_merchant_statement(date(2026, 1, 1))
    assert unreachable.value.code == "unreachable"


# --- eMandates --------------------------------------------------------------------------------

@pytest.fixture
def postbacks():
    """A tiny server standing in for our postback endpoint; yields (url, queue of posted fields)."""
    received: queue.Queue = queue.Queue()

    class Receiver(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            received.put((self.headers.get("Content-Type"), dict(parse_qsl(body, keep_blank_values=True))))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/netcash/mandates", received
    server.shutdown()
    server.server_close()


def mandate(ref: str, **change) -> netcash.MandateRequest:
    return netcash.MandateRequest(**{**dict(
        account_reference=ref, mandate_name="Thandi Nkosi", amount=Decimal("199.99"), first_name="Thandi",
        surname="Nkosi", mobile="0825551234", agreement_date=date(2026, 12, 1), agreement_reference="AGR-1",
        commencement_month=1, commencement_day="01", extra=("customer-42",)), **change})


def test_add_mandate_then_accept_posts_the_outcome(client, fake, postbacks):
    url, received = postbacks
    requests.post(f"{fake}/_fake/config", json={"postback_url": url}, timeout=10).raise_for_status()
    ref = reference("MND")
    answer = client.add_mandate(mandate(ref))
    assert answer.error_code == "000" and answer.errors == [] and answer.mandate_url.startswith(fake)
    page = requests.get(answer.mandate_url, timeout=10)
    assert page.status_code == 200 and ref in page.text and "R 199.99" in page.text
    requests.post(answer.mandate_url + "/accept", timeout=10).raise_for_status()
    content_type, fields = received.get(timeout=10)
    assert content_type == "application/x-www-form-urlencoded"
    outcome = netcash.parse_mandate_postback(fields)
    assert (outcome.account_reference, outcome.accepted, outcome.fields["DefaultAmount"],
            outcome.fields["Field1"]) == (ref, True, "199.99", "customer-42")
    assert outcome.mandate_reference


def test_a_declined_mandate_posts_the_reason(client, fake, postbacks):
    url, received = postbacks
    requests.post(f"{fake}/_fake/config", json={"postback_url": url}, timeout=10).raise_for_status()
    answer = client.add_mandate(mandate(reference("DEC")))
    requests.post(answer.mandate_url + "/decline", data={"reason": "Not my account"}, timeout=10).raise_for_status()
    outcome = netcash.parse_mandate_postback(received.get(timeout=10)[1])
    assert (outcome.accepted, outcome.decline_reason, outcome.mandate_reference) == (False, "Not my account", "")


def test_a_mandate_netcash_refuses_comes_back_with_its_errors(client):
    answer = client.add_mandate(mandate(reference("BAD"), mobile=" "))
    assert answer == netcash.MandateAnswer("203", ["MobileNumber is required"], None)
    with pytest.raises(ValueError, match="2 to 22"):
        client.add_mandate(mandate("X"))
    with pytest.raises(ValueError, match="AccountRef"):
        netcash.parse_mandate_postback({"MandateSuccessful": "1"})


# --- parsing what NetCash answers ---------------------------------------------------------------

def test_reports_and_statements_parse_in_their_other_spellings():
    report = netcash.parse_load_report("###BEGIN\tMy batch\tUNSUCCESSFUL\t2 records\r\n"
                                       "Acc Ref :A 1\tLine :3\tInvalid branch code\r\n###END\r\n")
    assert report == netcash.LoadReport("My batch", "UNSUCCESSFUL", [netcash.FailedRecord("A 1", 3, "Invalid branch code")])
    lines = netcash.parse_statement("2026-12-17\tDRU\t77\tACC1 -Code:30\t10.00\t-\t0\n")
    assert (lines[0].day, lines[0].unpaid_code, lines[0].extra) == (date(2026, 12, 17), 30, ("", "", ""))
    with pytest.raises(NetcashError, match="line 1"):
        netcash.parse_statement("20261217\tTDD\t77\tACC1\tten\t+\t0")
    with pytest.raises(NetcashError, match="not a load report"):
        netcash.parse_load_report("000")
