"""The OCTO client (gateways/octo.py) against the local OCTO stand-in (bridge/fakes/octo_server.py)
over real HTTP: each test gets a stand-in of its own on a free loopback port, and a shop whose
notify_url records the callbacks and answers them as the test says."""
from __future__ import annotations

import json
import threading
from decimal import Decimal

import pytest
import requests

from bridge.fakes import octo_server
from bridge.fakes.common import FakeHandler, Server
from gateways.exact_json import loads as exact_loads
from gateways.octo import OctoClient, OctoError, OctoSettings

SHOP_ID = 4711
SECRET = "octo-secret-for-tests"
RETURN_URL = "https://shop.example/back"


def running(server: Server):
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


class Shop:
    """The shop's notify_url: every callback body (exact decimals), answered with `answer`."""

    def __init__(self):
        self.callbacks: list[dict] = []
        self.answer: dict = {}
        shop = self

        class Receiver(FakeHandler):
            def do_POST(self):
                shop.callbacks.append(exact_loads(self.read_body()))
                self.send_json(200, shop.answer)

        self.server = running(Server(("127.0.0.1", 0), Receiver))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/octo"


@pytest.fixture
def shop():
    shop = Shop()
    yield shop
    shop.server.shutdown()
    shop.server.server_close()


@pytest.fixture
def start_octo():
    """start_octo(**serve options) -> the base URL of a running OCTO stand-in."""
    started = []

    def start(**options) -> str:
        server = running(octo_server.serve(0, SHOP_ID, SECRET, **options))
        started.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"
    yield start
    for server in started:
        server.shutdown()
        server.server_close()


@pytest.fixture
def octo_url(start_octo) -> str:
    return start_octo()


@pytest.fixture
def octo(octo_url) -> OctoClient:
    return OctoClient(OctoSettings(SHOP_ID, SECRET, octo_url))


def prepare(octo: OctoClient, shop: Shop, transaction: str, amount: str = "103.33", **options):
    return octo.prepare_payment(transaction, Decimal(amount), options.pop("currency", "UZS"), "Invoice 2026-000017",
                                RETURN_URL, shop.url, **options)


def press(payment, button: str = "pay") -> requests.Response:
    """Opens the hosted page and presses one of its buttons, as the payer's browser would."""
    assert requests.get(payment.pay_url, timeout=10).status_code == 200
    return requests.post(f"{payment.pay_url}/{button}", allow_redirects=False, timeout=30)


def received(octo_url: str, path: str) -> list[dict]:
    entries = exact_loads(requests.get(f"{octo_url}/_fake/requests", timeout=10).content)
    return [entry["params"] for entry in entries if entry["path"] == path]


def test_prepare_payment_is_idempotent_on_the_shop_transaction_id(octo, octo_url, shop):
    first = prepare(octo, shop, "inv-1")
    again = prepare(octo, shop, "inv-1", amount="999.00")
    other = prepare(octo, shop, "inv-2")
    assert first.status == "created" and first.uuid and first.pay_url == f"{octo_url}/pay/{first.uuid}"
    assert (again.uuid, again.pay_url, again.total_sum) == (first.uuid, first.pay_url, Decimal("103.33"))
    assert other.uuid != first.uuid
    sent = received(octo_url, "/prepare_payment")[0]
    assert sent["octo_shop_id"] == SHOP_ID and sent["auto_capture"] is True and sent["notify_url"] == shop.url


def test_a_wrong_secret_or_shop_id_is_octo_error_2(octo_url, shop):
    for settings in (OctoSettings(SHOP_ID, "not-the-secret", octo_url), OctoSettings(SHOP_ID + 1, SECRET, octo_url)):
        with pytest.raises(OctoError) as refused:
            prepare(OctoClient(settings), shop, "inv-1")
        assert (refused.value.code, refused.value.message) == (2, "Wrong secret")


