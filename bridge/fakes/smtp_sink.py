"""The local SMTP sink: catches the mail Kassa sends when no SMTP host is configured.

`python -m bridge.fakes.smtp_sink --port P --admin-port A --folder DIR` (started by `kassa up`
and the test stack in local mode). Every message accepted on 127.0.0.1:P is written to DIR as
one .eml file, named by the time it came and its Message-ID, oldest first when sorted; `kassa
mail` lists and shows them. On the admin port, GET /health answers 200, POST /_fake/refuse
{"count": n} makes the sink refuse the next n messages with a temporary error (451), as a busy
mail server would, for the tests of retries, and POST /_fake/bounce {"address": "…"} makes it
refuse that recipient for good (550: no such mailbox), a hard bounce.

With `--login USER:PASSWORD` (repeatable) the sink stands in for a tenant's own mail server: it
takes mail only after AUTH (PLAIN or LOGIN, without TLS: loopback only) with one of those, and
writes the login into each caught message as an X-Sink-Login header.
"""
from __future__ import annotations

import argparse
import asyncio
import re
import uuid
from datetime import datetime, timezone
from email import message_from_bytes
from pathlib import Path

from aiohttp import web
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

REFUSAL = "451 4.3.0 the sink refuses this message for a test; try again later"
NO_MAILBOX = "550 5.1.1 the sink knows no such mailbox (a hard bounce for a test)"


class Sink:
    def __init__(self, folder: Path, logins: dict[str, str]) -> None:
        self.folder = folder
        self.logins = logins  # user: password; none: no AUTH
        self.refuse_next = 0
        self.bouncing: set[str] = set()  # addresses refused for good, lower case

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if address.lower() in self.bouncing:
            return NO_MAILBOX
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse_next > 0:
            self.refuse_next -= 1
            return REFUSAL
        message_id = message_from_bytes(envelope.original_content).get("Message-ID", "") or str(uuid.uuid4())
        name = re.sub(r"[^A-Za-z0-9@._-]", "", message_id)[:100]
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%f")
        # Whole files only, for a reader at any moment: written under a name no *.eml glob
        # matches (pathlib's matches dot files too), then renamed.
        draft = self.folder / f".{stamp}-{name}.part"
        login = f"X-Sink-Login: {session.login_data.decode()}\r\n".encode() if session.authenticated else b""
        draft.write_bytes(login + envelope.original_content)
        draft.rename(self.folder / f"{stamp}-{name}.eml")
        return "250 OK caught"

    def authenticate(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str,
                     auth_data: LoginPassword) -> AuthResult:
        user, password = auth_data.login.decode(), auth_data.password.decode()
        return AuthResult(success=self.logins.get(user, None) == password, handled=False, auth_data=auth_data)


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def refuse(request: web.Request) -> web.Response:
    body = await request.json()
    count = body.get("count") if isinstance(body, dict) else None
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        return web.json_response({"error": "give {\"count\": n}, a whole number of messages to refuse"}, status=400)
    request.app[SINK].refuse_next = count
    return web.json_response({"refuse_next": count})


async def bounce(request: web.Request) -> web.Response:
    body = await request.json()
    address = body.get("address") if isinstance(body, dict) else None
    if not isinstance(address, str) or "@" not in address:
        return web.json_response({"error": "give {\"address\": \"…\"}, the recipient to refuse for good"}, status=400)
    request.app[SINK].bouncing.add(address.lower())
    return web.json_response({"bouncing": sorted(request.app[SINK].bouncing)})


SINK = web.AppKey("sink", Sink)


async def serve(port: int, admin_port: int, folder: Path, logins: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    sink = Sink(folder, logins)
    with_auth = {"authenticator": sink.authenticate, "auth_required": True, "auth_require_tls": False} if logins else {}
    smtp = await asyncio.get_running_loop().create_server(
        lambda: SMTP(sink, hostname="kassa-smtp-sink", decode_data=False, **with_auth), "127.0.0.1", port)
    admin = web.Application()
    admin[SINK] = sink
    admin.router.add_get("/health", health)
    admin.router.add_post("/_fake/refuse", refuse)
    admin.router.add_post("/_fake/bounce", bounce)
    runner = web.AppRunner(admin)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", admin_port).start()
    async with smtp:
        await smtp.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True, help="the SMTP port")
    parser.add_argument("--admin-port", type=int, required=True, help="/health, /_fake/refuse and /_fake/bounce")
    parser.add_argument("--folder", type=Path, required=True, help="where caught mail is written")
    parser.add_argument("--login", action="append", default=[], metavar="USER:PASSWORD",
                        help="take mail only after AUTH with this login (repeatable)")
    args = parser.parse_args()
    logins = dict(login.split(":", 1) for login in args.login)
    asyncio.run(serve(args.port, args.admin_port, args.folder, logins))


if __name__ == "__main__":
    main()
