"""A local stand-in for OCTO's payment API (secure.octo.uz), for tests and local mode.

Speaks OCTO's protocol: JSON POSTs carrying `octo_shop_id` and `octo_secret`, always answered
HTTP 200 with `error` 0 and the fields under `data` (at the top level instead with
top_level_fields, as older integrations read them), or `error`, `errMessage`; amounts are
exact decimal numbers in major units:

  POST /prepare_payment   a payment; a repeated shop_transaction_id answers the first one, and
                          only the credentials and shop_transaction_id ask for its status
  POST /set_accept        capture (final_amount: a part) or cancel a waiting_for_capture payment
  POST /refund            on a succeeded payment, never above what is left of it;
                          a repeated shop_refund_id answers the first refund

`GET /pay/<uuid>` is the hosted page (the payment becomes wait_user_action). Its buttons Pay,
Fail and Cancel set the status (Pay: succeeded, or waiting_for_capture without auto capture;
Fail and Cancel: canceled), POST the signed callback to the payment's notify_url and redirect
to its return_url. The answer to a waiting_for_capture callback, {"accept_status": "capture"}
or "cancel", is applied as set_accept would. `GET /_fake/requests` lists every API request
received (tests read it). `sign`, `callback` and `deliver` build and send any callback, also a
forged one.

Error 2 "Wrong secret" is OCTO's; the other codes are this stand-in's own.

Run: python -m bridge.fakes.octo_server --port 8704 (the shop id and secrets from
KASSA_OCTO_SHOP_ID, KASSA_OCTO_SECRET and KASSA_OCTO_SIGNATURE_SECRET, empty: the secret)
"""
from __future__ import annotations

import argparse
import hashlib
import html
import json
import os
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from bridge.fakes.common import FakeHandler, RequestLog, Server, bind, post_json
from gateways import exact_json

WRONG_SECRET = 2
INVALID_REQUEST = 10
UNKNOWN_PAYMENT = 11
WRONG_STATUS = 12
REFUND_ABOVE_PAYMENT = 13

CREDENTIALS = {"octo_shop_id", "octo_secret"}
REQUIRED = ("shop_transaction_id", "auto_capture", "total_sum", "currency", "description", "return_url",
            "notify_url")
CURRENCIES = ("UZS", "USD")
TASHKENT = timezone(timedelta(hours=5))


def sign(secret: str, hash_key: str, payment_uuid: str, status: str) -> str:
    """The signature of a callback: sha1(sha1(secret + hash_key) + uuid + status), upper-case hex."""
    inner = hashlib.sha1(f"{secret}{hash_key}".encode()).hexdigest()
    return hashlib.sha1(f"{inner}{payment_uuid}{status}".encode()).hexdigest().upper()


def callback(secret: str, shop_transaction_id: str, payment_uuid: str, status: str, total_sum: Decimal,
             hash_key: str | None = None, **extra) -> dict:
    """A callback body as OCTO POSTs it to notify_url, signed with `secret`; `extra` adds or
    replaces fields (refunded_sum, maskedPan, a forged signature...)."""
    hash_key = hash_key or secrets.token_hex(16)
    return {"shop_transaction_id": shop_transaction_id, "octo_payment_UUID": payment_uuid, "status": status,
            "signature": sign(secret, hash_key, payment_uuid, status), "hash_key": hash_key,
            "total_sum": total_sum, "transfer_sum": total_sum, "refunded_sum": Decimal(0),
            "maskedPan": "860049******6478", "payed_time": None, **extra}


def deliver(url: str, body: dict | bytes, timeout: float = 30) -> tuple[int, dict]:
    """POSTs a callback; returns (HTTP status, the answer's JSON object, {} when it is none)."""
    status, answer = post_json(url, body if isinstance(body, bytes) else exact_json.dumps(body).encode(),
                               timeout=timeout)
    try:
        parsed = json.loads(answer)
    except ValueError:
        parsed = None
    return status, parsed if isinstance(parsed, dict) else {}