def test_the_stand_in_refuses_what_octo_would_not_take(octo_url, shop):
    body = {"octo_shop_id": SHOP_ID, "octo_secret": SECRET, "shop_transaction_id": "inv-1", "auto_capture": True,
            "total_sum": 10, "currency": "UZS", "description": "d", "return_url": RETURN_URL, "notify_url": shop.url}
    for change in ({"currency": "EUR"}, {"total_sum": 0}, {"total_sum": -5}, {"total_sum": "10.00"},
                   {"auto_capture": "yes"}, {"description": ""}):
        answer = requests.post(f"{octo_url}/prepare_payment", json={**body, **change}, timeout=10)
        assert answer.status_code == 200 and answer.json()["error"] == octo_server.INVALID_REQUEST, change
    without_notify_url = {k: v for k, v in body.items() if k != "notify_url"}
    assert requests.post(f"{octo_url}/prepare_payment", json=without_notify_url, timeout=10).json()["error"] \
        == octo_server.INVALID_REQUEST


def test_the_client_sends_no_float_and_no_fraction_of_a_tiyin(octo, shop):
    with pytest.raises(TypeError):
        octo.prepare_payment("inv-1", 103.33, "UZS", "d", RETURN_URL, shop.url)
    with pytest.raises(ValueError):
        prepare(octo, shop, "inv-1", amount="103.333")
    with pytest.raises(ValueError):
        prepare(octo, shop, "inv-1", currency="EUR")


def test_paying_on_the_hosted_page_calls_back_signed_and_the_status_check_confirms(octo, shop):
    payment = prepare(octo, shop, "inv-1", amount="250000.50")
    assert octo.status("inv-1").status == "created"
    assert requests.get(payment.pay_url, timeout=10).status_code == 200
    assert octo.status("inv-1").status == "wait_user_action"
    pressed = requests.post(f"{payment.pay_url}/pay", allow_redirects=False, timeout=30)
    assert (pressed.status_code, pressed.headers["Location"]) == (303, RETURN_URL)
    [call] = shop.callbacks
    assert octo.verify_callback(call)
    assert (call["shop_transaction_id"], call["octo_payment_UUID"], call["status"]) == ("inv-1", payment.uuid,
                                                                                        "succeeded")
    assert call["total_sum"] == call["transfer_sum"] == Decimal("250000.50") and call["refunded_sum"] == 0
    assert call["maskedPan"] and call["payed_time"]
    confirmed = octo.status("inv-1")
    assert (confirmed.uuid, confirmed.status, confirmed.total_sum) == (payment.uuid, "succeeded", Decimal("250000.50"))


def test_fail_and_cancel_cancel_the_payment_and_a_decided_payment_takes_no_button(octo, shop):
    for transaction, button in (("inv-fail", "fail"), ("inv-cancel", "cancel")):
        payment = prepare(octo, shop, transaction)
        assert press(payment, button).status_code == 303
        assert octo.status(transaction).status == "canceled"
        assert requests.post(f"{payment.pay_url}/pay", allow_redirects=False, timeout=30).status_code == 409
    assert [call["status"] for call in shop.callbacks] == ["canceled", "canceled"]


def test_the_status_of_an_unknown_transaction_is_an_octo_error(octo):
    with pytest.raises(OctoError) as refused:
        octo.status("never-prepared")
    assert refused.value.code == octo_server.UNKNOWN_PAYMENT


def test_the_signature_is_octos_formula():
    """sha1(sha1(secret + hash_key) + uuid + status), upper-case hex; worked out with sha1sum."""
    assert octo_server.sign("secret", "key", "uuid-1", "succeeded") == "1D9D5FAB5CAC55C9FF32FA24B8C2625737DB47A0"
    client = OctoClient(OctoSettings(SHOP_ID, "secret", "http://127.0.0.1:9"))
    assert client.verify_callback({"signature": "1d9d5fab5cac55c9ff32fa24b8c2625737db47a0", "hash_key": "key",
                                   "octo_payment_UUID": "uuid-1", "status": "succeeded"})


