"""Document downloads (docs/documents.md#downloading):

  GET  /documents/invoices/<id>.pdf            an issued invoice (Factur-X: PDF/A-3 with its e-invoice)
  GET  /documents/invoices/<id>.xml            its e-invoice alone (EN 16931 CII XML)
  GET  /documents/credit_notes/<id>.pdf        a credit note (Factur-X), and .xml
  GET  /documents/receipts/<payment id>.pdf    a completed top-up's receipt
  GET  /documents/statements/<customer id>.pdf?from=YYYY-MM-DD&to=YYYY-MM-DD   (rendered on demand)
  POST …/<id>.pdf/link   a signed link to that document (staff, or the customer for their own);
                         body {"expires_in": seconds} optional (default 14 days, at most 90)
  POST …/<id>.pdf/send   (staff) the signed link to the customer by e-mail (event document_sent)

Who may: the same token as PostgREST (bridge/auth.py), and then PostgREST itself decides, asked
with the caller's token for the document's row: row-level security as the token's role, so a
customer reaches their own documents, staff their tenant's, nobody another tenant's. A signed
link (`?link=`, bridge/document_links.py) stands for the token for its one document until it
expires.

An invoice, credit note or receipt is rendered once (by the document worker, on its first
download) and kept with its SHA-256; every download checks the kept bytes against it and
serves them unchanged (ETag and Repr-Digest carry the digest). South African invoices and
credit notes are served as the original once, then as the copy (db/functions/600_documents.sql).

Codes: 404 P0B20 no such document for this caller; 403 P0B21 a link not valid for this
document; 410 P0B22 an expired link; 500 P0B23 kept bytes that no longer match their SHA-256
(logged); 503 P0B24 the document worker did not answer; 500 P0B25 an e-invoice that fails its
schema check or its sums (logged, nothing kept).
"""
from __future__ import annotations

import base64
import hashlib
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timezone

from flask import Blueprint, Response, jsonify, request

from bridge import config, documents
from bridge.answers import field, json_object, problem, refuse
from bridge.auth import caller
from bridge.db import acting_for, pool
from bridge.document_links import (DEFAULT_LINK_S, MAX_LINK_S, Expired, link_token, render_request,
                                   tenant_of_link)

blueprint = Blueprint("downloads", __name__)
log = logging.getLogger("kassa.bridge")
RENDER_TIMEOUT_S = 90


@dataclass(frozen=True)
class Collection:
    name: str            # its part of the URL
    kind: str            # the document kind (kassa.documents.kind, or statement)
    resource: str        # the API resource whose row names the document
    visible: dict        # PostgREST filters: what of it is a document
    number: str | None   # the column the e-mail names it by


COLLECTIONS = {
    "invoices": Collection("invoices", "invoice", "invoices", {"number": "not.is.null"}, "number"),
    "credit_notes": Collection("credit_notes", "credit_note", "credit_notes", {}, "number"),
    "receipts": Collection("receipts", "receipt", "payments", {"purpose": "eq.top_up", "completed_at": "not.is.null"}, None),
    "statements": Collection("statements", "statement", "customers", {}, "account_number"),
}


@dataclass(frozen=True)
class Document:
    collection: Collection
    id: str
    format: str
    period: dict  # a statement's from and to, as given

    @property
    def path(self) -> str:
        """What a link signs: the download's path and its canonical query."""
        query = urllib.parse.urlencode(self.period)
        return f"/documents/{self.collection.name}/{self.id}.{self.format}" + (f"?{query}" if query else "")


def named(collection: str, name: str) -> Document:
    """The document a URL names, or 404 P0B20 (an unknown kind, format or an id that is no uuid)."""
    doc_id, _, extension = name.rpartition(".")
    known = COLLECTIONS.get(collection)
    try:
        doc_id = str(uuid.UUID(doc_id))
    except ValueError:
        known = None
    served = documents.FORMATS.get(extension)
    if known is None or served is None or known.kind not in served.kinds:
        refuse(404, "P0B20", f"no document /documents/{collection}/{name}")
    period = {}
    if known.kind == "statement":
        for bound in ("from", "to"):
            if value := request.args.get(bound):
                try:
                    period[bound] = date.fromisoformat(value).isoformat()
                except ValueError:
                    refuse(400, "P0B05", f"{bound} must be a date (YYYY-MM-DD), not {value[:40]!r}")
    return Document(known, doc_id, extension, period)


def seen_by_token(document: Document, roles=("staff", "customer"), action: str | None = None) -> tuple[dict, dict]:
    """The caller's claims and the document's row as PostgREST shows it to their token (tenant,
    customer, number): 404 P0B20 when RLS leaves them none."""
    claims = caller(*roles, action=action)
    collection = document.collection
    columns = ["tenant_id", "id" if collection.kind == "statement" else "customer_id"]
    if collection.number:
        columns.append(collection.number)
    query = urllib.parse.urlencode({"id": f"eq.{document.id}", "select": ",".join(columns), **collection.visible})
    asked = urllib.request.Request(f"{config.current().postgrest_url}/{collection.resource}?{query}",
                                   headers={"Authorization": request.headers["Authorization"]})
    with urllib.request.urlopen(asked, timeout=30) as answer:
        rows = json.load(answer)
    if not rows:
        refuse(404, "P0B20", f"no {collection.kind.replace('_', ' ')} {document.id} for this token")
    row = rows[0]
    row.setdefault("customer_id", row.get("id"))
    return claims, row


