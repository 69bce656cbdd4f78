"""A local stand-in for the part of Stripe's REST API Kassa uses, for tests and local mode.

Speaks what the official `stripe` library sends (form-encoded POSTs with nested keys, Bearer
key, Idempotency-Key) and answers Stripe-shaped JSON, errors included:

  POST/GET /v1/checkout/sessions[/<id>]   POST/GET /v1/payment_intents[/<id>]   POST/GET /v1/refunds[/<id>]
  GET /v1/charges/<id>   GET /v1/payment_methods/<id>   (a session with payment_intent_data[setup_future_usage] saves a
                                  visa 4242 card for its customer)
  GET /v1/payment_intents/search?query=metadata['<key>']:'<value>'   (that one query form of Stripe's search)

The payment method `pm_card_chargeDeclined` (Stripe's test name) is declined with a 402
card_error. `GET /checkout/<id>` is the hosted page; its pay button completes the session and
delivers a signed `checkout.session.completed` to the bridge (KASSA_BRIDGE_URL/webhooks/stripe,
signed with KASSA_STRIPE_WEBHOOK_SECRET), then redirects to the success URL.
`GET /_fake/requests` lists every request received (tests read it). `sign` and `deliver` sign
and send arbitrary events with Stripe's scheme: t=<unix time>,v1=HMAC-SHA256(secret, "t.payload").

Run: python -m bridge.fakes.stripe_server --port 8702
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import html
import json
import os
import re
import secrets
import time
from urllib.parse import parse_qsl, urlsplit

from bridge.fakes.common import FakeHandler, RequestLog, Server, post_json

DECLINED = "pm_card_chargeDeclined"


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The Stripe-Signature header for `payload`."""
    t = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def event(event_type: str, obj: dict, event_id: str | None = None) -> dict:
    return {"id": event_id or "evt_" + secrets.token_hex(12), "object": "event", "type": event_type,
            "api_version": "2024-06-20", "created": int(time.time()), "livemode": False,
            "data": {"object": obj}}


def deliver(url: str, body: dict | bytes, secret: str, timestamp: int | None = None,
            timeout: float = 30) -> tuple[int, dict]:
    """POSTs an event signed like Stripe does; returns (status, JSON answer)."""
    payload = body if isinstance(body, bytes) else json.dumps(body).encode()
    status, answer = post_json(url, payload, {"Stripe-Signature": sign(payload, secret, timestamp)}, timeout)
    return status, json.loads(answer or b"{}")