def test_a_tampered_or_forged_callback_does_not_verify(octo, shop):
    genuine = octo_server.callback(SECRET, "inv-1", "3f1c0b4e-0000-4000-8000-000000000001", "succeeded",
                                   Decimal("103.33"))
    forged = [{**genuine, "status": "waiting_for_capture"},
              {**genuine, "octo_payment_UUID": "3f1c0b4e-0000-4000-8000-000000000002"},
              {**genuine, "hash_key": genuine["hash_key"] + "0"},
              {**genuine, "signature": genuine["signature"][:-1] + ("1" if genuine["signature"].endswith("0") else "0")},
              {**genuine, "signature": "é" * 40},
              octo_server.callback("another-secret", "inv-1", genuine["octo_payment_UUID"], "succeeded",
                                   Decimal("103.33")),
              {key: value for key, value in genuine.items() if key != "signature"},
              {**genuine, "status": None}]
    for body in [genuine, *forged]:
        assert octo_server.deliver(shop.url, body)[0] == 200
    first, *rest = shop.callbacks
    assert octo.verify_callback(first)
    assert [octo.verify_callback(body) for body in rest] == [False] * len(forged)
    assert octo.verify_callback({**first, "signature": first["signature"].lower()})


def test_the_signature_secret_is_configurable(start_octo, shop):
    """Some shops' callbacks are signed with a key of their own rather than the API secret."""
    url = start_octo(signature_secret="shop-signing-key")
    with_key = OctoClient(OctoSettings(SHOP_ID, SECRET, url, signature_secret="shop-signing-key"))
    assert press(prepare(with_key, shop, "inv-1")).status_code == 303
    [call] = shop.callbacks
    assert with_key.verify_callback(call)
    assert not OctoClient(OctoSettings(SHOP_ID, SECRET, url)).verify_callback(call)


def test_without_auto_capture_the_shop_captures_in_its_callback_answer(octo, shop):
    shop.answer = {"accept_status": "capture"}
    payment = prepare(octo, shop, "inv-1", auto_capture=False)
    assert received(octo.settings.base_url, "/prepare_payment")[0]["auto_capture"] is False
    press(payment)
    assert [call["status"] for call in shop.callbacks] == ["waiting_for_capture"]
    assert octo.status("inv-1").status == "succeeded"


def test_without_auto_capture_the_shop_may_cancel_in_its_callback_answer(octo, shop):
    shop.answer = {"accept_status": "cancel"}
    press(prepare(octo, shop, "inv-1", auto_capture=False))
    assert octo.status("inv-1").status == "canceled"


def test_set_accept_captures_part_or_cancels_a_waiting_payment_once(octo, shop):
    captured, canceled = (prepare(octo, shop, t, auto_capture=False) for t in ("inv-capture", "inv-cancel"))
    for payment in (captured, canceled):
        press(payment)
        assert octo.status(payment.shop_transaction_id).status == "waiting_for_capture"
    with pytest.raises(OctoError):
        octo.set_accept(captured.uuid, "capture", final_amount=Decimal("103.34"))  # above the payment
    assert octo.set_accept(captured.uuid, "capture", final_amount=Decimal("50.05")).status == "succeeded"
    assert octo.set_accept(canceled.uuid, "cancel").status == "canceled"
    assert octo.set_accept(canceled.uuid, "cancel").status == "canceled"  # the same decision, answered again
    with pytest.raises(OctoError) as refused:
        octo.set_accept(canceled.uuid, "capture")
    assert refused.value.code == octo_server.WRONG_STATUS
    assert octo.status("inv-capture").total_sum == Decimal("50.05")
    assert received(octo.settings.base_url, "/set_accept")[1]["final_amount"] == Decimal("50.05")


