"""Answers of the standard-library HTTP servers beside the Flask bridge (the scheduler's health
endpoint, the fake Stripe server): a status, a body with its type and length, extra headers."""
from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler


def send_body(handler: BaseHTTPRequestHandler, status: int, content_type: str, data: bytes,
              headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def send_json(handler: BaseHTTPRequestHandler, status: int, body) -> None:
    send_body(handler, status, "application/json", json.dumps(body).encode())
