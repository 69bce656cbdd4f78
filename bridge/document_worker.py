"""The document worker (docs/documents.md): renders documents to PDF for the bridge, outside any
database transaction, in processes of its own (gunicorn, 2 workers, KASSA_DOCUMENTS_URL), so a
burst of first downloads costs the bridge's webhooks and pages nothing.

  GET  /health   200 while the database answers
  POST /render   {"request": <render request signed by the bridge, bridge/document_links.py>}
                 An issued invoice, credit note or receipt is read (internal.document_source),
                 rendered, and kept with its SHA-256 (internal.store_document: once; a second
                 rendering of the same document is discarded): 201 {"sha256"} of the one kept.
                 A statement is rendered and answered (200 application/pdf), not kept.
                 An invoice's or credit note's PDF embeds its e-invoice as kept: the XML is
                 rendered and kept first when it is not yet, so the .xml download and the XML
                 in the PDF are always the same bytes.
                 400 for a rule the period breaks (P0G02), 403 P0B21 for a request not signed
                 by the bridge, 404 P0B20 for no such issued document, 500 P0B25 for an
                 e-invoice that fails its schema check or whose sums do not add up to the
                 document's totals (logged; nothing is kept).

Reads are single statements in autocommit; WeasyPrint runs with no transaction open.
"""
from __future__ import annotations

import hashlib
import json
import logging

import psycopg
from flask import Flask, Response, jsonify, request

from bridge import answers, documents, einvoice
from bridge.answers import problem, rule_broken
from bridge.config import Config
from bridge.db import pool
from bridge.document_links import render_job

log = logging.getLogger("kassa.documents")


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
        media_type = documents.FORMATS[job["format"]].media_type
        try:
            if job["kind"] == "statement":
                return Response(documents.render_pdf(source), mimetype=media_type)
            if job["format"] == "pdf" and job["kind"] in einvoice.KINDS:
                content = documents.render_pdf(source, job["variant"], xml=kept_xml(job, source))
            else:
                content = documents.FORMATS[job["format"]].render(source, job["variant"])
        except einvoice.Invalid as error:
            log.error("e-invoice not valid, nothing kept: %s", error)
            return problem(500, "P0B25", f"the e-invoice of {job['kind'].replace('_', ' ')} {source.get('number')} is not "
                           "valid EN 16931 (its schema check or its sums failed); it is not kept or served",
                           str(error)[:2000])
        return Response(json.dumps({"sha256": keep(job, job["format"], job["variant"], content)}), status=201,
                        mimetype="application/json")

    def keep(job: dict, file_format: str, variant: str, content: bytes) -> str:
        """Keeps a rendering (the first one kept wins); the SHA-256 of the one kept."""
        with pool().connection() as conn:
            return conn.execute("SELECT internal.store_document(%s, %s, %s, %s, %s, %s, %s, %s)",
                                [job["tenant"], job["kind"], job["id"], variant, file_format, content,
                                 hashlib.sha256(content).hexdigest(), renderer]).fetchone()[0]

    def kept_xml(job: dict, source: dict) -> bytes:
        """The document's e-invoice as kept, rendered and kept first if need be."""
        read = "SELECT content FROM internal.document_to_serve(%s, %s, %s, 'xml', 'original')"
        with pool().connection() as conn:
            content = conn.execute(read, [job["tenant"], job["kind"], job["id"]]).fetchone()[0]
        if content is None:
            keep(job, "xml", "original", einvoice.render_xml(source))
            with pool().connection() as conn:
                content = conn.execute(read, [job["tenant"], job["kind"], job["id"]]).fetchone()[0]
        return bytes(content)

    return app


def app_from_environment() -> Flask:
    """What gunicorn serves (`bridge.document_worker:app_from_environment()`)."""
    return create_app(Config.from_environment())
