"""How bridge endpoints answer a broken business rule: PostgREST's error shape, HTTP 400."""
from __future__ import annotations

import psycopg
from flask import jsonify


def rule_broken(error: psycopg.Error):
    """A Kassa rule (SQLSTATE class P0) as 400 {code, message, hint}; anything else is raised again."""
    if not (error.sqlstate or "").startswith("P0"):
        raise error
    return jsonify(code=error.sqlstate, message=error.diag.message_primary, hint=error.diag.message_hint), 400
