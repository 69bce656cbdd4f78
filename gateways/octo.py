"""OCTO (Uzbekistan; UZS and USD) over its JSON API, with the settings passed in (OctoSettings).

Every call is a POST of JSON carrying `octo_shop_id` and `octo_secret`. OCTO answers HTTP 200
also when it refuses: `error` other than 0 (with `errMessage`) raises OctoError; a failed
connection or an HTTP error status raises OSError (urllib's), and the call may be repeated:
prepare_payment is idempotent on shop_transaction_id, refund on shop_refund_id.
Amounts are Decimal in major units (`Decimal("103.33")`), sent and read as exact JSON numbers.
The fields of an answer are read under `data`, or at its top level as older integrations have
them.

A callback's signature does not cover the amount: grant nothing on a callback until
verify_callback accepts it AND status() confirms status and amount (docs/payments.md).
"""
from __future__ import annotations

import hashlib
import hmac
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import urlsplit

from gateways import exact_json

PRODUCTION_URL = "https://secure.octo.uz"
CURRENCIES = ("UZS", "USD")
ACCEPT_STATUSES = ("capture", "cancel")
# init_time is read as Tashkent time (not confirmed by OCTO); Uzbekistan keeps UTC+5 all year.
TASHKENT = timezone(timedelta(hours=5), "Asia/Tashkent")


@dataclass(frozen=True)
class OctoSettings:
    shop_id: int
    secret: str
    base_url: str = PRODUCTION_URL
    # The secret callbacks are signed with: OCTO's integrations differ on whether it is the API
    # secret or a separate signing key of the shop. Empty: the API secret.
    signature_secret: str = ""
    timeout: float = 30

    @property
    def payment_page_origins(self) -> str:
        """Where OCTO's hosted payment pages are (a page's form-action must allow them): OCTO
        serves them from hosts of its own domain (seen: pay2.octo.uz), not from the API host;
        the local stand-in serves both."""
        host = urlsplit(self.base_url).hostname or ""
        return "https://*.octo.uz" if host.endswith("octo.uz") else self.base_url.rstrip("/")

    @property
    def callback_secret(self) -> str:
        return self.signature_secret or self.secret

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> OctoSettings:
        """From the KASSA_OCTO_* variables every stack process gets (kassa/config.py names them)."""
        return cls(int(env["KASSA_OCTO_SHOP_ID"]), env["KASSA_OCTO_SECRET"], env["KASSA_OCTO_API_BASE"],
                   env.get("KASSA_OCTO_SIGNATURE_SECRET", ""))


class OctoError(Exception):
    """OCTO refused a call: its `error` code and `errMessage`. Code None: the answer was no OCTO
    answer at all (not JSON, or without `error`)."""

    def __init__(self, code: int | None, message: str):
        super().__init__(f"OCTO error {code}: {message}")
        self.code, self.message = code, message


@dataclass(frozen=True)
class Payment:
    shop_transaction_id: str | None
    uuid: str | None  # octo_payment_UUID
    status: str | None  # created, wait_user_action, waiting_for_capture, succeeded, canceled
    pay_url: str | None  # the hosted page to send the payer to (prepare_payment only)
    total_sum: Decimal | None
    refunded_sum: Decimal | None
    raw: dict  # the answer's fields as OCTO sent them

    @classmethod
    def from_fields(cls, fields: dict) -> Payment:
        return cls(fields.get("shop_transaction_id"), fields.get("octo_payment_UUID"), fields.get("status"),
                   fields.get("octo_pay_url"), exact_json.amount(fields.get("total_sum")),
                   exact_json.amount(fields.get("refunded_sum")), fields)


@dataclass(frozen=True)
class Refund:
    shop_refund_id: str | None
    uuid: str | None  # the payment's octo_payment_UUID
    status: str | None  # new, pending, succeeded, canceled, error
    amount: Decimal | None
    raw: dict

    @classmethod
    def from_fields(cls, fields: dict) -> Refund:
        return cls(fields.get("shop_refund_id"), fields.get("octo_payment_UUID"), fields.get("status"),
                   exact_json.amount(fields.get("amount")), fields)


def signature(secret: str, hash_key: str, payment_uuid: str, status: str) -> str:
    """The callback signature as OCTO documents it: sha1(sha1(secret + hash_key) + uuid + status),
    upper-case hex (the inner digest in lower case, as hexdigest gives it)."""
    inner = hashlib.sha1((secret + hash_key).encode()).hexdigest()
    return hashlib.sha1((inner + payment_uuid + status).encode()).hexdigest().upper()


def answer_fields(answer: dict) -> dict:
    """The fields of an answer: under `data`, or at the top level (older integrations)."""
    data = answer.get("data")
    return data if isinstance(data, dict) else answer