class Refused(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def amount_in(params: dict, name: str) -> Decimal:
    """A positive JSON number with at most two decimals (a string or a float would be no amount)."""
    value = params.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        raise Refused(INVALID_REQUEST, f"{name} must be a number")
    value = Decimal(value)
    if not value.is_finite() or value <= 0 or value.normalize().as_tuple().exponent < -2:
        raise Refused(INVALID_REQUEST, f"{name} must be positive with at most two decimals")
    return value


def text_in(params: dict, name: str) -> str:
    value = params.get(name)
    if not isinstance(value, str) or not value:
        raise Refused(INVALID_REQUEST, f"{name} is required")
    return value


@dataclass
class Payment:
    uuid: str
    shop_transaction_id: str
    total_sum: Decimal
    currency: str
    description: str
    return_url: str
    notify_url: str
    auto_capture: bool
    status: str = "created"
    refunded_sum: Decimal = Decimal(0)
    payed_time: str | None = None

    def fields(self, base_url: str) -> dict:
        return {"shop_transaction_id": self.shop_transaction_id, "octo_payment_UUID": self.uuid,
                "status": self.status, "octo_pay_url": f"{base_url}/pay/{self.uuid}", "total_sum": self.total_sum,
                "currency": self.currency, "refunded_sum": self.refunded_sum}


class FakeOcto(RequestLog):
    """The state: payments by uuid (and by the shop's id), refunds by the shop's refund id."""

    def __init__(self, shop_id: int, secret: str, signature_secret: str = "", top_level_fields: bool = False):
        super().__init__()
        self.shop_id, self.secret = shop_id, secret
        self.signature_secret = signature_secret or secret
        self.top_level_fields = top_level_fields
        self.base_url = ""  # set by serve() once the port is bound
        self.payments: dict[str, Payment] = {}
        self.by_transaction: dict[str, Payment] = {}
        self.refunds: dict[str, dict] = {}

    def answer(self, method: str, params) -> dict:
        """OCTO's answer to one API call (the caller holds the lock)."""
        calls = {"prepare_payment": self.prepare_payment, "set_accept": self.set_accept, "refund": self.refund}
        try:
            if not isinstance(params, dict) or params.get("octo_shop_id") != self.shop_id \
                    or params.get("octo_secret") != self.secret:
                raise Refused(WRONG_SECRET, "Wrong secret")
            fields = calls[method](params)
        except Refused as refused:
            return {"error": refused.code, "errMessage": refused.message, "data": None}
        return {"error": 0, **fields} if self.top_level_fields else {"error": 0, "data": fields}

    def prepare_payment(self, p: dict) -> dict:
        transaction_id = text_in(p, "shop_transaction_id")
        if set(p) <= CREDENTIALS | {"shop_transaction_id"}:  # the status check
            if transaction_id not in self.by_transaction:
                raise Refused(UNKNOWN_PAYMENT, f"No payment with shop_transaction_id {transaction_id}")
            return self.by_transaction[transaction_id].fields(self.base_url)
        if transaction_id in self.by_transaction:
            return self.by_transaction[transaction_id].fields(self.base_url)
        missing = [name for name in REQUIRED if name not in p]
        if missing:
            raise Refused(INVALID_REQUEST, f"Missing fields: {', '.join(missing)}")
        if p["currency"] not in CURRENCIES:
            raise Refused(INVALID_REQUEST, f"currency must be one of {', '.join(CURRENCIES)}")
        if not isinstance(p["auto_capture"], bool):
            raise Refused(INVALID_REQUEST, "auto_capture must be true or false")
        payment = Payment(str(uuid.uuid4()), transaction_id, amount_in(p, "total_sum"), p["currency"],
                          text_in(p, "description"), text_in(p, "return_url"), text_in(p, "notify_url"),
                          p["auto_capture"])
        self.payments[payment.uuid] = payment
        self.by_transaction[transaction_id] = payment
        return payment.fields(self.base_url)

    def payment(self, payment_uuid) -> Payment:
        if payment_uuid not in self.payments:
            raise Refused(UNKNOWN_PAYMENT, f"No payment {payment_uuid}")
        return self.payments[payment_uuid]

    def set_accept(self, p: dict) -> dict:
        payment = self.payment(p.get("octo_payment_UUID"))
        outcome = {"capture": "succeeded", "cancel": "canceled"}.get(p.get("accept_status"))
        if not outcome:
            raise Refused(INVALID_REQUEST, "accept_status must be capture or cancel")
        if payment.status == "waiting_for_capture":
            if outcome == "succeeded" and "final_amount" in p:
                final_amount = amount_in(p, "final_amount")
                if final_amount > payment.total_sum:
                    raise Refused(INVALID_REQUEST, "final_amount is above the payment's total_sum")
                payment.total_sum = final_amount
            payment.status = outcome
        elif payment.status != outcome:  # the same decision again is answered as the first
            raise Refused(WRONG_STATUS, f"The payment is {payment.status}, not waiting_for_capture")
        return payment.fields(self.base_url)

    def refund(self, p: dict) -> dict:
        refund_id = text_in(p, "shop_refund_id")
        payment = self.payment(p.get("octo_payment_UUID"))
        amount = amount_in(p, "amount")
        if refund_id in self.refunds:
            earlier = self.refunds[refund_id]
            if (earlier["octo_payment_UUID"], earlier["amount"]) != (payment.uuid, amount):
                raise Refused(INVALID_REQUEST, f"shop_refund_id {refund_id} was used for another refund")
            return earlier
        if payment.status != "succeeded":
            raise Refused(WRONG_STATUS, f"Only a succeeded payment is refunded; this one is {payment.status}")
        if payment.refunded_sum + amount > payment.total_sum:
            raise Refused(REFUND_ABOVE_PAYMENT, f"Refunds would exceed the payment: "
                          f"{payment.refunded_sum} of {payment.total_sum} refunded already")
        payment.refunded_sum += amount
        self.refunds[refund_id] = {"shop_refund_id": refund_id, "octo_payment_UUID": payment.uuid,
                                   "status": "succeeded", "amount": amount, "refunded_sum": payment.refunded_sum}
        return self.refunds[refund_id]

    def press(self, payment_uuid: str, button: str) -> Payment | None:
        """A button of the hosted page: the new status, the signed callback to notify_url, and for
        waiting_for_capture the shop's accept_status in its answer. None: the payment is not
        payable (unknown, or decided already)."""
        with self.lock:
            payment = self.payments.get(payment_uuid)
            if not payment or payment.status not in ("created", "wait_user_action"):
                return None
            if button == "pay":
                payment.status = "succeeded" if payment.auto_capture else "waiting_for_capture"
                payment.payed_time = datetime.now(TASHKENT).strftime("%Y-%m-%d %H:%M:%S")
            else:
                payment.status = "canceled"
            body = callback(self.signature_secret, payment.shop_transaction_id, payment.uuid, payment.status,
                            payment.total_sum, refunded_sum=payment.refunded_sum, payed_time=payment.payed_time)
        try:
            _, answer = deliver(payment.notify_url, body)
        except OSError:  # the shop did not answer: the status stays, as at OCTO
            return payment
        with self.lock:
            if payment.status == "waiting_for_capture" and answer.get("accept_status") in ("capture", "cancel"):
                self.set_accept({"octo_payment_UUID": payment.uuid, "accept_status": answer["accept_status"]})
        return payment

    def hosted_page(self, payment_uuid: str) -> Payment | None:
        """Opening the page: the payment waits for the payer's action."""
        with self.lock:
            payment = self.payments.get(payment_uuid)
            if payment and payment.status == "created":
                payment.status = "wait_user_action"
            return payment


class Handler(FakeHandler):
    server_version = "FakeOcto/1"
    fake: FakeOcto  # set by serve()

    @staticmethod
    def encode_json(body) -> bytes:
        return exact_json.dumps(body).encode()

    def do_GET(self):
        if self.answered_common_get():
            return
        path = self.path_only
        if match := re.fullmatch(r"/pay/([\w-]+)", path):
            return self.hosted_page(match[1])
        self.send_json(404, {"error": 404, "errMessage": f"No such page: {path}"})

    def do_POST(self):
        path = self.path_only
        body = self.read_body()
        if match := re.fullmatch(r"/pay/([\w-]+)/(pay|fail|cancel)", path):
            payment = self.fake.press(match[1], match[2])
            if not payment:
                return self.send_html(409, "<p>This payment cannot be paid (any more).</p>")
            return self.send_html(303, f"<p>{html.escape(payment.status)}</p>", payment.return_url)
        try:
            params = exact_json.loads(body)
        except ValueError:
            params = None
        self.fake.record("POST", path, params if isinstance(params, dict) else {"unreadable": body.decode(errors="replace")})
        method = path.strip("/")
        if method not in ("prepare_payment", "set_accept", "refund"):
            return self.send_json(404, {"error": 404, "errMessage": f"No such method: {path}"})
        with self.fake.lock:
            answer = self.fake.answer(method, params)
        self.send_json(200, answer)

    def hosted_page(self, payment_uuid: str) -> None:
        payment = self.fake.hosted_page(payment_uuid)
        if not payment:
            return self.send_html(404, "<p>No such payment.</p>")
        amount = html.escape(f"{payment.total_sum} {payment.currency}")
        buttons = "".join(f'<form method="post" action="/pay/{html.escape(payment.uuid)}/{action}">'
                          f"<button>{label}</button></form>"
                          for action, label in (("pay", f"Pay {amount}"), ("fail", "Fail"), ("cancel", "Cancel")))
        self.send_html(200, f"""<!doctype html><title>Pay {amount}</title>
<h1>Local OCTO payment page</h1><p>{html.escape(payment.description)}: <b>{amount}</b>
({html.escape(payment.status)})</p>{buttons}""")


def serve(port: int, shop_id: int, secret: str, signature_secret: str = "",
          top_level_fields: bool = False) -> Server:
    """The stand-in on 127.0.0.1:port (0: any free port; `server.server_address` names it)."""
    return bind(Handler, FakeOcto(shop_id, secret, signature_secret, top_level_fields), port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    serve(args.port, int(os.environ["KASSA_OCTO_SHOP_ID"]), os.environ["KASSA_OCTO_SECRET"],
          os.environ.get("KASSA_OCTO_SIGNATURE_SECRET", "")).serve_forever()


if __name__ == "__main__":
    main()
