"""What the public pages say, in each language they speak, and how they write money and dates
(babel, CLDR's rules for the locale: "R 1 250,00" in South Africa, "1.250,00 €" in Germany).

A page speaks the customer's locale, else the tenant's (the database decides: the link's
`locale`); a page that knows no link speaks what the browser asks for (Accept-Language).
"""
from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_currency

from bridge.money import in_major_units

LOCALES = ("en", "de")  # the first is the fallback

TEXTS = {
    "en": {
        "invoice": "Invoice {number}",
        "payment_to": "Payment to {tenant}",
        "amount_due": "Amount due",
        "due_date": "Due date",
        "pay_with": "Pay with {gateway}",
        "paid": "This invoice is paid. Thank you!",
        "debit_order_scheduled": "A debit order for this invoice is scheduled: nothing to pay here.",
        "expired": "This payment link has expired.",
        "invalidated": "This payment link is no longer valid.",
        "ask_for_new": "Please ask {tenant} for a new link.",
        "unknown": "This payment link does not exist.",
        "check_link": "Please check the link in your message.",
        "success": "Thank you! Your payment is being confirmed.",
        "failure": "The payment did not go through. You can try again.",
        "cancelled": "You cancelled the payment.",
        "pay_again": "To pay, open the link in your message again.",
        "too_many": "Too many requests. Please try again in {seconds} seconds.",
        "no_gateway": "No payment method is available for this currency; please contact {tenant}.",
        "unsubscribe_confirm": "No more e-mails about {kind}?",
        "unsubscribe_button": "Unsubscribe",
        "unsubscribed": "Done: you will get no more e-mails about {kind}.",
        "unsubscribe_unknown": "This unsubscribe link is not valid.",
    },
    "de": {
        "invoice": "Rechnung {number}",
        "payment_to": "Zahlung an {tenant}",
        "amount_due": "Offener Betrag",
        "due_date": "Fällig am",
        "pay_with": "Bezahlen mit {gateway}",
        "paid": "Diese Rechnung ist bezahlt. Vielen Dank!",
        "debit_order_scheduled": "Für diese Rechnung ist eine Lastschrift geplant: hier ist nichts zu bezahlen.",
        "expired": "Dieser Zahlungslink ist abgelaufen.",
        "invalidated": "Dieser Zahlungslink ist nicht mehr gültig.",
        "ask_for_new": "Bitte fordern Sie bei {tenant} einen neuen Link an.",
        "unknown": "Diesen Zahlungslink gibt es nicht.",
        "check_link": "Bitte prüfen Sie den Link in Ihrer Nachricht.",
        "success": "Vielen Dank! Ihre Zahlung wird bestätigt.",
        "failure": "Die Zahlung ist nicht durchgegangen. Sie können es erneut versuchen.",
        "cancelled": "Sie haben die Zahlung abgebrochen.",
        "pay_again": "Zum Bezahlen öffnen Sie den Link in Ihrer Nachricht erneut.",
        "too_many": "Zu viele Anfragen. Bitte versuchen Sie es in {seconds} Sekunden erneut.",
        "no_gateway": "Für diese Währung ist keine Zahlungsart verfügbar; bitte wenden Sie sich an {tenant}.",
        "unsubscribe_confirm": "Keine E-Mails mehr zu {kind}?",
        "unsubscribe_button": "Abmelden",
        "unsubscribed": "Erledigt: Sie erhalten keine E-Mails mehr zu {kind}.",
        "unsubscribe_unknown": "Dieser Abmeldelink ist nicht gültig.",
    },
}


class Speaker:
    """The texts of a locale's language and the formats of the locale itself (`de_DE`, `en_ZA`,
    or a bare language), as the templates use them."""

    def __init__(self, locale: str | None, texts: dict[str, dict[str, str]] = TEXTS):
        language = (locale or "").split("_")[0]
        self.language = language if language in LOCALES else LOCALES[0]
        self.locale = locale if language == self.language else self.language
        self.texts = texts[self.language]  # the pages' texts, or the messages' (bridge/messages.py)

    def __call__(self, key: str, **values) -> str:
        return self.texts[key].format(**values)

    def money(self, minor_units: int, currency: str, exponent: int) -> str:
        return format_currency(in_major_units(minor_units, exponent), currency, locale=self.locale)

    def day(self, value: date) -> str:
        return format_date(value, format="long", locale=self.locale)
