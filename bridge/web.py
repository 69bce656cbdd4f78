"""The bridge web process: webhooks, payment pages, document downloads, login, the portal (Flask).

Run by gunicorn as `bridge.web:app_from_environment()`, configured by bridge.config (the
environment, read once at start). Every gateway's blueprint registers itself here.
"""
from __future__ import annotations

from flask import Flask, jsonify, request

from bridge import (answers, api_keys, downloads, logins, oidc, openapi, pay, portal, rate_limit, refunds, topups,
                    unsubscribe, webhooks)
from bridge.config import Config
from bridge.db import pool
from bridge.security import SECURITY_HEADERS


def create_app(config: Config) -> Flask:
    app = Flask(__name__)
    app.extensions["kassa"] = config
    app.config.update(SESSION_COOKIE_SECURE=True, SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax")
    answers.install(app)
    if config.rate_limit:
        @app.before_request
        def rate_limited():
            # The supervisor's probe, and gateway callbacks (bridge/webhooks.py limits failed signatures).
            if request.path == "/health" or request.path.startswith("/webhooks/"):
                return None
            if (wait := rate_limit.wait_for(f"address:{request.remote_addr}", config.rate_limit)) is None:
                return None
            return answers.too_many_requests("requests from this address", config.rate_limit, wait)

    @app.after_request
    def secure(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)  # a page may set its own (bridge/pay.py)
        return response

    @app.get("/health")
    def health():
        with pool().connection() as conn:
            conn.execute("SELECT 1")
        return jsonify(status="ok")

    @app.get("/push/key")
    def push_key():
        """The key a page subscribes to web push with (PushManager.subscribe's applicationServerKey)."""
        return jsonify(public_key=config.vapid_public_key)

    app.register_blueprint(webhooks.blueprint)
    app.register_blueprint(topups.blueprint)
    app.register_blueprint(refunds.blueprint)
    app.register_blueprint(openapi.blueprint)
    app.register_blueprint(pay.blueprint)
    app.register_blueprint(unsubscribe.blueprint)
    app.register_blueprint(downloads.blueprint)
    app.register_blueprint(logins.blueprint)
    app.register_blueprint(api_keys.blueprint)
    app.register_blueprint(oidc.blueprint)
    app.register_blueprint(portal.blueprint)
    return app


def app_from_environment() -> Flask:
    """The app gunicorn serves (`bridge.web:app_from_environment()`, called once per worker)."""
    return create_app(Config.from_environment())