def checked_amount(amount: Decimal, name: str) -> Decimal:
    if not isinstance(amount, Decimal):
        raise TypeError(f"{name} must be a Decimal in major units, not {type(amount).__name__}")
    if not amount.is_finite() or amount <= 0 or amount.normalize().as_tuple().exponent < -2:
        raise ValueError(f"{name} must be positive with at most two decimals: {amount}")
    return amount


class OctoClient:
    def __init__(self, settings: OctoSettings):
        self.settings = settings

    def call(self, method: str, **params) -> dict:
        """POSTs one API call; the answer's fields, or OctoError when OCTO refuses."""
        body = {"octo_shop_id": self.settings.shop_id, "octo_secret": self.settings.secret, **params}
        request = urllib.request.Request(f"{self.settings.base_url.rstrip('/')}/{method}", method="POST",
                                         data=exact_json.dumps(body).encode(),
                                         headers={"Content-Type": "application/json", "Accept": "application/json"})
        with urllib.request.urlopen(request, timeout=self.settings.timeout) as response:
            text = response.read()
        try:
            answer = exact_json.loads(text)
        except ValueError:
            raise OctoError(None, f"{method}: the answer is no JSON: {text[:200]!r}") from None
        if not isinstance(answer, dict) or "error" not in answer:
            raise OctoError(None, f"{method}: the answer has no error field: {text[:200]!r}")
        code = answer["error"]
        if code != 0:
            raise OctoError(code if isinstance(code, int) else None, str(answer.get("errMessage") or ""))
        return answer_fields(answer)

    def prepare_payment(self, shop_transaction_id: str, total_sum: Decimal, currency: str, description: str,
                        return_url: str, notify_url: str, language: str = "ru", ttl: int | None = None,
                        auto_capture: bool = True, user_data: dict | None = None, basket: list[dict] | None = None,
                        payment_methods: list[str] | None = None, test: bool = False,
                        init_time: datetime | None = None) -> Payment:
        """A payment and its hosted page (Payment.pay_url). OCTO answers a repeated
        shop_transaction_id with the first call's payment, so a retry is safe.
        auto_capture=False: a paid payment waits (waiting_for_capture) for set_accept."""
        if currency not in CURRENCIES:
            raise ValueError(f"OCTO takes {' or '.join(CURRENCIES)}, not {currency!r}")
        params = {"shop_transaction_id": shop_transaction_id, "auto_capture": auto_capture, "test": test,
                  "init_time": (init_time or datetime.now(TASHKENT)).strftime("%Y-%m-%d %H:%M:%S"),
                  "total_sum": checked_amount(total_sum, "total_sum"), "currency": currency,
                  "description": description, "return_url": return_url, "notify_url": notify_url,
                  "language": language}
        if ttl is not None:
            params["ttl"] = ttl  # minutes the hosted page stays payable
        if user_data:
            params["user_data"] = user_data  # {user_id, phone, email}
        if basket:
            params["basket"] = basket  # [{position_desc, count, price}]
        if payment_methods:
            params["payment_methods"] = [{"method": method} for method in payment_methods]
        return Payment.from_fields(self.call("prepare_payment", **params))

    def status(self, shop_transaction_id: str) -> Payment:
        """The payment's current status and amounts: prepare_payment with only the shop's
        credentials and shop_transaction_id, as OCTO defines the status check."""
        return Payment.from_fields(self.call("prepare_payment", shop_transaction_id=shop_transaction_id))

    def set_accept(self, payment_uuid: str, accept_status: str, final_amount: Decimal | None = None) -> Payment:
        """Captures (a smaller final_amount captures part) or cancels a waiting_for_capture payment."""
        if accept_status not in ACCEPT_STATUSES:
            raise ValueError(f"accept_status is one of {ACCEPT_STATUSES}, not {accept_status!r}")
        params = {"octo_payment_UUID": payment_uuid, "accept_status": accept_status}
        if final_amount is not None:
            params["final_amount"] = checked_amount(final_amount, "final_amount")
        return Payment.from_fields(self.call("set_accept", **params))

    def refund(self, shop_refund_id: str, payment_uuid: str, amount: Decimal) -> Refund:
        """Returns `amount` of a succeeded payment; a repeated shop_refund_id is the same refund."""
        return Refund.from_fields(self.call("refund", shop_refund_id=shop_refund_id, octo_payment_UUID=payment_uuid,
                                            amount=checked_amount(amount, "amount")))

    def verify_callback(self, body: dict) -> bool:
        """Whether a notify_url callback carries a valid signature (made with
        settings.callback_secret). Says nothing about the amount: confirm it with status()."""
        fields = [body.get(name) if isinstance(body, dict) else None
                  for name in ("signature", "hash_key", "octo_payment_UUID", "status")]
        if not all(isinstance(value, str) and value for value in fields):
            return False
        sent, hash_key, payment_uuid, status = fields
        expected = signature(self.settings.callback_secret, hash_key, payment_uuid, status)
        return hmac.compare_digest(expected.encode(), sent.upper().encode("utf-8", "surrogatepass"))
