"""What the local gateway stand-ins share: a quiet request handler with JSON and HTML answers,
a request log for the tests, the threaded server, and POSTing a callback to the bridge."""
from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from bridge import plain_http


class RequestLog:
    """Every request a stand-in received, for `GET /_fake/requests`. Its lock also guards the
    stand-in's state."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests: list[dict] = []

    def record(self, method: str, path: str, params: dict, **extra) -> None:
        with self.lock:
            self.requests.append({"method": method, "path": path, "params": params, **extra, "at": time.time()})

    def entries(self) -> list[dict]:
        with self.lock:
            return list(self.requests)


class FakeHandler(BaseHTTPRequestHandler):
    """Answers in JSON (`encode_json` may be replaced: OCTO's amounts are exact decimals) or HTML."""
    fake: RequestLog  # the stand-in's state, set by its serve()

    def log_message(self, fmt, *args):  # keep the service log for errors only
        pass

    @staticmethod
    def encode_json(body) -> bytes:
        return json.dumps(body).encode()

    @property
    def path_only(self) -> str:
        return urlsplit(self.path).path

    def read_body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def send(self, status: int, data: bytes, content_type: str, location: str | None = None) -> None:
        plain_http.send_body(self, status, content_type, data, {"Location": location} if location else None)

    def answered_common_get(self) -> bool:
        """GET /health and /_fake/requests, the same in every stand-in; False for other paths."""
        if self.path_only == "/health":
            self.send_json(200, {"status": "ok"})
        elif self.path_only == "/_fake/requests":
            self.send_json(200, self.fake.entries())
        else:
            return False
        return True

    def send_json(self, status: int, body) -> None:
        self.send(status, self.encode_json(body), "application/json")

    def send_html(self, status: int, text: str, location: str | None = None) -> None:
        self.send(status, text.encode(), "text/html; charset=utf-8", location)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # tests open many connections at once


def bind(handler: type[FakeHandler], fake, port: int) -> Server:
    """A stand-in's server on 127.0.0.1:port (0: any free port), its handlers sharing `fake`,
    whose base_url is set to the address bound; not yet serving."""
    server = Server(("127.0.0.1", port), type("BoundHandler", (handler,), {"fake": fake}))
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    return server


def post_json(url: str, payload: bytes, headers: dict[str, str] | None = None,
              timeout: float = 30) -> tuple[int, bytes]:
    """POSTs a JSON payload; returns (HTTP status, answer body), error statuses included."""
    request = urllib.request.Request(url, data=payload, method="POST",
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