def parse_form(body: str) -> dict:
    """Stripe's form encoding (a[b][0][c]=v) back into nested dicts and lists."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _listify(root)


def _listify(node):
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_listify(node[k]) for k in sorted(node, key=int)]
        return {k: _listify(v) for k, v in node.items()}
    return node


class ApiError(Exception):
    def __init__(self, status: int, error_type: str, message: str, **extra):
        super().__init__(message)
        self.status, self.body = status, {"error": {"type": error_type, "message": message, **extra}}


class FakeStripe(RequestLog):
    """The state: objects by id, idempotent answers by key, the request log."""

    def __init__(self, base_url: str, webhook_url: str, webhook_secret: str):
        super().__init__()
        self.base_url, self.webhook_url, self.webhook_secret = base_url, webhook_url, webhook_secret
        self.objects: dict[str, dict] = {}
        self.idempotent: dict[str, tuple[dict, int, dict]] = {}

    def new_id(self, prefix: str) -> str:
        return f"{prefix}_fake_{secrets.token_hex(12)}"

    def get(self, kind: str, object_id: str) -> dict:
        found = self.objects.get(object_id)
        if not found or found["object"] != kind:
            raise ApiError(404, "invalid_request_error", f"No such {kind}: '{object_id}'",
                           code="resource_missing", param="id")
        return found

    def create(self, path: str, params: dict) -> dict:
        if path == "/v1/checkout/sessions":
            return self.create_session(params)
        if path == "/v1/payment_intents":
            return self.create_intent(params)
        if path == "/v1/refunds":
            return self.create_refund(params)
        raise ApiError(404, "invalid_request_error", f"Unrecognized request URL (POST: {path})")

    def create_session(self, p: dict) -> dict:
        items = p.get("line_items") or []
        try:
            amount = sum(int(i["price_data"]["unit_amount"]) * int(i.get("quantity", 1)) for i in items)
            currency = items[0]["price_data"]["currency"]
        except (KeyError, IndexError, ValueError, TypeError):
            raise ApiError(400, "invalid_request_error", "line_items with price_data are required",
                           param="line_items")
        session_id = self.new_id("cs")
        session = {"id": session_id, "object": "checkout.session", "mode": p.get("mode", "payment"),
                   "amount_total": amount, "currency": currency, "status": "open",
                   "payment_status": "unpaid", "payment_intent": None, "customer": p.get("customer"),
                   "client_reference_id": p.get("client_reference_id"), "metadata": p.get("metadata", {}),
                   "payment_intent_data": p.get("payment_intent_data", {}),
                   "success_url": p.get("success_url"), "cancel_url": p.get("cancel_url"),
                   "url": f"{self.base_url}/checkout/{session_id}", "livemode": False,
                   "created": int(time.time())}
        self.objects[session_id] = session
        return session

    def create_intent(self, p: dict) -> dict:
        for required in ("amount", "currency"):
            if required not in p:
                raise ApiError(400, "invalid_request_error", f"Missing required param: {required}.", param=required)
        intent_id = self.new_id("pi")
        intent = {"id": intent_id, "object": "payment_intent", "amount": int(p["amount"]),
                  "currency": p["currency"], "customer": p.get("customer"),
                  "payment_method": p.get("payment_method"), "metadata": p.get("metadata", {}),
                  "off_session": p.get("off_session") == "true", "status": "requires_confirmation",
                  "latest_charge": None, "last_payment_error": None, "livemode": False,
                  "created": int(time.time())}
        self.objects[intent_id] = intent
        if p.get("confirm") == "true":
            if intent["payment_method"] == DECLINED:
                intent["status"] = "requires_payment_method"
                intent["last_payment_error"] = {"code": "card_declined", "decline_code": "generic_decline",
                                                "message": "Your card was declined."}
                raise ApiError(402, "card_error", "Your card was declined.", code="card_declined",
                               decline_code="generic_decline", payment_intent=intent)
            charge_id = self.new_id("ch")
            self.objects[charge_id] = {"id": charge_id, "object": "charge", "amount": intent["amount"],
                                       "amount_refunded": 0, "currency": intent["currency"], "refunded": False,
                                       "payment_intent": intent_id, "metadata": intent["metadata"]}
            intent["status"], intent["latest_charge"] = "succeeded", charge_id
        return intent

    def create_refund(self, p: dict) -> dict:
        intent = self.get("payment_intent", p.get("payment_intent", ""))
        if not intent["latest_charge"]:
            raise ApiError(400, "invalid_request_error", "This PaymentIntent has no successful charge to refund.")
        charge = self.get("charge", intent["latest_charge"])
        amount = int(p.get("amount", charge["amount"] - charge["amount_refunded"]))
        if amount > charge["amount"] - charge["amount_refunded"]:
            raise ApiError(400, "invalid_request_error", "Refund amount is greater than unrefunded amount.",
                           code="charge_already_refunded")
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        refund_id = self.new_id("re")
        refund = {"id": refund_id, "object": "refund", "amount": amount, "payment_intent": intent["id"],
                  "charge": intent["latest_charge"], "currency": intent["currency"], "status": "succeeded",
                  "metadata": p.get("metadata", {}), "created": int(time.time())}
        self.objects[refund_id] = refund
        return refund

    def saved_card(self, customer: str | None) -> tuple[str, str]:
        """A test card (visa 4242) attached to a customer, as a session that saves the card leaves it."""
        customer = customer or self.new_id("cus")
        method_id = self.new_id("pm")
        self.objects[method_id] = {"id": method_id, "object": "payment_method", "type": "card", "customer": customer,
                                   "card": {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2034}}
        return customer, method_id

    def pay(self, session_id: str) -> dict:
        """The hosted page's button: the session is paid and the bridge is told, signed."""
        with self.lock:
            session = self.get("checkout.session", session_id)
            if session["status"] == "open":
                customer, method = None, None
                if session["payment_intent_data"].get("setup_future_usage"):
                    customer, method = self.saved_card(session["customer"])
                intent = self.create_intent({"amount": str(session["amount_total"]), "currency": session["currency"],
                                             "metadata": session["payment_intent_data"].get("metadata", {}),
                                             "customer": customer, "payment_method": method, "confirm": "true"})
                session.update(status="complete", payment_status="paid", payment_intent=intent["id"],
                               customer=customer)
        deliver(self.webhook_url, event("checkout.session.completed", session), self.webhook_secret)
        return session


