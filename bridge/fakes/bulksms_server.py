"""A local stand-in for BulkSMS's JSON REST API (api.bulksms.com/v1), for tests and local mode:
catches the SMS Kassa sends when no BulkSMS credentials are configured.

  POST /v1/messages       HTTP basic auth with the stand-in's username and password; a JSON
                          array of submissions (or one), each `to` (an E.164 number, or a list)
                          and `body`, `encoding` TEXT or UNICODE (default TEXT). Answered 201
                          with one message per recipient: `id`, `type` SENT, `to`, `body`,
                          `encoding`, `numberOfParts` (as the networks count them), `status`
                          {"type": "ACCEPTED"}, `userSuppliedId`; or a problem
                          ({"type", "title", "status", "detail"}): 401 bad credentials, 400 bad
                          input, 403 when told to refuse (as BulkSMS does without credits).
  GET /_fake/messages     every SMS caught, oldest first (`kassa sms` shows them)
  POST /_fake/refuse      {"count": n, "status": 403}: the next n submissions are refused with
                          that status (403 "No Credits", the default, for retries; 400 "Bad
                          Request", a number BulkSMS does not take, for refusals for good)
  GET /health, GET /_fake/requests

Run: python -m bridge.fakes.bulksms_server --port 8710 --username U --password P
"""
from __future__ import annotations

import argparse
import base64
import json
import re
import secrets
from datetime import datetime, timezone

from bridge.fakes.common import FakeHandler, RequestLog, Server, bind
from gateways.bulksms import segments

E164 = re.compile(r"^\+?[1-9][0-9]{7,14}$")
ENCODINGS = ("TEXT", "UNICODE")


class Refused(Exception):
    def __init__(self, status: int, title: str, detail: str):
        super().__init__(detail)
        self.problem = {"type": f"https://developer.bulksms.com/json/v1/errors#{title.lower().replace(' ', '-')}",
                        "title": title, "status": status, "detail": detail}


class FakeBulkSms(RequestLog):
    def __init__(self, username: str, password: str):
        super().__init__()
        self.credentials = base64.b64encode(f"{username}:{password}".encode()).decode()
        self.caught: list[dict] = []
        self.refuse_next = 0
        self.refuse_with = 403

    def submit(self, authorization: str, body) -> list[dict]:
        """The messages made from a submission (caller holds the lock)."""
        if authorization != f"Basic {self.credentials}":
            raise Refused(401, "Unauthorized", "the username or password is wrong")
        entries = body if isinstance(body, list) else [body]
        made = [message for entry in entries for message in self.messages_of(entry)]
        if self.refuse_next > 0:
            self.refuse_next -= 1
            if self.refuse_with == 400:
                raise Refused(400, "Bad Request", "the stand-in does not take this number, for a test")
            raise Refused(403, "No Credits", "the stand-in refuses this submission for a test")
        self.caught.extend(made)
        return made

    @staticmethod
    def messages_of(entry) -> list[dict]:
        if not isinstance(entry, dict) or not isinstance(entry.get("body"), str):
            raise Refused(400, "Bad Request", "each submission needs a body")
        encoding = entry.get("encoding", "TEXT")
        if encoding not in ENCODINGS:
            raise Refused(400, "Bad Request", f"encoding must be one of {', '.join(ENCODINGS)}")
        if encoding == "TEXT" and segments(entry["body"]).encoding != "TEXT":
            raise Refused(400, "Bad Request", "the body has characters outside GSM 03.38: send it as UNICODE")
        recipients = entry.get("to") if isinstance(entry.get("to"), list) else [entry.get("to")]
        if not recipients or not all(isinstance(to, str) and E164.match(to) for to in recipients):
            raise Refused(400, "Bad Request", f"to must be phone numbers in E.164 form, not {entry.get('to')!r}")
        submission = {"id": secrets.token_hex(6), "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        return [{"id": secrets.token_hex(8), "type": "SENT", "from": entry.get("from", ""), "to": to,
                 "body": entry["body"], "encoding": encoding, "numberOfParts": segments(entry["body"]).parts,
                 "creditCost": segments(entry["body"]).parts, "submission": submission,
                 "status": {"id": "ACCEPTED.null", "type": "ACCEPTED"},
                 "userSuppliedId": entry.get("userSuppliedId")} for to in recipients]


class Handler(FakeHandler):
    fake: FakeBulkSms

    def do_GET(self):
        if self.answered_common_get():
            return
        if self.path_only == "/_fake/messages":
            with self.fake.lock:
                return self.send_json(200, list(self.fake.caught))
        self.send_json(404, {"title": "Not Found", "status": 404, "detail": f"no such path: {self.path_only}"})

    def do_POST(self):
        try:
            body = json.loads(self.read_body() or b"null")
        except ValueError:
            return self.send_json(400, {"title": "Bad Request", "status": 400, "detail": "the body is no JSON"})
        self.fake.record("POST", self.path_only, body)
        if self.path_only == "/_fake/refuse":
            count = body.get("count") if isinstance(body, dict) else None
            status = body.get("status", 403) if isinstance(body, dict) else None
            if not isinstance(count, int) or isinstance(count, bool) or count < 0 or status not in (400, 403):
                return self.send_json(400, {"error": "give {\"count\": n, \"status\": 400 or 403}, a whole number "
                                                     "of submissions to refuse"})
            with self.fake.lock:
                self.fake.refuse_next, self.fake.refuse_with = count, status
            return self.send_json(200, {"refuse_next": count, "status": status})
        if self.path_only != "/v1/messages":
            return self.send_json(404, {"title": "Not Found", "status": 404, "detail": f"no such path: {self.path_only}"})
        try:
            with self.fake.lock:
                made = self.fake.submit(self.headers.get("Authorization", ""), body)
        except Refused as refused:
            return self.send_json(refused.problem["status"], refused.problem)
        self.send_json(201, made)


def serve(port: int, username: str, password: str) -> Server:
    """The stand-in on 127.0.0.1:port (0: any free port; `server.server_address` names it)."""
    return bind(Handler, FakeBulkSms(username, password), port)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--username", required=True, help="the basic-auth login the stand-in accepts")
    parser.add_argument("--password", required=True)
    args = parser.parse_args()
    serve(args.port, args.username, args.password).serve_forever()


if __name__ == "__main__":
    main()
