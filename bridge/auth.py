"""Who calls a Flask endpoint of the bridge: `caller(role, …)`, the one door (bridge/claims.py has
the rules the SSE gateway applies too)."""
from __future__ import annotations

import psycopg
from flask import abort, request
from psycopg.types.json import Json

from bridge import claims as api_tokens, config
from bridge.answers import problem
from bridge.db import pool


def caller(*roles: str, action: str | None = None) -> dict:
    """The claims of the request's token, or a 401/403 answer in the error shape; with `action`
    (`bridge/...`), also refused when the token's staff role may not take it (docs/api.md,
    "Staff roles")."""
    try:
        claims = api_tokens.verified(api_tokens.bearer_token(request.headers.get("Authorization", "")),
                                     config.current().jwt_keys, roles)
        try:
            with pool().connection() as conn:
                conn.execute(f"SELECT {api_tokens.CHECK_CLAIMS}(%s, %s), internal.require_staff_action(%s, %s)",
                             [Json(claims), claims["role"], Json(claims), action])
        except psycopg.errors.InsufficientPrivilege as error:
            raise api_tokens.check_refused(error.diag.message_primary, error.diag.message_detail,
                                           error.diag.message_hint)
    except api_tokens.Refused as refused:
        abort(problem(refused.status, **refused.body()))
    return claims