class Handler(FakeHandler):
    server_version = "FakeStripe/1"
    fake: FakeStripe  # set by serve()

    def record(self, params: dict) -> None:
        self.fake.record(self.command, self.path_only, params, idempotency_key=self.headers.get("Idempotency-Key"))

    def authorised(self) -> bool:
        if (self.headers.get("Authorization") or "").startswith("Bearer sk_"):
            return True
        self.send_json(401, {"error": {"type": "invalid_request_error",
                                       "message": "You did not provide a valid API key."}})
        return False

    def do_GET(self):
        if self.answered_common_get():
            return
        path = self.path_only
        if path.startswith("/checkout/"):
            return self.checkout_page(path.removeprefix("/checkout/"))
        self.record({})
        if not self.authorised():
            return
        if path == "/v1/payment_intents/search":
            return self.search_intents()
        kinds = {"checkout/sessions": "checkout.session", "payment_intents": "payment_intent", "refunds": "refund",
                 "payment_methods": "payment_method", "charges": "charge"}
        match = re.fullmatch(r"/v1/(checkout/sessions|payment_intents|refunds|payment_methods|charges)/([\w-]+)", path)
        try:
            if not match:
                raise ApiError(404, "invalid_request_error", f"Unrecognized request URL (GET: {path})")
            with self.fake.lock:
                self.send_json(200, self.fake.get(kinds[match[1]], match[2]))
        except ApiError as error:
            self.send_json(error.status, error.body)

    def search_intents(self):
        query = dict(parse_qsl(urlsplit(self.path).query)).get("query", "")
        match = re.fullmatch(r"metadata\['(\w+)'\]:'([^']*)'", query)
        if not match:
            return self.send_json(400, {"error": {"type": "invalid_request_error", "param": "query",
                                                  "message": f"this stand-in searches metadata['key']:'value' only, not {query!r}"}})
        with self.fake.lock:
            found = [o for o in self.fake.objects.values()
                     if o["object"] == "payment_intent" and o["metadata"].get(match[1]) == match[2]]
        self.send_json(200, {"object": "search_result", "url": "/v1/payment_intents/search", "data": found,
                             "has_more": False, "next_page": None})

    def do_POST(self):
        path = self.path_only
        body = self.read_body().decode()
        match = re.fullmatch(r"/checkout/([\w-]+)/pay", path)
        if match:
            try:
                session = self.fake.pay(match[1])
            except ApiError as error:
                return self.send_json(error.status, error.body)
            target = session.get("success_url")
            return self.send_html(303 if target else 200, "<p>Paid.</p>", target)
        params = parse_form(body)
        self.record(params)
        if not self.authorised():
            return
        key = self.headers.get("Idempotency-Key")
        try:
            with self.fake.lock:
                if key and key in self.fake.idempotent:
                    earlier_params, status, answer = self.fake.idempotent[key]
                    if earlier_params != params:
                        raise ApiError(400, "idempotency_error", "Keys for idempotent requests can only be used "
                                       "with the same parameters they were first used with.")
                    return self.send_json(status, answer)
                try:
                    status, answer = 200, self.fake.create(path, params)
                except ApiError as error:
                    status, answer = error.status, error.body
                if key:
                    self.fake.idempotent[key] = (params, status, answer)
            self.send_json(status, answer)
        except ApiError as error:
            self.send_json(error.status, error.body)

    def checkout_page(self, session_id: str) -> None:
        with self.fake.lock:
            session = self.fake.objects.get(session_id)
        if not session or session["object"] != "checkout.session":
            return self.send_html(404, "<p>No such checkout session.</p>")
        amount = f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
        self.send_html(200, f"""<!doctype html><title>Pay {amount}</title>
<h1>Local Stripe checkout</h1><p>Top-up of <b>{html.escape(amount)}</b> ({html.escape(session['status'])})</p>
<form method="post" action="/checkout/{html.escape(session_id)}/pay"><button>Pay {html.escape(amount)}</button></form>""")


def serve(port: int, webhook_url: str, webhook_secret: str) -> Server:
    base = f"http://127.0.0.1:{port}"
    handler = type("BoundHandler", (Handler,), {"fake": FakeStripe(base, webhook_url, webhook_secret)})
    return Server(("127.0.0.1", port), handler)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    webhook_url = os.environ["KASSA_BRIDGE_URL"].rstrip("/") + "/webhooks/stripe"
    serve(args.port, webhook_url, os.environ["KASSA_STRIPE_WEBHOOK_SECRET"]).serve_forever()


if __name__ == "__main__":
    main()
