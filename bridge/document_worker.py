"""The document worker (docs/documents.md): renders documents to PDF for the bridge, outside any
database transaction, in processes of its own (gunicorn, 2 workers, KASSA_DOCUMENTS_URL), so a
burst of first downloads costs the bridge's webhooks and pages nothing.

  GET  /health   200 while the database answers
  POST /render   {"request": <render request signed by the bridge, bridge/document_links.py>}
                 An issued invoice, credit note or receipt is read (internal.document_source),
                 rendered, and kept with its SHA-256 (internal.store_document: once; a second
                 rendering of the same document is discarded): 201 {"sha256"} of the one kept.
                 A statement is rendered and answered (200 application/pdf), not kept.
                 400 for a rule the period breaks (P0G02), 403 P0B21 for a request not signed
                 by the bridge, 404 P0B20 for no such issued document.

Reads are single statements in autocommit; WeasyPrint runs with no transaction open.
"""
from __future__ import annotations

import hashlib
import json

import psycopg
from flask import Flask, Response, jsonify, request

from bridge import answers, documents
from bridge.answers import problem, rule_broken
from bridge.config import Config
from bridge.db import pool
from bridge.document_links import render_job


def create_app(config: Config) -> Flask:
    app = Flask(__name__)
    app.extensions["kassa"] = config
    answers.install(app)
    renderer = documents.renderer_version()

    @app.get("/health")
    def health():
        with pool().connection() as conn:
            conn.execute("SELECT 1")
        return jsonify(status="ok", renderer=renderer)

    @app.post("/render")
    def render():
        job = render_job(config.document_link_key, str(answers.json_object().get("request", "")))
        if job is None:
            return problem(403, "P0B21", "this render request was not signed by the bridge")
        try:
            with pool().connection() as conn:
                if job["kind"] == "statement":
                    source = conn.execute("SELECT internal.statement_source(%s, %s, %s, %s)",
                                          [job["tenant"], job["id"], job.get("from"), job.get("to")]).fetchone()[0]
                else:
                    source = conn.execute("SELECT internal.document_source(%s, %s, %s)",
                                          [job["tenant"], job["kind"], job["id"]]).fetchone()[0]
        except psycopg.Error as error:
            return rule_broken(error)
        if source is None:
            return problem(404, "P0B20", f"no issued {job['kind'].replace('_', ' ')} {job['id']}")
        render_format, media_type = documents.FORMATS[job["format"]]
        content = render_format(source, job.get("variant", "original"))
        if job["kind"] == "statement":
            return Response(content, mimetype=media_type)
        digest = hashlib.sha256(content).hexdigest()
        with pool().connection() as conn:
            kept = conn.execute("SELECT internal.store_document(%s, %s, %s, %s, %s, %s, %s, %s)",
                                [job["tenant"], job["kind"], job["id"], job["variant"], job["format"], content,
                                 digest, renderer]).fetchone()[0]
        return Response(json.dumps({"sha256": kept}), status=201, mimetype="application/json")

    return app


def app_from_environment() -> Flask:
    """What gunicorn serves (`bridge.document_worker:app_from_environment()`)."""
    return create_app(Config.from_environment())