def ask_worker(job: dict) -> bytes:
    """The document worker's answer to a render job, or the request ends with its problem."""
    settings = config.current()
    body = json.dumps({"request": render_request(settings.document_link_key, job)}).encode()
    asked = urllib.request.Request(f"{settings.documents_url}/render", data=body,
                                   headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(asked, timeout=RENDER_TIMEOUT_S) as answer:
            return answer.read()
    except urllib.error.HTTPError as refused:
        problem_body = json.loads(refused.read() or b"{}")
        refuse(refused.code, problem_body.get("code", "P0B24"), problem_body.get("message", "render failed"),
               problem_body.get("details"), problem_body.get("hint"))
    except OSError as error:
        refuse(503, "P0B24", "the document worker did not answer", str(error))


def document_answer(content: bytes, document: Document, sha256: str, variant: str) -> Response:
    media_type = documents.FORMATS[document.format].media_type
    answer = Response(content, mimetype=media_type)
    answer.headers["Content-Disposition"] = f'inline; filename="{document.collection.kind}-{document.id}.{document.format}"'
    answer.headers["ETag"] = f'"{sha256}"'
    answer.headers["Repr-Digest"] = f"sha-256=:{base64.b64encode(bytes.fromhex(sha256)).decode()}:"
    answer.headers["X-Kassa-Document-Variant"] = variant
    answer.headers["Cache-Control"] = "private, no-store"
    return answer


def serve(tenant_id: str, document: Document) -> Response:
    kind = document.collection.kind
    job = {"tenant": tenant_id, "kind": kind, "id": document.id, "format": document.format, **document.period}
    if kind == "statement":
        content = ask_worker(job)
        return document_answer(content, document, hashlib.sha256(content).hexdigest(), "original")
    read = "SELECT variant, sha256, content FROM internal.document_to_serve(%s, %s, %s, %s, %s)"
    with pool().connection() as conn:
        variant, sha256, content = conn.execute(read, [tenant_id, kind, document.id, document.format, None]).fetchone()
    if content is None:
        ask_worker({**job, "variant": variant})
        with pool().connection() as conn:
            variant, sha256, content = conn.execute(read, [tenant_id, kind, document.id, document.format,
                                                           variant]).fetchone()
    content = bytes(content)
    if hashlib.sha256(content).hexdigest() != sha256:
        log.error("stored %s %s (%s) does not match its SHA-256 %s", kind, document.id, variant, sha256)
        return problem(500, "P0B23", "the stored document does not match its SHA-256; it is not served",
                       hint="The operations guide says how to check kassa.documents (docs/operations.md).")
    return document_answer(content, document, sha256, variant)


@blueprint.get("/documents/<collection>/<name>")
def download(collection: str, name: str):
    document = named(collection, name)
    if "link" in request.args:
        try:
            tenant_id = tenant_of_link(config.current().document_link_key, request.args["link"], document.path)
        except Expired:
            return problem(410, "P0B22", "this download link has expired", hint="Ask for a new link.")
        if tenant_id is None:
            return problem(403, "P0B21", "this download link is not valid for this document")
        return serve(tenant_id, document)
    claims, row = seen_by_token(document)
    return serve(row["tenant_id"], document)


def signed_link(tenant_id: str, document: Document, lifetime_s: int) -> tuple[str, datetime]:
    expires_at = int(time.time()) + lifetime_s
    token = link_token(config.current().document_link_key, tenant_id, document.path, expires_at)
    separator = "&" if "?" in document.path else "?"
    return (f"{config.current().public_url}{document.path}{separator}link={token}",
            datetime.fromtimestamp(expires_at, timezone.utc))


def lifetime() -> int:
    asked = field(json_object() if request.get_data() else {}, "expires_in", int, required=False)
    if asked is not None and not 60 <= asked <= MAX_LINK_S:
        refuse(400, "P0B05", f"expires_in must be between 60 and {MAX_LINK_S} seconds")
    return asked or DEFAULT_LINK_S


@blueprint.post("/documents/<collection>/<name>/link")
def link(collection: str, name: str):
    document = named(collection, name)
    seconds = lifetime()
    claims, row = seen_by_token(document)
    url, expires_at = signed_link(row["tenant_id"], document, seconds)
    return jsonify(url=url, expires_at=expires_at.isoformat()), 201


@blueprint.post("/documents/<collection>/<name>/send")
def send(collection: str, name: str):
    document = named(collection, name)
    seconds = lifetime()
    claims, row = seen_by_token(document, roles=("staff",), action="bridge/documents/send")
    url, expires_at = signed_link(row["tenant_id"], document, seconds)
    number = row.get(document.collection.number) if document.collection.number else None
    with pool().connection() as conn, acting_for(conn, claims):
        event_id = conn.execute("SELECT internal.send_document(%s, %s, %s, %s, %s, %s)",
                                [row["tenant_id"], row["customer_id"], document.collection.kind, number, url,
                                 expires_at]).fetchone()[0]
    return jsonify(event_id=str(event_id), url=url, expires_at=expires_at.isoformat()), 202