def test_refunds_never_exceed_the_payment_and_repeat_as_the_first(octo, shop):
    payment = prepare(octo, shop, "inv-1")
    with pytest.raises(OctoError) as refused:
        octo.refund("r-early", payment.uuid, Decimal("1.00"))  # not paid yet
    assert refused.value.code == octo_server.WRONG_STATUS
    press(payment)
    first = octo.refund("r-1", payment.uuid, Decimal("100.00"))
    assert (first.shop_refund_id, first.uuid, first.status, first.amount) == ("r-1", payment.uuid, "succeeded",
                                                                              Decimal("100.00"))
    assert octo.refund("r-1", payment.uuid, Decimal("100.00")) == first  # a retry refunds nothing more
    with pytest.raises(OctoError) as refused:
        octo.refund("r-2", payment.uuid, Decimal("3.34"))
    assert refused.value.code == octo_server.REFUND_ABOVE_PAYMENT
    with pytest.raises(OctoError):
        octo.refund("r-1", payment.uuid, Decimal("3.33"))  # the id of another refund
    assert octo.refund("r-3", payment.uuid, Decimal("3.33")).amount == Decimal("3.33")
    assert octo.status("inv-1").refunded_sum == Decimal("103.33")


@pytest.mark.parametrize("currency, amount", [("UZS", "103.33"), ("USD", "103.33"), ("UZS", "12345678901.01"),
                                              ("USD", "0.10"), ("UZS", "7")])
def test_amounts_travel_as_exact_decimal_numbers(octo, octo_url, shop, currency, amount):
    payment = prepare(octo, shop, "inv-1", amount=amount, currency=currency)
    assert payment.total_sum == Decimal(amount) and str(payment.total_sum) == amount
    raw = requests.get(f"{octo_url}/_fake/requests", timeout=10).text
    assert f'"total_sum":{amount},' in raw  # a JSON number, written as given
    press(payment)
    assert str(shop.callbacks[0]["total_sum"]) == amount
    assert str(octo.status("inv-1").total_sum) == amount


def test_fields_at_the_top_level_are_read_as_those_under_data(start_octo, shop):
    answers = {}
    for top_level_fields in (False, True):
        url = start_octo(top_level_fields=top_level_fields)
        client = OctoClient(OctoSettings(SHOP_ID, SECRET, url))
        prepared = prepare(client, shop, "inv-1")
        answer = requests.post(f"{url}/prepare_payment", timeout=10, json={"octo_shop_id": SHOP_ID,
                               "octo_secret": SECRET, "shop_transaction_id": "inv-1"}).json()
        assert ("octo_payment_UUID" in answer) is top_level_fields and ("data" in answer) is not top_level_fields
        press(prepared)
        refund = client.refund("r-1", prepared.uuid, Decimal("3.33"))
        status = client.status("inv-1")
        answers[top_level_fields] = (prepared.status, prepared.pay_url.startswith(url), prepared.total_sum,
                                     status.uuid == prepared.uuid, status.status, refund.amount)
    assert answers[True] == answers[False] == ("created", True, Decimal("103.33"), True, "succeeded", Decimal("3.33"))


def test_the_stack_starts_the_stand_in_with_the_settings_it_gives_the_processes(settings, shop):
    octo = OctoClient(OctoSettings.from_environment(settings.environment()))
    assert octo.settings.base_url == f"http://127.0.0.1:{settings.ports['octo_fake']}"
    payment = prepare(octo, shop, f"stack-{shop.server.server_address[1]}")
    press(payment)
    assert octo.verify_callback(shop.callbacks[0])
    assert json.loads(requests.get(f"{octo.settings.base_url}/health", timeout=10).text) == {"status": "ok"}


def test_the_hosted_pages_of_the_real_octo_are_on_its_own_hosts_the_stand_in_serves_both():
    assert OctoSettings(1, "s", "https://secure.octo.uz").payment_page_origins == "https://*.octo.uz"
    assert OctoSettings(1, "s", "http://127.0.0.1:8704/").payment_page_origins == "http://127.0.0.1:8704"
