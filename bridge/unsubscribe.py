"""Unsubscribe links of mail (docs/messages.md#unsubscribe): every e-mail of a kind that is not
mandatory carries `List-Unsubscribe: <bridge>/unsubscribe/<token>` and `List-Unsubscribe-Post:
List-Unsubscribe=One-Click` (RFC 8058); the token names the tenant, customer and kind, signed
with KASSA_UNSUBSCRIBE_KEY (itsdangerous), so no one makes one for another customer.

  GET  /unsubscribe/<token>   a page saying what the link turns off, with a button: a GET
                              changes nothing (mail scanners open links)
  POST /unsubscribe/<token>   turns the kind off on e-mail for the customer (a mail client's
                              one-click POST, or the page's button): 200; a token that is not
                              ours (or altered) 404
"""
from __future__ import annotations

import uuid

from flask import Blueprint, render_template, request
from itsdangerous import BadSignature, URLSafeSerializer

from bridge import config
from bridge.db import acting_as, pool
from bridge.texts import LOCALES, Speaker

blueprint = Blueprint("unsubscribe", __name__, template_folder="templates")
SALT = "kassa-unsubscribe"  # tokens of this key for anything else do not open this door


def token_for(key: str, tenant_id: uuid.UUID, customer_id: uuid.UUID, kind: str) -> str:
    return URLSafeSerializer(key, salt=SALT).dumps([str(tenant_id), str(customer_id), kind])


def link_for(bridge_url: str, key: str, tenant_id: uuid.UUID, customer_id: uuid.UUID, kind: str) -> str:
    return f"{bridge_url}/unsubscribe/{token_for(key, tenant_id, customer_id, kind)}"


def read(token: str) -> tuple[str, str, str] | None:
    """(tenant, customer, kind) of a token this bridge signed; None for any other."""
    try:
        tenant_id, customer_id, kind = URLSafeSerializer(config.current().unsubscribe_key, salt=SALT).loads(token)
        return str(uuid.UUID(tenant_id)), str(uuid.UUID(customer_id)), str(kind)
    except (BadSignature, ValueError, TypeError):
        return None


def page(state: str, status: int, token: str = "", kind: str = ""):
    say = Speaker(request.accept_languages.best_match(LOCALES))
    return render_template("unsubscribe.html", say=say, state=state, token=token,
                           kind=kind.replace("_", " ")), status


@blueprint.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    named = read(token)
    if named is None:
        return page("unsubscribe_unknown", 404)
    tenant_id, customer_id, kind = named
    if request.method == "GET":
        return page("unsubscribe_confirm", 200, token, kind)
    with pool().connection() as conn, acting_as(conn, f"link:unsubscribe:{customer_id}"):
        conn.execute("SELECT internal.unsubscribe(%s, %s, %s, 'email')", [tenant_id, customer_id, kind])
    return page("unsubscribed", 200, kind=kind)
