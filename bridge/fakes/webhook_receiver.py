"""A local webhook receiver: a tenant's system as the webhook worker sees it, for the tests and
the benchmark (docs/messages.md, "Webhooks").

It answers every POST with what was set for its path (200 and `ok` unless told otherwise: any
status, extra headers such as Location or Retry-After, or holding the answer back until
released) and keeps each request it got: path, headers and body. In a test it runs in a thread
of the test (`Receiver().start()`); `python -m bridge.fakes.webhook_receiver --port P` runs it
alone (the benchmark: a receiver in a process of its own), with GET /_fake/count answering how
many POSTs it got.
"""
from __future__ import annotations

import argparse
import asyncio
import socket
import threading
import time
from dataclasses import dataclass, field

from aiohttp import web


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Answer:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


class Receiver:
    def __init__(self, keep: bool = True) -> None:
        self.keep = keep  # False: count only (the benchmark)
        self.received: list[Received] = []
        self.count = 0
        self.answers: dict[str, Answer] = {}
        self.held = threading.Event()  # set: answers wait until it is cleared (release())
        self.port = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self.runner: web.AppRunner | None = None

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/_fake/count", self.counted)
        app.router.add_post("/{path:.*}", self.post)
        return app

    async def post(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.count += 1
        if self.keep:
            self.received.append(Received(request.path, dict(request.headers), body))
        while self.held.is_set():
            await asyncio.sleep(0.02)
        answer = self.answers.get(request.path, Answer())
        return web.Response(status=answer.status, headers=answer.headers, text="ok" if answer.status < 300 else "no")

    async def counted(self, request: web.Request) -> web.Response:
        return web.json_response({"received": self.count})

    def answer(self, path: str, status: int, **headers: str) -> None:
        self.answers[path] = Answer(status, headers)

    def hold(self) -> None:
        self.held.set()

    def release(self) -> None:
        self.held.clear()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def at(self, path: str) -> list[Received]:
        return [request for request in list(self.received) if request.path == path]

    def start(self) -> Receiver:
        """Serves on a free port of 127.0.0.1 in a thread of its own; returns at once when it listens."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        listening = threading.Event()
        threading.Thread(target=self.serve, args=(listening,), daemon=True).start()
        if not listening.wait(10):
            raise RuntimeError("the webhook receiver did not start")
        return self

    def serve(self, listening: threading.Event) -> None:
        self.loop = asyncio.new_event_loop()
        self.runner = web.AppRunner(self.app(), access_log=None)
        self.loop.run_until_complete(self.runner.setup())
        self.loop.run_until_complete(web.TCPSite(self.runner, "127.0.0.1", self.port).start())
        listening.set()
        self.loop.run_forever()

    def stop(self) -> None:
        self.release()
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)

    def wait_for(self, path: str, count: int, timeout: float = 30) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.at(path)) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.at(path)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    arguments = parser.parse_args()
    web.run_app(Receiver(keep=False).app(), host="127.0.0.1", port=arguments.port, print=None, access_log=None)
