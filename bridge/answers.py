"""How every bridge endpoint answers a problem: PostgREST's error shape
`{"code", "message", "details", "hint"}`, never a Flask HTML page and never a 500 for bad input.

Codes of the bridge's own (documented in docs/api.md, "Errors"):
  P0B01 the body is not a JSON object       P0B02 the body is too large (413)
  P0B03 no such endpoint (404)              P0B04 method not allowed (405)
  P0B05 a field has the wrong type         P0B06 another HTTP error
  P0B07 the payment gateway refused or could not be reached (502)
  P0B08–P0B10 the caller's token refused (401/403, bridge/claims.py)
  P0B11 the JSON body nests deeper than MAX_JSON_DEPTH
  P0B00 an unexpected error (500, logged)
Input the database cannot hold (a NUL byte, an amount beyond bigint, …) answers 400 with the
SQLSTATE as code, as PostgREST does.
"""
from __future__ import annotations

import json
import logging

import psycopg
from flask import Flask, abort, jsonify, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger("kassa.bridge")

MAX_BODY_BYTES = 64 * 1024  # the largest body any endpoint needs (a Stripe event) is a few KB
MAX_JSON_DEPTH = 32  # a Stripe event nests about 6 deep; Python's parser recurses per level
HTTP_CODES = {400: "P0B01", 404: "P0B03", 405: "P0B04", 413: "P0B02"}
NUL_IN_TEXT = "22021"  # PostgreSQL's SQLSTATE for a byte its encoding cannot hold
OUT_OF_RANGE = "22003"  # … and for a number beyond its type
BIGINT_MIN, BIGINT_MAX = -2 ** 63, 2 ** 63 - 1


def problem(http_status: int, code: str, message: str, details: str | None = None, hint: str | None = None,
            **extra):
    """PostgREST's error shape; `extra` adds fields an endpoint documents (a webhook's status)."""
    response = jsonify(code=code, message=message, details=details, hint=hint, **extra)
    response.status_code = http_status
    return response


def too_many_requests(what: str, limit: int, wait: int):
    """429 P0B12 with Retry-After: `what` came more than `limit` times this minute."""
    refusal = problem(429, "P0B12", f"too many {what}", f"at most {limit} a minute", f"retry in {wait} s")
    refusal.headers["Retry-After"] = str(wait)
    return refusal


def refuse(status: int, code: str, message: str, details: str | None = None, hint: str | None = None):
    """Stop the request with a problem answer."""
    abort(problem(status, code, message, details, hint))


class TooDeep(ValueError):
    pass


def nesting_depth(data: bytes) -> int:
    """How deep arrays and objects nest in a JSON text (brackets inside strings do not count),
    measured before parsing: a body of 64 KiB of `[` would exhaust the parser's recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # closing quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def strict_json(data: bytes):
    """JSON as PostgreSQL reads it: NaN and ±Infinity are not JSON, and a lone UTF-16 surrogate
    ("\\ud800") is no text (UTF-8 cannot hold it). Raises TooDeep beyond MAX_JSON_DEPTH."""
    if nesting_depth(data) > MAX_JSON_DEPTH:
        raise TooDeep(f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels")

    def not_json(constant: str):
        raise ValueError(f"{constant} is not a JSON number")
    value = json.loads(data, parse_constant=not_json)
    json.dumps(value, ensure_ascii=False).encode()  # UnicodeEncodeError (a ValueError) on a lone surrogate
    return value


def json_object() -> dict:
    """The request body as a JSON object, or a 400 answer."""
    try:
        body = strict_json(request.get_data())
    except TooDeep as error:
        refuse(400, "P0B11", str(error))
    except ValueError:
        body = None
    if not isinstance(body, dict):
        refuse(400, "P0B01", "the request body must be a JSON object")
    return body


def field(body: dict, name: str, kind: type, required: bool = True):
    """One field of the body, of the given type (bool is not an int), or a 400 answer."""
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        refuse(400, "P0B05", f"{name} must be {'an integer' if kind is int else 'a string'}",
               details=f"got {type(value).__name__}")
    if kind is int and not BIGINT_MIN <= value <= BIGINT_MAX:
        refuse(400, OUT_OF_RANGE, f"{name} is out of range for bigint")
    return value


def fields(body: dict, required: dict[str, type], optional: dict[str, type] | None = None) -> list:
    """The body's fields of the given types, in the order named (the optional ones None when
    absent), or a 400 answer for the first that is wrong."""
    return ([field(body, name, kind) for name, kind in required.items()]
            + [field(body, name, kind, False) for name, kind in (optional or {}).items()])


def gateway_unavailable(error: Exception):
    """The payment gateway refused or could not be reached: 502, nothing recorded as paid."""
    return problem(502, "P0B07", "the payment gateway refused or could not be reached",
                   getattr(error, "user_message", None) or str(error))


def rule_broken(error: psycopg.Error):
    """A Kassa rule (SQLSTATE class P0) as 400 {code, message, hint}; anything else is raised again."""
    if not (error.sqlstate or "").startswith("P0"):
        raise error
    return problem(400, error.sqlstate, error.diag.message_primary, error.diag.message_detail, error.diag.message_hint)


def install(app: Flask) -> None:
    """The bridge's error handlers and body limit."""
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.response is not None:  # a problem answer made by refuse()
            return error.response
        return problem(error.code or 500, HTTP_CODES.get(error.code, "P0B06"), error.description or error.name)

    @app.errorhandler(psycopg.DataError)
    def unstorable_input(error: psycopg.DataError):
        # Raised by PostgreSQL (class 22) or by psycopg before sending (a NUL byte in text).
        return problem(400, error.sqlstate or NUL_IN_TEXT, str(error.diag.message_primary or error).strip())

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return problem(500, "P0B00", "the bridge could not answer; the error is logged")
