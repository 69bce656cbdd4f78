"""What a message says: an event of the outbox (docs/events.md) rendered for its customer, in
the payload's locale (English or German, bridge/texts.py chooses): for e-mail a subject, a
plain-text body and an HTML body (templates/email/message.txt and .html: one layout for every
kind; a kind's words are its entries in TEXTS), for SMS one short text (`<kind>.sms`).

Amounts are written by babel for the locale ("R 1 250,00", "1.250,00 €"), dates in the long
form ("1. März 2026"). A payment link in the payload (`payment_token`) becomes a link to its
page on the bridge.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.numbers import format_decimal
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from bridge.texts import Speaker

# Per language: each kind's subject and paragraphs (`<kind>.subject`, `<kind>.body`: paragraphs
# split at blank lines) and its SMS (`<kind>.sms`, one segment where the values allow); the
# values they name are the payload's, amounts and dates already written for the locale. A kind
# without its own entries gets the `other` ones.
TEXTS = {
    "en": {
        "greeting": "Dear {customer_name},",
        "closing": "Kind regards,\n{tenant}",
        "pay_online": "Pay online",
        "download": "Download (PDF)",
        "document_sent.subject": "Your {document_name} {document_number}",
        "document_sent.body": "Please find your {document_name} {document_number} at the link below.\n\n"
                              "The link works until {expires_on}.",
        "document_sent.sms": "{tenant}: your {document_name} {document_number}: {document_url}",
        "document.invoice": "invoice", "document.credit_note": "credit note", "document.receipt": "receipt",
        "document.statement": "statement",
        "payment_received.subject": "Payment received: {amount}",
        "payment_received.body": "Thank you: we received your payment of {amount}{for_invoice}.\n\n"
                                 "Your account balance is now {balance}.",
        "payment_received.sms": "{tenant}: payment of {amount} received{for_invoice}. Balance: {balance}.",
        "topup_succeeded.subject": "Top-up received: {amount}",
        "topup_succeeded.body": "Thank you: we received your top-up of {amount}.\n\n"
                               "Your account balance is now {balance}.",
        "topup_succeeded.sms": "{tenant}: top-up of {amount} received. Balance: {balance}.",
        "for_invoice": " for invoice {invoice_number}",
        "invoice_issued.subject": "Invoice {invoice_number}: {amount_due} due on {due_on}",
        "invoice_issued.body": "Your invoice {invoice_number} of {issued_on} totals {total}.\n\n"
                               "Please pay {amount_due} by {due_on}.",
        "invoice_issued.sms": "{tenant}: invoice {invoice_number} of {total}, please pay {amount_due} by {due_on}.",
        "invoice_reminder.subject": "Reminder: invoice {invoice_number} is due on {due_on}",
        "invoice_reminder.body": "This is a friendly reminder that {amount_due} on invoice {invoice_number} "
                                 "is due on {due_on}.\n\nIf you have paid already, thank you.",
        "invoice_reminder.sms": "{tenant}: reminder, {amount_due} on invoice {invoice_number} is due on {due_on}.",
        "invoice_overdue_notice.subject": "Invoice {invoice_number} is overdue",
        "invoice_overdue_notice.body": "Invoice {invoice_number} was due on {due_on}, and {amount_due} of it is "
                                       "still open.\n\nPlease pay it now.",
        "invoice_overdue_notice.sms": "{tenant}: invoice {invoice_number} is overdue, {amount_due} still open. Please pay now.",
        "low_balance.subject": "Your balance is low: {balance}",
        "low_balance.body": "Your account balance has fallen to {balance}, below {threshold}.\n\n"
                            "Please top up to keep your services running.",
        "low_balance.sms": "{tenant}: your balance is low: {balance}. Please top up.",
        "other.subject": "News about your account {account_number}",
        "other.body": "There is news about your account {account_number}: {event}.\n\n"
                      "Please contact us if you have questions.",
        "usage_cap_warning.subject": "You have used {percent} % of your plan's cap",
        "usage_cap_warning.body": "From {period_start} to {period_end} you have used {used} of the {cap} your "
                                  "plan includes.\n\nUsage above what your plan includes is billed on your next invoice.",
        "usage_cap_warning.sms": "{tenant}: you have used {percent} % of your plan's cap ({used} of {cap}).",
        "unit.gigabytes": "{value} GB",
        "unit.minutes": "{value} min",
        "unit.units": "{value} units",
        "other.sms": "{tenant}: news about your account {account_number}: {event}.",
        "ticket_replied.subject": "New reply to your ticket: {subject}",
        "ticket_replied.body": "We replied to your ticket “{subject}”:\n\n{body}\n\n"
                               "You can answer it in your account.",
        "ticket_replied.sms": "{tenant}: we replied to your ticket \"{subject}\".",
        "ticket_status_changed.subject": "Your ticket {subject}: {ticket_status}",
        "ticket_status_changed.body": "The status of your ticket “{subject}” is now: {ticket_status}.\n\n"
                                      "Please contact us if you have questions.",
        "ticket_status_changed.sms": "{tenant}: your ticket \"{subject}\" is now: {ticket_status}.",
        "ticket_status.open": "open", "ticket_status.pending_customer": "waiting for your answer",
        "ticket_status.resolved": "resolved", "ticket_status.closed": "closed",
    },
    "de": {
        "greeting": "Guten Tag {customer_name},",
        "closing": "Mit freundlichen Grüßen\n{tenant}",
        "pay_online": "Online bezahlen",
        "download": "Herunterladen (PDF)",
        "document_sent.subject": "Ihre {document_name} {document_number}",
        "document_sent.body": "Ihre {document_name} {document_number} finden Sie unter dem Link unten.\n\n"
                              "Der Link gilt bis zum {expires_on}.",
        "document_sent.sms": "{tenant}: Ihre {document_name} {document_number}: {document_url}",
        "document.invoice": "Rechnung", "document.credit_note": "Rechnungskorrektur", "document.receipt": "Quittung",
        "document.statement": "Kontoauszug",
        "payment_received.subject": "Zahlung erhalten: {amount}",
        "payment_received.body": "Vielen Dank: Wir haben Ihre Zahlung über {amount}{for_invoice} erhalten.\n\n"
                                 "Ihr Kontostand beträgt jetzt {balance}.",
        "payment_received.sms": "{tenant}: Zahlung über {amount}{for_invoice} erhalten. Kontostand: {balance}.",
        "topup_succeeded.subject": "Aufladung erhalten: {amount}",
        "topup_succeeded.body": "Vielen Dank: Wir haben Ihre Aufladung über {amount} erhalten.\n\n"
                               "Ihr Kontostand beträgt jetzt {balance}.",
        "topup_succeeded.sms": "{tenant}: Aufladung über {amount} erhalten. Kontostand: {balance}.",
        "for_invoice": " für Rechnung {invoice_number}",
        "invoice_issued.subject": "Rechnung {invoice_number}: {amount_due} fällig am {due_on}",
        "invoice_issued.body": "Ihre Rechnung {invoice_number} vom {issued_on} beträgt {total}.\n\n"
                               "Bitte zahlen Sie {amount_due} bis zum {due_on}.",
        "invoice_issued.sms": "{tenant}: Rechnung {invoice_number} über {total}, bitte zahlen Sie {amount_due} bis {due_on}.",
        "invoice_reminder.subject": "Erinnerung: Rechnung {invoice_number} ist am {due_on} fällig",
        "invoice_reminder.body": "Wir erinnern Sie freundlich daran, dass {amount_due} aus Rechnung {invoice_number} "
                                 "am {due_on} fällig ist.\n\nFalls Sie bereits bezahlt haben, vielen Dank.",
        "invoice_reminder.sms": "{tenant}: Erinnerung, {amount_due} aus Rechnung {invoice_number} sind am {due_on} fällig.",
        "invoice_overdue_notice.subject": "Rechnung {invoice_number} ist überfällig",
        "invoice_overdue_notice.body": "Rechnung {invoice_number} war am {due_on} fällig, {amount_due} davon sind "
                                       "noch offen.\n\nBitte zahlen Sie jetzt.",
        "invoice_overdue_notice.sms": "{tenant}: Rechnung {invoice_number} ist überfällig, {amount_due} offen. Bitte zahlen Sie jetzt.",
        "low_balance.subject": "Ihr Guthaben ist niedrig: {balance}",
        "low_balance.body": "Ihr Kontostand ist auf {balance} gesunken, unter {threshold}.\n\n"
                            "Bitte laden Sie Ihr Konto auf, damit Ihre Dienste weiterlaufen.",
        "low_balance.sms": "{tenant}: Ihr Guthaben ist niedrig: {balance}. Bitte laden Sie auf.",
        "other.subject": "Neuigkeiten zu Ihrem Konto {account_number}",
        "other.body": "Es gibt Neuigkeiten zu Ihrem Konto {account_number}: {event}.\n\n"
                      "Bei Fragen wenden Sie sich bitte an uns.",
        "usage_cap_warning.subject": "Sie haben {percent} % Ihres Tarifvolumens verbraucht",
        "usage_cap_warning.body": "Vom {period_start} bis {period_end} haben Sie {used} der {cap} verbraucht, die Ihr "
                                  "Tarif enthält.\n\nWas darüber hinausgeht, erscheint auf Ihrer nächsten Rechnung.",
        "usage_cap_warning.sms": "{tenant}: Sie haben {percent} % Ihres Tarifvolumens verbraucht ({used} von {cap}).",
        "unit.gigabytes": "{value} GB",
        "unit.minutes": "{value} Min.",
        "unit.units": "{value} Einheiten",
        "other.sms": "{tenant}: Neuigkeiten zu Ihrem Konto {account_number}: {event}.",
        "ticket_replied.subject": "Neue Antwort auf Ihre Anfrage: {subject}",
        "ticket_replied.body": "Wir haben auf Ihre Anfrage „{subject}“ geantwortet:\n\n{body}\n\n"
                               "Sie können in Ihrem Kundenkonto darauf antworten.",
        "ticket_replied.sms": "{tenant}: Wir haben auf Ihre Anfrage „{subject}“ geantwortet.",
        "ticket_status_changed.subject": "Ihre Anfrage {subject}: {ticket_status}",
        "ticket_status_changed.body": "Der Status Ihrer Anfrage „{subject}“ ist jetzt: {ticket_status}.\n\n"
                                      "Bei Fragen wenden Sie sich bitte an uns.",
        "ticket_status_changed.sms": "{tenant}: Ihre Anfrage „{subject}“ ist jetzt: {ticket_status}.",
        "ticket_status.open": "offen", "ticket_status.pending_customer": "wartet auf Ihre Antwort",
        "ticket_status.resolved": "gelöst", "ticket_status.closed": "geschlossen",
    },
}
AMOUNTS = ("amount", "amount_due", "total", "balance", "threshold")  # minor units, in `currency`
DATES = ("due_on", "issued_on", "period_start", "period_end", "expires_on")
QUANTITIES = ("used", "cap")  # usage, in the payload's `unit`

TEMPLATES = Environment(loader=PackageLoader("bridge", "templates/email"), undefined=StrictUndefined,
                        autoescape=select_autoescape(["html"]), keep_trailing_newline=True)


@dataclass(frozen=True)
class Event:
    """An outbox event as a message needs it (internal.claim_messages)."""
    kind: str
    payload: dict
    locale: str | None
    tenant_name: str
    minor_units: int | None  # of the payload's currency; None without one


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


# Babel writes amounts with non-breaking spaces ("R\xa01\xa0250,00"), which GSM 03.38 lacks: an
# SMS with one goes as UCS-2, 70 characters a segment instead of 160. SMS take plain spaces.
NO_BREAK_SPACES = str.maketrans({"\xa0": " ", "\u202f": " ", "\u2009": " "})


def payment_page(event: Event, bridge_url: str) -> str | None:
    """The page where the event's invoice or amount is paid: its payment token's, if it has one."""
    token = event.payload.get("payment_token")
    return f"{bridge_url}/pay/{token}" if token else None


def render_sms(event: Event) -> str:
    """The SMS for an event. Raises ValueError naming what the payload lacks or got wrong."""
    say = Speaker(event.locale, TEXTS)
    values = written_values(event, say)
    try:
        return say(f"{template_name(event)}.sms", tenant=event.tenant_name, **values).translate(NO_BREAK_SPACES)
    except KeyError as missing:
        raise ValueError(f"a {event.kind} event's payload has no {missing}") from None


def render(event: Event, bridge_url: str) -> Rendered:
    """The message for an event. Raises ValueError naming what the payload lacks or got wrong."""
    say = Speaker(event.locale, TEXTS)
    values = written_values(event, say)
    template = template_name(event)
    try:
        subject = say(f"{template}.subject", **values)
        paragraphs = say(f"{template}.body", **values).split("\n\n")
        greeting = say("greeting", **values)
    except KeyError as missing:
        raise ValueError(f"a {event.kind} event's payload has no {missing}") from None
    link = payment_page(event, bridge_url)
    page = ({"label": say("pay_online"), "url": link} if link
            else {"label": say("download"), "url": event.payload["document_url"]} if event.payload.get("document_url")
            else None)
    layout = {"greeting": greeting, "paragraphs": paragraphs, "payment_page": page,
              "closing": say("closing", tenant=event.tenant_name).split("\n"), "language": say.language}
    return Rendered(subject, TEMPLATES.get_template("message.txt").render(layout),
                    TEMPLATES.get_template("message.html").render(layout))


# Kinds written in the words of another: an auto top-up's charge is a top-up to the customer.
WORDED_AS = {"auto_topup_charged": "topup_succeeded"}


def template_name(event: Event) -> str:
    kind = WORDED_AS.get(event.kind, event.kind)
    return kind if f"{kind}.subject" in TEXTS["en"] else "other"


def written_quantity(value, unit: str | None, say: Speaker) -> str:
    """A usage quantity as people read it: data in GB, time in minutes (rounded up), units as they are."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"a usage quantity is a whole number, not {value!r}")
    if unit == "bytes":
        return say("unit.gigabytes", value=format_decimal(round(value / 1e9, 2), locale=say.locale))
    if unit == "seconds":
        return say("unit.minutes", value=format_decimal(-(-value // 60), locale=say.locale))
    return say("unit.units", value=format_decimal(value, locale=say.locale))


def written_values(event: Event, say: Speaker) -> dict[str, str]:
    """The payload's values as the texts show them: amounts and dates for the locale."""
    values = {key: str(value) for key, value in event.payload.items() if value is not None}
    values.setdefault("customer_name", "")
    values["event"] = event.kind.replace("_", " ")
    for key in AMOUNTS:
        if isinstance(event.payload.get(key), int) and not isinstance(event.payload[key], bool):
            if event.minor_units is None:
                raise ValueError(f"a {event.kind} event's {key} needs a known currency, not {event.payload.get('currency')!r}")
            values[key] = say.money(event.payload[key], event.payload["currency"], event.minor_units)
        elif key in event.payload:
            raise ValueError(f"a {event.kind} event's {key} is not a whole number of minor units: {event.payload[key]!r}")
    for key in DATES:
        if key in values:
            try:
                values[key] = say.day(date.fromisoformat(values[key]))
            except ValueError:
                raise ValueError(f"a {event.kind} event's {key} is not a date: {values[key]!r}") from None
    for key in QUANTITIES:
        if key in event.payload:
            values[key] = written_quantity(event.payload[key], event.payload.get("unit"), say)
    values["for_invoice"] = say("for_invoice", **values) if "invoice_number" in values else ""
    if (kind := event.payload.get("document_kind")) in ("invoice", "credit_note", "receipt", "statement"):
        values["document_name"] = say(f"document.{kind}")
    if event.kind == "ticket_status_changed" and f"ticket_status.{event.payload.get('status')}" in say.texts:
        values["ticket_status"] = say(f"ticket_status.{event.payload['status']}")
    return values
