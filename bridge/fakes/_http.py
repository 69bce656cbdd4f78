"""What the local gateway stand-ins share: a threaded loopback server and a quiet handler that
answers JSON, HTML or any other body."""
from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # tests open many connections at once


class FakeHandler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):  # keep the service log for errors only
        pass

    def read_body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def send_body(self, status: int, data: bytes, content_type: str, location: str | None = None) -> None:
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_json(self, status: int, body) -> None:
        self.send_body(status, json.dumps(body).encode(), "application/json")

    def send_html(self, status: int, text: str, location: str | None = None) -> None:
        self.send_body(status, text.encode(), "text/html; charset=utf-8", location)
