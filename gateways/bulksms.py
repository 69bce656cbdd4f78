"""BulkSMS (bulksms.com) over its JSON REST API, with the settings passed in (BulkSmsSettings),
and how many segments (parts) a text takes on the networks.

One call: POST <base>/messages with HTTP basic auth and a JSON array of submissions
(`{"to": "+27…", "body": "…", "encoding": "TEXT" | "UNICODE", "userSuppliedId": "…"}`),
answered 201 with an array of the messages made (`id`, `to`, `numberOfParts`, `status`:
`{"type": "ACCEPTED"}`, …). Other answers are problems (`{"type", "title", "status", "detail"}`)
and raise BulkSmsError; a failed connection raises OSError (urllib's). BulkSMS keeps no
idempotency key of ours, so a repeated submission is a second SMS: the delivery worker sends at
least once (docs/messages.md#sms).

Segments, as the networks count them: a text of GSM 03.38 characters only goes as TEXT (7-bit:
160 characters in one SMS, 153 per part once split; a character of the extension table, € [ ] {
} | ^ ~ \\ and the form feed, takes two, and the two are never split across parts), any other as
UNICODE (UCS-2: 70 UTF-16 units in one, 67 per part; a character outside the basic plane, an
emoji, takes two units, kept together).
"""
from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass

LIVE_URL = "https://api.bulksms.com/v1"

# GSM 03.38: the basic table (one septet each) and the extension table (an escape and one more).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")
# (units in a single SMS, units per part of a split one), per encoding
LIMITS = {"TEXT": (160, 153), "UNICODE": (70, 67)}


@dataclass(frozen=True)
class Segments:
    encoding: str  # TEXT (GSM 7-bit) or UNICODE (UCS-2), as BulkSMS names them
    parts: int


def encoding_of(text: str) -> str:
    return "TEXT" if all(c in GSM_BASIC or c in GSM_EXTENSION for c in text) else "UNICODE"


def units(character: str, encoding: str) -> int:
    """What one character takes: septets in TEXT, UTF-16 code units in UNICODE."""
    if encoding == "TEXT":
        return 2 if character in GSM_EXTENSION else 1
    return 2 if ord(character) > 0xFFFF else 1


def segments(text: str) -> Segments:
    """The parts an SMS of this text takes (an empty text is still one SMS)."""
    encoding = encoding_of(text)
    single, per_part = LIMITS[encoding]
    sizes = [units(c, encoding) for c in text]
    if sum(sizes) <= single:
        return Segments(encoding, 1)
    parts, used = 1, 0
    for size in sizes:
        if used + size > per_part:  # what does not fit whole starts the next part
            parts, used = parts + 1, 0
        used += size
    return Segments(encoding, parts)


# What BulkSMS answers for a submission it will never take (a malformed or unreachable number, a
# body it rejects): sending it again cannot help. Bad credentials (401), no credits (403), too many
# requests (429) and its own errors (5xx) pass once the operator or BulkSMS has acted.
REFUSED_FOR_GOOD = (400, 422)


class BulkSmsError(Exception):
    """BulkSMS refused the submission: its HTTP status and the problem's title and detail."""

    def __init__(self, status: int, detail: str):
        super().__init__(f"BulkSMS answered {status}: {detail}")
        self.status = status

    @property
    def for_good(self) -> bool:
        return self.status in REFUSED_FOR_GOOD


@dataclass(frozen=True)
class BulkSmsSettings:
    username: str  # or the token id of an API token
    password: str  # or the token secret
    base_url: str = LIVE_URL
    sender: str = ""  # the `from` (a number or an alphanumeric sender id); empty: the account's default
    timeout: float = 30

    def send(self, to: str, body: str, user_supplied_id: str) -> dict:
        """Submits one SMS to an E.164 number; returns BulkSMS's message (id, numberOfParts, status).
        Raises BulkSmsError when BulkSMS refuses it, OSError when it cannot be reached."""
        submission = {"to": to, "body": body, "encoding": segments(body).encoding,
                      "userSuppliedId": user_supplied_id[:20], **({"from": self.sender} if self.sender else {})}
        credentials = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        # Long texts are split, never cut: allow as many parts as the text takes.
        url = f"{self.base_url}/messages?longMessageMaxParts={max(3, segments(body).parts)}"
        request = urllib.request.Request(url, data=json.dumps([submission]).encode(), method="POST",
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": f"Basic {credentials}"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise BulkSmsError(error.code, problem_detail(error.read())) from None
        except ValueError:
            raise BulkSmsError(201, "the answer is no JSON") from None
        if not isinstance(answer, list) or len(answer) != 1 or not isinstance(answer[0], dict):
            raise BulkSmsError(201, f"expected one message in the answer, not {str(answer)[:200]}")
        return answer[0]


def problem_detail(body: bytes) -> str:
    try:
        problem = json.loads(body)
        return f"{problem.get('title', '')}: {problem.get('detail', '')}".strip(": ")
    except (ValueError, AttributeError):
        return body[:200].decode(errors="replace")
