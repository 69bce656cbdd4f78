"""GET /openapi.json: the bridge's OpenAPI 3 document (bridge/openapi.json, written by hand), so
clients and the fuzz tests (tests/test_fuzz.py) know every endpoint and its answers."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response

DOCUMENT = (Path(__file__).parent / "openapi.json").read_bytes()
blueprint = Blueprint("openapi", __name__)


@blueprint.get("/openapi.json")
def document():
    return Response(DOCUMENT, mimetype="application/json")
